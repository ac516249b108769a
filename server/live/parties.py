"""What a connected customer or advisor may do, message by message.

Each party checks every message against the database (the visit may have changed on
another instance), commits before it answers, then tells the other side over the bus.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.service import advisor_for_token
from server.api.schemas import AppointmentOut, TopicOut
from server.core.errors import DomainError, Forbidden
from server.db.models import Advisor, ConnectionMode, Party, Visit, VisitState, utcnow
from server.live import protocol as p, service
from server.live.bus import BusMessage, Subscription
from server.live.hub import LiveHub, Outbox, visit_channel
from server.live.ice import ice_servers
from server.live.room import RoomSnapshot

log = logging.getLogger(__name__)

SESSION_STATES = (VisitState.OFFERED, VisitState.ACTIVE)


class BaseParty:
    """Shared plumbing: the bus subscription that feeds this connection's outbox."""

    me: Party

    def __init__(self, hub: LiveHub, outbox: Outbox) -> None:
        self.hub = hub
        self.outbox = outbox
        self.subscription: Subscription | None = None
        self._forwarder: asyncio.Task[None] | None = None
        self._last_room: dict[str, Any] | None = None
        self.authenticated = False

    def send(self, message: dict[str, Any]) -> None:
        if message.get("type") == "error":
            self.hub.counters.websocket_error(str(message.get("code")))
        self.outbox.put(message)

    @property
    def advisor_id(self) -> int | None:
        return None

    def refresh_unread(self) -> None:
        return None

    def on_room(self, snapshot: RoomSnapshot) -> None:
        view = self.room_view(snapshot)
        if view and view != self._last_room:
            self._last_room = view
            self.send(view)

    def room_view(self, snapshot: RoomSnapshot) -> dict[str, Any] | None:
        raise NotImplementedError

    async def follow(self, *channels: str) -> None:
        if self.subscription is None:
            self.subscription = await self.hub.follow(*channels)
            self._forwarder = asyncio.create_task(self._forward(self.subscription))
        else:
            await self.hub.bus.add_channels(self.subscription, *channels)

    async def _forward(self, subscription: Subscription) -> None:
        try:
            async for message in subscription:
                self.on_bus(message)
        except Exception:
            # The bus lost this subscriber (overflow, Redis gone): close the connection so
            # the client reconnects and resumes from the database.
            log.warning("live events lost for a connection; closing it to resync")
            self.outbox.overflowed.set()

    def on_bus(self, message: BusMessage) -> None:
        payload = message.payload
        if payload.get("type") == "signal" and payload.get("from") == self.me.value:
            return  # our own offer/answer/candidate
        self.send(payload)

    async def handle(self, raw: str) -> bool:
        """Act on one client message. False means: close the connection."""
        try:
            message = self.parse(raw)
        except p.ProtocolError as problem:
            self.send(p.error(problem.code, problem.message, problem.in_reply_to))
            return self.authenticated  # garbage before hello ends the connection
        if not self.authenticated and message.type != "hello":
            self.send(p.error("hello_first", "the first message must be hello", message.type))
            return False
        if self.authenticated and message.type == "hello":
            self.send(p.error("already_greeted", "hello was already sent", "hello"))
            return True
        if message.type == "ping":
            await self.on_ping()
            self.send({"type": "pong"})
            return True
        try:
            async with self.hub.db.session() as session:
                await self.dispatch(session, message)
        except DomainError as problem:
            self.send(p.error(problem.code, problem.message, message.type))
            return self.authenticated
        return True

    def parse(self, raw: str) -> Any:
        raise NotImplementedError

    async def dispatch(self, session: AsyncSession, message: Any) -> None:
        raise NotImplementedError

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
    code = "unsupported_protocol"


class WrongStep(DomainError):
    """A message that does not fit where the conversation is."""

    code = "wrong_step"
    status = 409


def _check_protocol(version: int) -> None:
    if version != p.PROTOCOL_VERSION:
        raise UnsupportedProtocol(f"this server speaks protocol {p.PROTOCOL_VERSION}")


class CustomerParty(BaseParty):
    me = Party.CUSTOMER

    def __init__(self, hub: LiveHub, outbox: Outbox) -> None:
        super().__init__(hub, outbox)
        self.entry: service.Entry | None = None
        self.visit_id: int | None = None

    def parse(self, raw: str) -> Any:
        return p.parse_customer_message(raw)

    def room_view(self, snapshot: RoomSnapshot) -> dict[str, Any] | None:
        if self.visit_id is None:
            return None
        return snapshot.customer_status(self.visit_id) or None

    async def _visit(self, session: AsyncSession) -> Visit:
        if self.visit_id is None:
            raise WrongStep("sign in first")
        visit = await session.get(Visit, self.visit_id, populate_existing=True)
        assert visit is not None
        return visit

    def _ice(self) -> list[dict[str, object]]:
        who = f"visit-{self.visit_id}" if self.visit_id else "customer"
        return [s.as_dict() for s in ice_servers(self.hub.settings, who, utcnow())]

    async def dispatch(self, session: AsyncSession, message: Any) -> None:
        match message:
            case p.CustomerHello():
                await self._hello(session, message)
            case p.SignIn():
                await self._sign_in(session, message)
            case p.LeaveMessage():
                visit = await self._visit(session)
                left = await service.leave_message(session, visit, message.text, message.phone,
                                                   self.hub.settings.chat_max_chars)
                await session.commit()
                self.send({"type": "message_received", "message_id": left.id})
                await self.hub.room_changed()
                await self.hub.messages_changed()
            case p.GiveUp() | p.End():
                visit = await self._visit(session)
                ended = await service.end(session, visit.id, Party.CUSTOMER)
                await session.commit()
                if ended is not None:
                    await self.hub.to_visit(visit.id, {"type": "ended", "visit_id": visit.id,
                                                       "by": "customer"})
                    await self.hub.room_changed()
            case p.ChooseConnection():
                visit = await service.choose_connection(
                    session, await self._visit(session), message.mode, message.see_advisor,
                    message.show_me)
                await session.commit()
                await self.hub.to_visit(visit.id, {
                    "type": "session_started",
                    "visit": service.visit_view(visit).model_dump(mode="json"),
                })
                await self.hub.room_changed()
            case p.CustomerChat():
                line = await service.add_chat(session, await self._visit(session), Party.CUSTOMER,
                                              message.text, message.client_id,
                                              self.hub.settings.chat_max_chars)
                await session.commit()
                await self.hub.to_visit(line.visit_id, {"type": "chat_message",
                                                        "line": line.model_dump(mode="json")})
            case p.CustomerSignal():
                visit = await self._visit(session)
                if visit.state != VisitState.ACTIVE or visit.mode != ConnectionMode.VIDEO:
                    raise WrongStep("picture and sound were not chosen for this conversation")
                await self.hub.to_visit(visit.id, signal_payload(visit.id, Party.CUSTOMER,
                                                                 message))
            case p.Rate():
                await service.rate(session, await self._visit(session), message.stars)
                await session.commit()
                self.send({"type": "rated", "stars": message.stars})

    async def _hello(self, session: AsyncSession, hello: p.CustomerHello) -> None:
        _check_protocol(hello.protocol)
        given = [x for x in (hello.join_token, hello.visit_token, hello.topic_id) if x]
        if len(given) != 1:
            raise WrongStep("give exactly one of join_token, visit_token or topic_id")
        if hello.visit_token:
            visit = await service.visit_for_token(session, hello.visit_token)
            self.visit_id = visit.id
            self.authenticated = True
            if visit.state in SESSION_STATES or visit.state == VisitState.WAITING:
                await service.set_connected(session, visit.id, self.hub.instance_id)
                await session.commit()
                await self.follow(visit_channel(visit.id))
            self.send({
                "type": "welcome", "protocol": p.PROTOCOL_VERSION, "step": "visit",
                "visit": service.visit_view(visit).model_dump(mode="json"),
                "chat_history": [line.model_dump(mode="json")
                                 for line in await service.chat_history(session, visit.id)],
                "ice_servers": self._ice(),
                "ice_transport_policy": self.hub.settings.ice_transport_policy,
            })
            await self.hub.room_changed()
            return
        now = utcnow()
        if hello.join_token:
            self.entry = await service.entry_for_join_token(session, self.hub.settings,
                                                            hello.join_token, now)
        else:
            assert hello.topic_id is not None
            self.entry = await service.entry_for_topic(session, hello.topic_id)
        self.authenticated = True
        appointment = self.entry.appointment
        self.send({
            "type": "welcome", "protocol": p.PROTOCOL_VERSION, "step": "sign_in",
            "appointment": AppointmentOut.of(appointment).model_dump(mode="json")
            if appointment else None,
            "topic": TopicOut.of(self.entry.topic).model_dump(mode="json")
            if self.entry.topic else None,
            "ice_servers": self._ice(),
            "ice_transport_policy": self.hub.settings.ice_transport_policy,
        })

    async def _sign_in(self, session: AsyncSession, message: p.SignIn) -> None:
        if self.entry is None or self.visit_id is not None:
            raise WrongStep("already signed in" if self.visit_id else "say hello first")
        visit, token = await service.sign_in(
            session, self.hub.settings, self.entry, name=message.name, phone=message.phone,
            language=message.language, consent=message.consent,
            instance_id=self.hub.instance_id,
        )
        await session.commit()
        self.visit_id = visit.id
        await self.follow(visit_channel(visit.id))
        self.send({"type": "signed_in", "visit_token": token,
                   "visit": service.visit_view(visit).model_dump(mode="json")})
        await self.hub.room_changed()

    async def close(self) -> None:
        await super().close()
        if self.visit_id is None:
            return
        # The customer keeps their place for the grace period (a reload, a network drop).
        async with self.hub.db.session() as session:
            await service.set_disconnected(session, self.visit_id, utcnow())
        await self.hub.room_changed()


def signal_payload(visit_id: int, sender: Party, message: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": "signal", "visit_id": visit_id, "from": sender.value}
    if message.description is not None:
        payload["description"] = message.description.model_dump()
    if message.candidate is not None:
        payload["candidate"] = message.candidate.model_dump()
    return payload


class AdvisorParty(BaseParty):
    me = Party.ADVISOR

    def __init__(self, hub: LiveHub, outbox: Outbox) -> None:
        super().__init__(hub, outbox)
        self.advisor: Advisor | None = None
        self.connection_id: str | None = None
        self._unread_task: asyncio.Task[None] | None = None

    def parse(self, raw: str) -> Any:
        return p.parse_advisor_message(raw)

    def room_view(self, snapshot: RoomSnapshot) -> dict[str, Any] | None:
        return snapshot.advisor_view(self.advisor.id) if self.advisor else None

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
            count = await service.unread_count(session, advisor)
        self.send({"type": "messages_unread", "count": count})

    async def _own_visit(self, session: AsyncSession, visit_id: int) -> Visit:
        assert self.advisor is not None
        visit = await session.get(Visit, visit_id, populate_existing=True)
        if visit is None or visit.advisor_id != self.advisor.id or visit.state not in (
            SESSION_STATES
        ):
            raise Forbidden("this is not one of your current conversations")
        return visit

    async def dispatch(self, session: AsyncSession, message: Any) -> None:
        match message:
            case p.AdvisorHello():
                await self._hello(session, message)
            case p.Accept():
                assert self.advisor is not None
                advisor = await session.merge(self.advisor, load=True)
                visit = await service.accept(session, advisor, message.visit_id)
                await session.commit()
                await self.follow(visit_channel(visit.id))
                view = service.visit_view(visit, (await service.consent_times(
                    session, [visit.id]))[visit.id]).model_dump(mode="json")
                self.send({"type": "accepted", "visit": view})
                await self.hub.to_visit(visit.id, {"type": "offered", "visit": view})
                await self.hub.room_changed()
            case p.AdvisorChat():
                visit = await self._own_visit(session, message.visit_id)
                line = await service.add_chat(session, visit, Party.ADVISOR, message.text,
                                              message.client_id, self.hub.settings.chat_max_chars)
                await session.commit()
                await self.hub.to_visit(visit.id, {"type": "chat_message",
                                                   "line": line.model_dump(mode="json")})
            case p.AdvisorSignal():
                visit = await self._own_visit(session, message.visit_id)
                if visit.state != VisitState.ACTIVE or visit.mode != ConnectionMode.VIDEO:
                    raise WrongStep("the customer did not choose picture and sound")
                await self.hub.to_visit(visit.id, signal_payload(visit.id, Party.ADVISOR,
                                                                 message))
            case p.AdvisorEnd():
                visit = await self._own_visit(session, message.visit_id)
                await service.end(session, visit.id, Party.ADVISOR)
                await session.commit()
                await self.hub.to_visit(visit.id, {"type": "ended", "visit_id": visit.id,
                                                   "by": "advisor"})
                await self.hub.room_changed()

    async def _hello(self, session: AsyncSession, hello: p.AdvisorHello) -> None:
        _check_protocol(hello.protocol)
        advisor = await advisor_for_token(session, hello.token)
        self.connection_id = await service.register_connection(session, advisor.id)
        current = await service.current_session_of(session, advisor.id)
        history = await service.chat_history(session, current.id) if current else []
        unread = await service.unread_count(session, advisor)
        await session.commit()
        self.advisor = advisor
        self.authenticated = True
        channels = [f"advisor:{advisor.id}"]
        if current is not None:
            channels.append(visit_channel(current.id))
        await self.follow(*channels)
        self.send({
            "type": "welcome", "protocol": p.PROTOCOL_VERSION,
            "advisor": {"id": advisor.id, "display_name": advisor.display_name},
            "session": service.visit_view(current).model_dump(mode="json") if current else None,
            "chat_history": [line.model_dump(mode="json") for line in history],
            "messages_unread": unread,
            "ice_servers": [s.as_dict() for s in ice_servers(
                self.hub.settings, f"advisor-{advisor.id}", utcnow())],
            "ice_transport_policy": self.hub.settings.ice_transport_policy,
        })
        await self.hub.room_changed()  # the advisor is online now

    async def on_ping(self) -> None:
        if self.connection_id is not None:
            async with self.hub.db.session() as session:
                await service.touch_connection(session, self.connection_id)

    async def close(self) -> None:
        await super().close()
        if self._unread_task is not None:
            self._unread_task.cancel()
        if self.connection_id is None:
            return
        async with self.hub.db.session() as session:
            await service.drop_connection(session, self.connection_id)
        await self.hub.room_changed()
