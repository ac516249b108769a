"""What a connected customer or advisor may do, message by message.

Each party checks every message against the database (the visit may have changed on
another instance), commits before it answers, then tells the other side over the bus.
Every message sent is a model of :mod:`live_protocol.messages`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy.ext.asyncio import AsyncSession

from live_protocol import PROTOCOL_VERSION, ErrorCode, ProtocolError, messages as m
from live_protocol.codec import encode, parse_advisor_message, parse_customer_message
from live_protocol.views import AdvisorIdentity, ChatLine, IceServer
from server.accounts.service import EndOfSignIn, sign_in_ended, sign_in_for_token
from server.booking.views import appointment_view, topic_view
from server.core.errors import DomainError, Forbidden
from server.db.models import Advisor, ConnectionMode, Party, Visit, VisitState, utcnow
from server.live import inbox, presence, visits
from server.live.bus import BusMessage, MissedMessages, Subscription
from server.live.hub import (
    RESYNC,
    LiveHub,
    SendQueue,
    SignInsEnded,
    advisor_channel,
    visit_channel,
)
from server.live.ice import ice_servers, line_check_servers
from server.live.ratelimit import PublicLimit
from server.live.room import RoomSnapshot

log = logging.getLogger(__name__)

SESSION_STATES = (VisitState.OFFERED, VisitState.ACTIVE)
_STATE_AFTER = {"offered": VisitState.OFFERED, "session_started": VisitState.ACTIVE,
                "ended": VisitState.ENDED}
"""The visit's state once a client got an event of this type."""
ClientMessage = m.CustomerToServer | m.AdvisorToServer
POLICY_VIOLATION = 1008  # the WebSocket close code for "you may not use this any more"


@dataclass(frozen=True)
class CloseRequest:
    """A party's wish that its WebSocket endpoint close the connection."""

    code: int
    reason: str


def _message_types(direction: Any) -> frozenset[str]:
    """The ``type`` of every message of a direction (``ServerToAdvisor`` …)."""
    members = get_args(get_args(direction)[0])  # Annotated[A | B | …, Field(...)]
    return frozenset(str(member.model_fields["type"].default) for member in members)


class BaseParty:
    """Shared plumbing: the bus subscription that feeds this connection's send queue.

    A party cannot close its socket; it calls :meth:`request_close` and the endpoint
    (server/api/ws.py), which waits on ``close_requested``, closes it.
    """

    me: Party
    address = "unknown"  # the client's address, set by the endpoint (per-address limits)
    receives: frozenset[str]  # the message types of this party's direction

    def __init__(self, hub: LiveHub, queue: SendQueue) -> None:
        self.hub = hub
        self.queue = queue
        self.subscription: Subscription | None = None
        self._forwarder: asyncio.Task[None] | None = None
        self._last_room: m.ServerMessage | None = None
        self.authenticated = False
        self.close_request: CloseRequest | None = None
        self.close_requested = asyncio.Event()
        # What this connection's client was told of its visit, to resync after a gap.
        self.visit_state: VisitState | None = None
        self.lines_sent: set[int] = set()

    def send(self, message: m.ServerMessage) -> None:
        if isinstance(message, m.ErrorMessage):
            self.hub.counters.websocket_error(message.code)
        self._put(encode(message))

    def _put(self, frame: str) -> None:
        if self.close_request is None:  # nothing more goes out once closing was asked for
            self.queue.put(frame)

    def request_close(self, code: int, reason: str,
                      last_word: m.ErrorMessage | None = None) -> None:
        """Have the connection closed with ``code``; ``last_word`` is the last frame sent."""
        if self.close_request is not None:
            return
        if last_word is not None:
            self.send(last_word)
        self.close_request = CloseRequest(code, reason)
        self.close_requested.set()

    def refuse(self, code: ErrorCode, text: str, in_reply_to: str | None = None) -> None:
        self.send(m.ErrorMessage(code=code, message=text, in_reply_to=in_reply_to))

    @property
    def advisor_id(self) -> int | None:
        return None

    def refresh_unread(self) -> None:
        return None

    def on_room(self, snapshot: RoomSnapshot) -> None:
        view = self.room_view(snapshot)
        if view is not None and view != self._last_room:
            self._last_room = view
            self.send(view)

    def room_view(self, snapshot: RoomSnapshot) -> m.ServerMessage | None:
        raise NotImplementedError

    def limit(self, limit: PublicLimit) -> None:
        """Count one more ``limit`` for this client's address; raises ``Throttled``."""
        self.hub.limits.check(limit, self.address, time.monotonic())

    def ice(self, who: str) -> list[IceServer]:
        return ice_servers(self.hub.settings, who, utcnow())

    async def follow(self, *channels: str) -> None:
        if self.subscription is None:
            self.subscription = await self.hub.follow(*channels)
            self._forwarder = asyncio.create_task(self._forward(self.subscription))
        else:
            await self.hub.bus.add_channels(self.subscription, *channels)

    async def _forward(self, subscription: Subscription) -> None:
        while True:
            try:
                async for message in subscription:
                    if message.payload.get("type") != RESYNC:
                        self.on_bus(message)
                    elif not await self.resync(signalling_lost=False):
                        break
                else:
                    return
            except MissedMessages:
                # Events were lost (Redis was away, or this reader fell behind). Resync in
                # place when only chat lines can have been missed: a Redis restart must
                # not make every client of every instance reconnect at once.
                with contextlib.suppress(Exception):
                    if await self.resync(signalling_lost=True):
                        continue
            except Exception:
                log.exception("forwarding live events failed")
            # More was missed, or the resync failed: close the connection so the client
            # reconnects and resumes from the database.
            log.warning("live events lost for a connection; closing it to resync")
            self.queue.overflowed.set()
            return

    @property
    def followed_visit(self) -> int | None:
        """The visit whose events this connection's client follows now."""
        return None

    async def resync(self, *, signalling_lost: bool) -> bool:
        """After a gap on the bus (``signalling_lost``), or when the other party came back:
        send the chat lines of the followed visit that this connection has not sent.
        False when more may have been missed (the visit moved on meanwhile, or a video
        session's signalling was lost): the client must then resume from the database."""
        visit_id = self.followed_visit
        if visit_id is None:
            return True
        # Shielded: a connection closing meanwhile must not cut the database session off
        # in the middle (its rollback would be cancelled too).
        history = await asyncio.shield(self._history_to_resync(visit_id, signalling_lost))
        if history is None:
            return False
        for line in history:
            if line.id not in self.lines_sent:
                self.lines_sent.add(line.id)
                self.send(m.ChatPosted(line=line))
        return True

    async def _history_to_resync(self, visit_id: int,
                                 signalling_lost: bool) -> list[ChatLine] | None:
        async with self.hub.db.session() as session:
            visit = await session.get(Visit, visit_id, populate_existing=True)
            if visit is None or visit.state != self.visit_state:
                return None
            if (signalling_lost and visit.state == VisitState.ACTIVE
                    and visit.mode == ConnectionMode.VIDEO):
                return None
            return await visits.chat_history(session, visit_id)

    def told(self, state: VisitState | None, history: list[ChatLine] | None = None) -> None:
        """Remember what the client now knows of its visit (for :meth:`resync`)."""
        self.visit_state = state
        self.lines_sent.update(line.id for line in history or ())

    def on_bus(self, message: BusMessage) -> None:
        """Forward a visit's event; it was written by :meth:`LiveHub.to_visit` from a
        protocol model, so it goes out as it came."""
        payload = message.payload
        kind = payload.get("type")
        if kind == "signal" and payload.get("from") == self.me.value:
            return  # our own offer/answer/candidate
        if kind == "chat_message":
            self.lines_sent.add(payload["line"]["id"])
        elif kind in _STATE_AFTER:
            self.visit_state = _STATE_AFTER[kind]
        if kind not in self.receives:
            return  # the other party's (``offered`` is the customer's alone)
        self._put(json.dumps(payload, ensure_ascii=False))

    async def handle(self, raw: str) -> bool:
        """Act on one client message. False means: close the connection."""
        if self.close_request is not None:
            return True  # the connection is being closed; nothing more is done for it
        try:
            message = self.parse(raw)
        except ProtocolError as problem:
            self.send(problem.as_message())
            return self.authenticated  # garbage before hello ends the connection
        if not self.authenticated and message.type != "hello":
            self.refuse(ErrorCode.HELLO_FIRST, "the first message must be hello", message.type)
            return False
        if self.authenticated and message.type == "hello":
            self.refuse(ErrorCode.ALREADY_GREETED, "hello was already sent", "hello")
            return True
        if self.authenticated and not await self.still_authorised():
            return True  # still_authorised() asked for the connection to be closed
        if message.type == "ping":
            await self.on_ping()
            self.send(m.Pong())
            return True
        try:
            async with self.hub.db.session() as session:
                await self.dispatch(session, message)
        except DomainError as problem:
            self.refuse(ErrorCode(problem.code), problem.message, message.type)
            return self.authenticated
        return True

    def parse(self, raw: str) -> ClientMessage:
        raise NotImplementedError

    async def dispatch(self, session: AsyncSession, message: Any) -> None:
        raise NotImplementedError

    async def still_authorised(self) -> bool:
        """Whatever let the client in still holds; if not, the party asks to be closed."""
        return True

    async def on_ping(self) -> None:
        return None

    async def close(self) -> None:
        if self.subscription is not None:
            await self.subscription.close()
        if self._forwarder is not None:
            self._forwarder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._forwarder


class UnsupportedProtocol(DomainError):
    code = ErrorCode.UNSUPPORTED_PROTOCOL.value


class WrongStep(DomainError):
    """A message that does not fit where the conversation is."""

    code = ErrorCode.WRONG_STEP.value
    status = 409


def _check_protocol(version: int) -> None:
    if version != PROTOCOL_VERSION:
        raise UnsupportedProtocol(f"this server speaks protocol {PROTOCOL_VERSION}")


def relayed(visit_id: int, sender: Party,
            message: m.CustomerSignal | m.AdvisorSignal) -> m.RelayedSignal:
    return m.RelayedSignal(visit_id=visit_id, sender=sender, description=message.description,
                           candidate=message.candidate)


class CustomerParty(BaseParty):
    me = Party.CUSTOMER
    receives = _message_types(m.ServerToCustomer)

    def __init__(self, hub: LiveHub, queue: SendQueue) -> None:
        super().__init__(hub, queue)
        self.entry: visits.Entry | None = None
        self.visit_id: int | None = None

    def parse(self, raw: str) -> ClientMessage:
        return parse_customer_message(raw)

    @property
    def followed_visit(self) -> int | None:
        return self.visit_id

    def room_view(self, snapshot: RoomSnapshot) -> m.ServerMessage | None:
        if self.visit_id is None:
            return None
        return snapshot.customer_status(self.visit_id)

    async def _visit(self, session: AsyncSession) -> Visit:
        if self.visit_id is None:
            raise WrongStep("sign in first")
        visit = await session.get(Visit, self.visit_id, populate_existing=True)
        assert visit is not None
        return visit

    def _welcome(self, step: Literal["sign_in", "visit"], **content: Any) -> m.CustomerWelcome:
        return m.CustomerWelcome(
            heartbeat_seconds=self.hub.settings.heartbeat_seconds, step=step, **content)

    def _send_media_config(self, visit: Visit) -> None:
        """TURN credentials only to a customer whose video session starts or resumes:
        an anonymous walk-in must not get a relay to use for six hours."""
        if visit.state == VisitState.ACTIVE and visit.mode == ConnectionMode.VIDEO:
            self.send(m.MediaConfig(
                ice_servers=self.ice(f"visit-{visit.id}"),
                ice_transport_policy=self.hub.settings.ice_transport_policy))

    async def dispatch(self, session: AsyncSession, message: m.CustomerToServer) -> None:
        match message:
            case m.CustomerHello():
                await self._hello(session, message)
            case m.SignIn():
                await self._sign_in(session, message)
            case m.LeaveMessage():
                visit = await self._visit(session)
                self.limit(PublicLimit.LEFT_MESSAGE)
                left = await inbox.leave_message(session, visit, message.text, message.phone,
                                                 self.hub.settings.chat_max_chars)
                await session.commit()
                self.send(m.MessageReceived(message_id=left.id))
                await self.hub.room_changed()
                await self.hub.messages_changed()
            case m.GiveUp() | m.End():
                visit = await self._visit(session)
                ended = await visits.end(session, visit.id, Party.CUSTOMER)
                await session.commit()
                if ended is not None:
                    await self.hub.to_visit(visit.id, m.Ended(visit_id=visit.id,
                                                              by=Party.CUSTOMER))
                    await self.hub.room_changed()
            case m.ChooseConnection():
                visit = await visits.choose_connection(
                    session, await self._visit(session), message.mode, message.see_advisor,
                    message.show_me)
                await session.commit()
                self._send_media_config(visit)  # queued before session_started comes back
                await self.hub.to_visit(visit.id,
                                        m.SessionStarted(visit=visits.visit_view(visit)))
                await self.hub.room_changed()
            case m.CustomerChat():
                line = await visits.add_chat(session, await self._visit(session),
                                             Party.CUSTOMER, message.text, message.client_id,
                                             self.hub.settings.chat_max_chars)
                await session.commit()
                await self.hub.to_visit(line.visit_id, m.ChatPosted(line=line))
            case m.CustomerSignal():
                visit = await self._visit(session)
                if visit.state != VisitState.ACTIVE or visit.mode != ConnectionMode.VIDEO:
                    raise WrongStep("picture and sound were not chosen for this conversation")
                await self.hub.to_visit(visit.id, relayed(visit.id, Party.CUSTOMER, message))
            case m.Rate():
                await visits.rate(session, await self._visit(session), message.stars)
                await session.commit()
                self.send(m.Rated(stars=message.stars))
            case m.LineCheck():
                self._line_check()
            case m.LineState():
                visit = await self._visit(session)
                if visit.state != VisitState.ACTIVE or visit.mode != ConnectionMode.VIDEO:
                    raise WrongStep("picture and sound were not chosen for this conversation")
                await self.hub.to_visit(visit.id, m.CustomerLine(visit_id=visit.id,
                                                                 weak=message.weak))

    async def _hello(self, session: AsyncSession, hello: m.CustomerHello) -> None:
        _check_protocol(hello.protocol)
        self.limit(PublicLimit.PUBLIC)
        given = [x for x in (hello.join_token, hello.visit_token, hello.topic_id) if x]
        if len(given) != 1:
            raise WrongStep("give exactly one of join_token, visit_token or topic_id")
        if hello.visit_token:
            visit = await visits.visit_for_token(session, hello.visit_token, utcnow())
            if visit.state in SESSION_STATES or visit.state == VisitState.WAITING:
                # Follow the visit before reading its history: a line stored in between
                # then comes live (the page drops the copy by its id) instead of never.
                await self.follow(visit_channel(visit.id))
                await presence.set_connected(session, visit.id, self.hub.instance_id)
                await session.commit()
            # Only now: if the bus or the database failed above, the client gets an
            # error and may say hello again on this connection.
            history = await visits.chat_history(session, visit.id)
            # No await from here to the welcome: a room update must not overtake it.
            self.visit_id = visit.id
            self.authenticated = True
            self.told(visit.state, history)
            self._send_media_config(visit)  # the page starts the call on this welcome
            self.send(self._welcome("visit", visit=visits.visit_view(visit),
                                    chat_history=history))
            if self.hub.last_room is not None and visit.state == VisitState.WAITING:
                # The place as of the newest snapshot at once: after a crash, the next
                # snapshot can take a while with everybody coming back.
                self.on_room(self.hub.last_room)
            if self.subscription is not None:
                await self.hub.resync_visit(visit.id)
            await self.hub.room_changed()
            return
        if hello.join_token:
            self.entry = await visits.entry_for_join_token(session, self.hub.settings,
                                                           hello.join_token, utcnow())
        else:
            assert hello.topic_id is not None
            self.entry = await visits.entry_for_topic(session, hello.topic_id)
        self.authenticated = True
        appointment, topic = self.entry.appointment, self.entry.topic
        self.send(self._welcome(
            "sign_in", appointment=appointment_view(appointment) if appointment else None,
            topic=topic_view(topic) if topic else None))

    def _line_check(self) -> None:
        """Short-lived TURN credentials for the system check, only to a customer who came
        with a join link or a visit token (a relay is worth abusing; a walk-in proves
        nothing), and only so often per address."""
        if self.visit_id is not None:
            who = f"check-visit-{self.visit_id}"
        elif self.entry is not None and self.entry.appointment is not None:
            who = f"check-appointment-{self.entry.appointment.id}"
        else:
            raise WrongStep("the line test needs the link from your confirmation e-mail")
        self.limit(PublicLimit.LINE_CHECK)
        self.send(m.LineCheckServers(
            ice_servers=line_check_servers(self.hub.settings, who, utcnow())))

    async def _sign_in(self, session: AsyncSession, message: m.SignIn) -> None:
        if self.entry is None or self.visit_id is not None:
            raise WrongStep("already signed in" if self.visit_id else "say hello first")
        if self.entry.appointment is None:
            self.limit(PublicLimit.WALK_IN)
        visit, token = await visits.sign_in(
            session, self.hub.settings, self.entry, name=message.name, phone=message.phone,
            language=message.language, consent=message.consent,
            instance_id=self.hub.instance_id,
        )
        await session.commit()
        self.visit_id = visit.id
        await self.follow(visit_channel(visit.id))
        self.told(visit.state)
        self.send(m.SignedIn(visit_token=token, visit=visits.visit_view(visit)))
        await self.hub.room_changed()

    async def close(self) -> None:
        await super().close()
        if self.visit_id is None:
            return
        # The customer keeps their place for the grace period (a reload, a network drop).
        async with self.hub.db.session() as session:
            await presence.set_disconnected(session, self.visit_id, utcnow())
        await self.hub.room_changed()


class AdvisorParty(BaseParty):
    me = Party.ADVISOR
    receives = _message_types(m.ServerToAdvisor)

    def __init__(self, hub: LiveHub, queue: SendQueue) -> None:
        super().__init__(hub, queue)
        self.advisor: Advisor | None = None
        self.sign_in_id: int | None = None
        self.connection_id: str | None = None
        self._unread_task: asyncio.Task[None] | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self.session_id: int | None = None

    def parse(self, raw: str) -> ClientMessage:
        return parse_advisor_message(raw)

    @property
    def followed_visit(self) -> int | None:
        return self.session_id

    def room_view(self, snapshot: RoomSnapshot) -> m.ServerMessage | None:
        return snapshot.advisor_view(self.advisor.id) if self.advisor else None

    def end_sign_in(self, reason: EndOfSignIn) -> None:
        """The advisor's sign-in ended (signed out, expired, deactivated): nothing more
        reaches this connection, and it closes with 1008."""
        self.request_close(POLICY_VIOLATION, reason.value, m.ErrorMessage(
            code=ErrorCode.NOT_AUTHENTICATED, message=f"your sign-in ended ({reason.value})"))

    def on_bus(self, message: BusMessage) -> None:
        ended = SignInsEnded.from_payload(message.payload)
        if ended is None:
            super().on_bus(message)
        elif self.sign_in_id is not None and ended.covers(self.sign_in_id):
            self.end_sign_in(ended.reason)

    async def still_authorised(self) -> bool:
        # Each message is checked, so one that overtakes the bus's news is refused too.
        assert self.sign_in_id is not None
        async with self.hub.db.session() as session:
            ended = await sign_in_ended(session, self.sign_in_id)
        if ended is not None:
            self.end_sign_in(ended)
        return ended is None

    @property
    def advisor_id(self) -> int | None:
        return self.advisor.id if self.advisor is not None else None

    def refresh_unread(self) -> None:
        if self.advisor is not None and (self._unread_task is None or self._unread_task.done()):
            self._unread_task = asyncio.create_task(self._send_unread())

    async def _send_unread(self) -> None:
        assert self.advisor is not None
        async with self.hub.db.session() as session:
            advisor = await session.merge(self.advisor, load=True)
            count = await inbox.unread_count(session, advisor)
        self.send(m.MessagesUnread(count=count))

    async def _own_visit(self, session: AsyncSession, visit_id: int) -> Visit:
        assert self.advisor is not None
        visit = await session.get(Visit, visit_id, populate_existing=True)
        if visit is None or visit.advisor_id != self.advisor.id or visit.state not in (
            SESSION_STATES
        ):
            raise Forbidden("this is not one of your current conversations")
        return visit

    async def dispatch(self, session: AsyncSession, message: m.AdvisorToServer) -> None:
        match message:
            case m.AdvisorHello():
                await self._hello(session, message)
            case m.Accept():
                assert self.advisor is not None
                advisor = await session.merge(self.advisor, load=True)
                visit = await visits.accept(session, advisor, message.visit_id)
                await session.commit()
                await self.follow(visit_channel(visit.id))
                self.session_id = visit.id
                self.told(VisitState.OFFERED)
                view = visits.visit_view(visit, (await visits.consent_times(
                    session, [visit.id]))[visit.id])
                self.send(m.Accepted(visit=view))
                await self.hub.to_visit(visit.id, m.Offered(visit=view))
                await self.hub.room_changed()
            case m.AdvisorChat():
                visit = await self._own_visit(session, message.visit_id)
                line = await visits.add_chat(session, visit, Party.ADVISOR, message.text,
                                             message.client_id, self.hub.settings.chat_max_chars)
                await session.commit()
                await self.hub.to_visit(visit.id, m.ChatPosted(line=line))
            case m.AdvisorSignal():
                visit = await self._own_visit(session, message.visit_id)
                if visit.state != VisitState.ACTIVE or visit.mode != ConnectionMode.VIDEO:
                    raise WrongStep("the customer did not choose picture and sound")
                await self.hub.to_visit(visit.id, relayed(visit.id, Party.ADVISOR, message))
            case m.AdvisorEnd():
                visit = await self._own_visit(session, message.visit_id)
                await visits.end(session, visit.id, Party.ADVISOR)
                await session.commit()
                await self.hub.to_visit(visit.id, m.Ended(visit_id=visit.id, by=Party.ADVISOR))
                await self.hub.room_changed()

    async def _hello(self, session: AsyncSession, hello: m.AdvisorHello) -> None:
        _check_protocol(hello.protocol)
        sign_in = await sign_in_for_token(session, hello.token)
        advisor = sign_in.advisor
        current = await visits.current_session_of(session, advisor.id)
        channels = [advisor_channel(advisor.id)]
        if current is not None:
            channels.append(visit_channel(current.id))
        # Follow before reading the history: a line stored in between then comes live
        # (the console drops the copy by its id) instead of never.
        await self.follow(*channels)
        history = await visits.chat_history(session, current.id) if current else []
        unread = await inbox.unread_count(session, advisor)
        self.connection_id = await presence.register_connection(session, advisor.id)
        await session.commit()
        self.advisor = advisor
        self.sign_in_id = sign_in.id
        self.authenticated = True
        self._expiry = asyncio.get_running_loop().call_later(
            max(0.0, (sign_in.expires_at - utcnow()).total_seconds()),
            self.end_sign_in, EndOfSignIn.EXPIRED)
        self.session_id = current.id if current else None
        self.told(current.state if current else None, history)
        self.send(m.AdvisorWelcome(
            heartbeat_seconds=self.hub.settings.heartbeat_seconds,
            advisor=AdvisorIdentity(id=advisor.id, display_name=advisor.display_name),
            session=visits.visit_view(current) if current else None,
            chat_history=history, messages_unread=unread,
            ice_servers=self.ice(f"advisor-{advisor.id}"),
            ice_transport_policy=self.hub.settings.ice_transport_policy,
        ))
        if current is not None:
            await self.hub.resync_visit(current.id)
        await self.hub.room_changed()  # the advisor is online now

    async def on_ping(self) -> None:
        if self.connection_id is not None:
            async with self.hub.db.session() as session:
                await presence.touch_connection(session, self.connection_id)

    async def close(self) -> None:
        await super().close()
        if self._expiry is not None:
            self._expiry.cancel()
        if self._unread_task is not None:
            self._unread_task.cancel()
        if self.connection_id is None:
            return
        async with self.hub.db.session() as session:
            await presence.drop_connection(session, self.connection_id)
        await self.hub.room_changed()
