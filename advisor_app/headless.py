"""The advisor console without widgets: signs in, accepts a customer, answers the
browser's offer with :class:`AdvisorPeer`, chats, ends.

Tests and benchmarks drive it; the PySide6 console is built on the same pieces.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

import av
from aiortc import MediaStreamTrack, RTCIceServer

from advisor_app.media import AdvisorPeer
from advisor_app.net.live import AdvisorConnection
from advisor_app.net.rest import RestClient, ServerError

log = logging.getLogger(__name__)

EVENT_HISTORY = 500


def rtc_ice_servers(entries: list[dict[str, Any]]) -> list[RTCIceServer]:
    """The server's ``ice_servers`` list as aiortc objects (always explicit, even empty)."""
    return [
        RTCIceServer(urls=entry["urls"], username=entry.get("username"),
                     credential=entry.get("credential"))
        for entry in entries
    ]


class HeadlessAdvisor:
    def __init__(
        self,
        server_url: str,
        username: str,
        password: str,
        *,
        video_source: Callable[[], MediaStreamTrack] | None = None,
        audio_source: Callable[[], MediaStreamTrack] | None = None,
        on_video_frame: Callable[[av.VideoFrame], None] | None = None,
        on_audio_frame: Callable[[av.AudioFrame], None] | None = None,
        rest: RestClient | None = None,
    ) -> None:
        """``rest`` may already be signed in (its token set): then ``password`` is unused."""
        self.rest = rest or RestClient(server_url)
        self.username = username
        self._password = password
        self._video_source = video_source
        self._audio_source = audio_source
        self._on_video_frame = on_video_frame
        self._on_audio_frame = on_audio_frame
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        self.connection: AdvisorConnection | None = None
        self.ice_servers: list[dict[str, Any]] = []
        self.ice_transport_policy = "all"
        self.peer: AdvisorPeer | None = None
        self.visit: dict[str, Any] | None = None
        self.waiting: list[dict[str, Any]] = []
        self.chat: list[dict[str, Any]] = []
        # The newest events, for wait_for; a console runs all day, so not all of them.
        self.events: deque[dict[str, Any]] = deque(maxlen=EVENT_HISTORY)
        self.event_count = 0
        self._changed = asyncio.Condition()
        self._pump: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.rest.token is None:
            await asyncio.to_thread(self.rest.sign_in, self.username, self._password)
        assert self.rest.token is not None
        self.connection = AdvisorConnection(self.rest.ws_url, self.rest.token)
        self.connection.start()
        self._pump = asyncio.create_task(self._read_events(), name="headless-advisor")
        welcome = await self.wait_for(lambda e: e["type"] == "welcome")
        self.ice_servers = welcome["ice_servers"]
        self.ice_transport_policy = welcome.get("ice_transport_policy", "all")

    async def _read_events(self) -> None:
        assert self.connection is not None
        while True:
            event = await self.connection.events.get()
            try:
                await self._on_event(event)
            except Exception:
                log.exception("headless advisor could not handle %s", event.get("type"))
            async with self._changed:
                self.events.append(event)
                self.event_count += 1
                self._changed.notify_all()
            for listener in self.listeners:
                try:
                    listener(event)
                except Exception:
                    log.exception("a listener failed on %s", event.get("type"))

    async def _on_event(self, event: dict[str, Any]) -> None:
        match event.get("type"):
            case "welcome":
                self.ice_servers = event.get("ice_servers", self.ice_servers)
                self.visit = event.get("session")
                self.chat = list(event.get("chat_history", []))
            case "waiting_room":
                self.waiting = event["waiting"]
            case "accepted" | "session_started":
                self.visit = event["visit"]
            case "chat_message":
                self.chat.append(event["line"])
            case "signal" if event.get("description", {}).get("type") == "offer":
                await self._answer(event["description"]["sdp"])
            case "signal" if "candidate" in event and self.peer is not None:
                candidate = event["candidate"]
                await self.peer.add_remote_candidate(
                    candidate["candidate"], candidate.get("sdpMid"),
                    candidate.get("sdpMLineIndex"))
            case "ended":
                await self._close_peer()

    async def _answer(self, offer_sdp: str) -> None:
        """Answer the browser's offer; a new offer (renegotiation, reconnect) starts over."""
        await self._close_peer()
        await self._refresh_turn_credentials()
        self.peer = AdvisorPeer(ice_servers=rtc_ice_servers(self.ice_servers),
                                ice_transport_policy=self.ice_transport_policy,
                                video_source=self._video_source,
                                audio_source=self._audio_source,
                                on_video_frame=self._on_video_frame,
                                on_audio_frame=self._on_audio_frame)
        answer = await self.peer.answer(offer_sdp)
        assert self.visit is not None and self.connection is not None
        await self.connection.send(type="signal", visit_id=self.visit["id"],
                                   description={"type": "answer", "sdp": answer})

    async def _refresh_turn_credentials(self) -> None:
        """TURN credentials expire (``VB_TURN_TTL_SECONDS``) and a console runs all day:
        fetch fresh ones before each answer. Without TURN there is nothing to refresh."""
        if not any(entry.get("credential") for entry in self.ice_servers):
            return
        try:
            self.ice_servers = await asyncio.to_thread(self.rest.get, "/api/v1/ice-servers")
        except ServerError as problem:
            log.warning("could not refresh the TURN credentials: %s", problem.code)

    async def _close_peer(self) -> None:
        if self.peer is not None:
            await self.peer.close()
            self.peer = None

    async def wait_for(self, condition: Callable[[dict[str, Any]], bool],
                       timeout: float = 15.0, *, since: int = 0) -> dict[str, Any]:
        """The first event that meets ``condition``, counting from event number ``since``
        (an earlier :attr:`event_count`)."""
        async def find() -> dict[str, Any]:
            async with self._changed:
                while True:
                    forgotten = self.event_count - len(self.events)
                    for event in itertools.islice(self.events, max(0, since - forgotten), None):
                        if condition(event):
                            return event
                    await self._changed.wait()

        return await asyncio.wait_for(find(), timeout)

    async def wait_for_customer(self, timeout: float = 15.0) -> dict[str, Any]:
        event = await self.wait_for(lambda e: e["type"] == "waiting_room" and e["waiting"],
                                    timeout)
        first: dict[str, Any] = event["waiting"][0]
        return first

    async def accept(self, visit_id: int) -> dict[str, Any]:
        assert self.connection is not None
        mark = self.event_count
        await self.connection.send(type="accept", visit_id=visit_id)
        reply = await self.wait_for(lambda e: e["type"] in ("accepted", "error"), since=mark)
        if reply["type"] == "error":
            raise RuntimeError(reply["message"])
        return reply["visit"]  # type: ignore[no-any-return]

    async def say(self, text: str) -> None:
        assert self.connection is not None and self.visit is not None
        await self.connection.send(type="chat", visit_id=self.visit["id"], text=text,
                                   client_id=uuid.uuid4().hex)

    async def end(self) -> None:
        assert self.connection is not None and self.visit is not None
        await self.connection.send(type="end", visit_id=self.visit["id"])

    async def close(self) -> None:
        await self._close_peer()
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
        if self.connection is not None:
            await self.connection.close()
