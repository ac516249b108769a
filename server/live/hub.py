"""One server instance's live side: its WebSocket connections and the bus between instances.

The database holds every fact; the bus only says "the room changed" or carries a
visit's events (chat lines, signalling, the end) to whichever instance holds the other
party's connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Protocol

from live_protocol.codec import as_payload
from live_protocol.messages import Ended, ServerMessage
from server.accounts.service import EndOfSignIn
from server.core.config import Settings
from server.core.counters import InstanceCounters
from server.db.models import Party, utcnow
from server.db.session import Database
from server.live import presence, visits
from server.live.bus import Bus, BusError, BusUnavailable, MissedMessages, Subscription
from server.live.ratelimit import AddressLimits, ConnectionCounter, rates_from
from server.live.room import RoomSnapshot, take_snapshot

log = logging.getLogger(__name__)

ROOM_CHANNEL = "room"
MESSAGES_CHANNEL = "messages"
SEND_QUEUE_LIMIT = 512
MAX_CONNECTIONS_PER_ADDRESS = 20
INSTANCE_HEARTBEAT = 5.0  # seconds; an instance silent for three beats is dead


RESYNC = "resync"
"""A visit channel's control message between instances (never sent to a client)."""


def visit_channel(visit_id: int) -> str:
    return f"visit:{visit_id}"


def advisor_channel(advisor_id: int) -> str:
    return f"advisor:{advisor_id}"


@dataclass(frozen=True)
class SignInsEnded:
    """An advisor's sign-ins ended (all of them when ``sign_in_ids`` is None): every live
    connection made with one of them closes, on whichever instance it is."""

    advisor_id: int
    reason: EndOfSignIn
    sign_in_ids: tuple[int, ...] | None = None

    KIND: ClassVar[str] = "sign_ins_ended"

    def covers(self, sign_in_id: int) -> bool:
        return self.sign_in_ids is None or sign_in_id in self.sign_in_ids

    def payload(self) -> dict[str, Any]:
        ids = None if self.sign_in_ids is None else list(self.sign_in_ids)
        return {"kind": self.KIND, "advisor_id": self.advisor_id, "reason": self.reason.value,
                "sign_in_ids": ids}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> SignInsEnded | None:
        """The event in a bus message of the advisor's channel, or None for anything else."""
        if payload.get("kind") != cls.KIND:
            return None
        ids = payload["sign_in_ids"]
        return cls(int(payload["advisor_id"]), EndOfSignIn(payload["reason"]),
                   None if ids is None else tuple(int(i) for i in ids))


async def announce_sign_ins_ended(bus: Bus, ended: SignInsEnded) -> None:
    """Close the live connections of ended sign-ins, everywhere. Should the bus be down,
    each connection still finds out from the database at its next message or heartbeat."""
    try:
        await bus.publish(advisor_channel(ended.advisor_id), ended.payload())
    except BusError:
        log.warning("could not announce that sign-ins of advisor %s ended", ended.advisor_id)


class SendQueue:
    """A connection's outgoing frames, written by their own task.

    The hub never waits for a slow client: when a client falls this far behind, the
    connection is closed and the client resumes from the database on reconnect.
    """

    def __init__(self, send_text: Callable[[str], Awaitable[None]]) -> None:
        self._send_text = send_text
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(SEND_QUEUE_LIMIT)
        self.overflowed = asyncio.Event()

    def put(self, frame: str) -> None:
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.overflowed.set()

    def close(self) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(None)

    async def run(self) -> None:
        while (frame := await self._queue.get()) is not None:
            await self._send_text(frame)


class LocalParty(Protocol):
    """What the hub needs of a connected customer or advisor."""

    queue: SendQueue
    me: Party

    @property
    def advisor_id(self) -> int | None:
        """The signed-in advisor behind this connection; None for a customer."""
        ...

    def on_room(self, snapshot: RoomSnapshot) -> None: ...

    def refresh_unread(self) -> None:
        """Messages left by customers changed; advisors resend their unread count."""
        ...


class LiveHub:
    def __init__(self, db: Database, settings: Settings, bus: Bus) -> None:
        self.db = db
        self.settings = settings
        self.bus = bus
        self.parties: set[LocalParty] = set()
        self.addresses = ConnectionCounter(MAX_CONNECTIONS_PER_ADDRESS)
        self.limits = AddressLimits(rates_from(settings))  # also for the public REST routes
        self.counters = InstanceCounters()
        self._tasks: list[asyncio.Task[None]] = []
        self._room_dirty = asyncio.Event()
        self.last_room: RoomSnapshot | None = None
        """The newest snapshot of the room this instance took (places are in it at once
        for a customer who comes back, before the next one is taken)."""
        self.instance_id = str(uuid.uuid4())

    async def start(self) -> None:
        subscription = await self.bus.subscribe(ROOM_CHANNEL, MESSAGES_CHANNEL)
        self._tasks = [
            asyncio.create_task(self._listen(subscription), name="hub-listen"),
            asyncio.create_task(self._push_room(), name="hub-room"),
            asyncio.create_task(self._sweep(), name="hub-sweep"),
        ]
        self._room_dirty.set()  # a restarted instance tells everyone what it knows

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        with contextlib.suppress(Exception):
            async with self.db.session() as session:
                await presence.instance_stopped(session, self.instance_id)

    def connections(self) -> Counter[Party]:
        """This instance's open connections, by party."""
        return Counter(party.me for party in self.parties)

    # Events --------------------------------------------------------------------------

    async def room_changed(self) -> None:
        """Tell every instance to refresh what customers and advisors see."""
        await self.bus.publish(ROOM_CHANNEL, {"kind": "changed"})

    async def messages_changed(self) -> None:
        await self.bus.publish(MESSAGES_CHANNEL, {"kind": "changed"})

    async def to_visit(self, visit_id: int, message: ServerMessage) -> None:
        """An event for both parties of a visit, wherever they are connected."""
        await self.bus.publish(visit_channel(visit_id), as_payload(message))

    async def sign_ins_ended(self, ended: SignInsEnded) -> None:
        await announce_sign_ins_ended(self.bus, ended)

    async def resync_visit(self, visit_id: int) -> None:
        """A party of the visit came back (it may have come from a crashed instance, which
        can have stored its last line without telling anyone): every connection of the
        visit sends the lines it has not sent. If the bus is away, its own gap report
        does the same once it is back."""
        with contextlib.suppress(BusUnavailable):
            await self.bus.publish(visit_channel(visit_id), {"type": RESYNC})

    async def follow(self, *channels: str) -> Subscription:
        return await self.bus.subscribe(*channels)

    # Loops ---------------------------------------------------------------------------

    async def _listen(self, subscription: Subscription) -> None:
        async with subscription:
            while True:
                try:
                    async for message in subscription:
                        if message.channel == ROOM_CHANNEL:
                            self._room_dirty.set()
                        elif message.channel == MESSAGES_CHANNEL:
                            self._refresh_unread()
                    return
                except MissedMessages:
                    # Events were lost (a Redis reconnect, a burst): resync everything.
                    self._room_dirty.set()
                    self._refresh_unread()

    def _refresh_unread(self) -> None:
        for party in list(self.parties):
            party.refresh_unread()

    async def _push_room(self) -> None:
        """Coalesces bursts of changes: one snapshot per round, however many events."""
        while True:
            await self._room_dirty.wait()
            self._room_dirty.clear()
            if not self.parties:
                continue
            try:
                advisors = [a for party in self.parties if (a := party.advisor_id) is not None]
                async with self.db.session() as session:
                    snapshot = await take_snapshot(session, self.settings, advisors)
                self.last_room = snapshot
            except Exception:
                log.exception("could not read the waiting room")
                await asyncio.sleep(1)
                self._room_dirty.set()
                continue
            for party in list(self.parties):
                party.on_room(snapshot)

    async def _sweep(self) -> None:
        """Beat this instance's heartbeat; notice dead instances and vanished customers."""
        interval = max(0.5, min(INSTANCE_HEARTBEAT, self.settings.grace_seconds / 4))
        grace = timedelta(seconds=self.settings.grace_seconds)
        stale = timedelta(seconds=INSTANCE_HEARTBEAT * 3)
        while True:
            try:
                async with self.db.session() as session:
                    now = utcnow()
                    await presence.instance_heartbeat(session, self.instance_id, now)
                    orphans = await presence.orphaned_to_disconnected(session, now, stale)
                    gone = await visits.abandon_vanished(session, now, grace)
                for visit_id in gone:
                    await self.to_visit(visit_id, Ended(visit_id=visit_id, by=Party.SYSTEM,
                                                        reason="abandoned"))
                if gone or orphans:
                    await self.room_changed()
            except Exception:
                log.exception("sweeping vanished customers failed")
            await asyncio.sleep(interval)

