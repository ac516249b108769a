"""Visits, the waiting room, chat and left messages: the database side of the live part.

Every rule that races (two advisors accepting one customer, two instances abandoning
one visit) is a conditional UPDATE, so exactly one wins on every database.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from server.booking.service import JoinState, appointment_for_token, join_status
from server.core import security
from server.core.audit import audit
from server.core.config import Settings
from server.core.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from server.core.validation import clean_name, normalise_phone
from server.db.models import (
    Advisor,
    AdvisorTopic,
    Appointment,
    AppointmentState,
    ChatMessage,
    ConnectionMode,
    ConsentRecord,
    CustomerMessage,
    LiveConnection,
    Party,
    ServerInstance,
    TokenPurpose,
    Topic,
    Visit,
    VisitState,
    utcnow,
)
from server.legal import load_legal_text
from server.live.protocol import ChatLine, Consent, VisitView
from server.live.queue import WaitingVisit
from server.live.visit_state import LIVE_STATES, VisitEvent, allowed_from, next_state

CONSENT_DOCUMENTS = ("privacy", "terms", "security")
ONLINE_WINDOW_FACTOR = 3  # an advisor is online while seen within 3 heartbeats


@dataclass(frozen=True)
class Entry:
    """How a customer arrived: through an appointment's join link, or as a walk-in."""

    appointment: Appointment | None
    topic: Topic | None


async def entry_for_join_token(
    session: AsyncSession, settings: Settings, token: str, now: datetime
) -> Entry:
    appointment = await appointment_for_token(session, token, TokenPurpose.JOIN)
    status: JoinState = join_status(appointment, settings, now)
    if status == "cancelled":
        raise Gone("this appointment was cancelled")
    if status == "early":
        raise Forbidden("the consultation room opens 30 minutes before the appointment")
    if status == "over":
        raise Gone("this appointment is over")
    return Entry(appointment=appointment, topic=appointment.topic)


async def entry_for_topic(session: AsyncSession, topic_id: int) -> Entry:
    topic = await session.get(Topic, topic_id)
    if topic is None or not topic.active:
        raise NotFound("unknown topic")
    return Entry(appointment=None, topic=topic)


async def visit_for_token(session: AsyncSession, token: str) -> Visit:
    visit = await session.scalar(
        select(Visit).where(Visit.token_hash == security.token_hash(token))
    )
    if visit is None:
        raise NotFound("this visit is not known")
    return visit


def _appointment_state(visit: Visit) -> AppointmentState:
    match visit.state:
        case VisitState.WAITING | VisitState.OFFERED:
            return AppointmentState.WAITING
        case VisitState.ACTIVE:
            return AppointmentState.IN_SESSION
        case VisitState.ENDED if visit.started_at is not None:
            return AppointmentState.COMPLETED
        case _:
            return AppointmentState.BOOKED


async def _sync_appointment(session: AsyncSession, visit: Visit) -> None:
    if visit.appointment_id is None:
        return
    appointment = await session.get(Appointment, visit.appointment_id)
    if appointment is not None and appointment.state != AppointmentState.CANCELLED:
        appointment.state = _appointment_state(visit)


async def sign_in(
    session: AsyncSession,
    settings: Settings,
    entry: Entry,
    *,
    name: str,
    phone: str,
    language: str,
    consent: Consent,
    instance_id: str | None = None,
    now: datetime | None = None,
) -> tuple[Visit, str]:
    """„Anmelden“: validate, record the consent with the exact texts, start waiting."""
    now = now or utcnow()
    try:
        name = clean_name(name)
    except ValueError as problem:
        raise InvalidInput(str(problem), "name") from None
    try:
        phone = normalise_phone(phone)
    except ValueError as problem:
        raise InvalidInput(str(problem), "phone") from None
    given = {"privacy": consent.privacy_sha256, "terms": consent.terms_sha256,
             "security": consent.security_sha256}
    for document in CONSENT_DOCUMENTS:
        if load_legal_text(document, language, settings.data_dir).sha256 != given[document]:
            raise Conflict("the notes have changed; please read them again and confirm")

    appointment = entry.appointment
    if appointment is not None:
        # A second sign-in for the same appointment (another device) replaces the first.
        await session.execute(
            update(Visit)
            .where(Visit.appointment_id == appointment.id, Visit.state.in_(LIVE_STATES))
            .values(state=VisitState.ABANDONED, ended_at=now, ended_by=Party.SYSTEM)
        )
    token = security.new_token(24)
    visit = Visit(
        token_hash=security.token_hash(token),
        appointment_id=appointment.id if appointment else None,
        topic_id=entry.topic.id if entry.topic else None,
        advisor_id=appointment.advisor_id if appointment else None,
        customer_name=name,
        customer_phone=phone,
        language=language,
        state=VisitState.WAITING,
        created_at=now,
        instance_id=instance_id,
    )
    session.add(visit)
    await session.flush()
    session.add_all(
        ConsentRecord(
            customer_id=appointment.customer_id if appointment else None,
            appointment_id=appointment.id if appointment else None,
            visit_id=visit.id, document=document, language=language,
            text_sha256=given[document], accepted_at=now,
        )
        for document in CONSENT_DOCUMENTS
    )
    await _sync_appointment(session, visit)
    audit(session, "customer", "visit.signed_in", f"visit:{visit.id}",
          appointment_id=visit.appointment_id, topic_id=visit.topic_id)
    await session.flush()
    await session.refresh(visit)
    return visit, token


async def _transition(
    session: AsyncSession, visit_id: int, event: VisitEvent, values: dict[str, object],
    extra: Sequence[ColumnElement[bool]] = (),
) -> Visit | None:
    """Apply ``event`` only if the visit is (still) in a state that allows it."""
    sources = allowed_from(event)
    targets = {next_state(state, event) for state in sources}
    assert len(targets) == 1
    result = await session.execute(
        update(Visit)
        .where(Visit.id == visit_id, Visit.state.in_(sources), *extra)
        .values(state=targets.pop(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    visit = await session.get(Visit, visit_id, populate_existing=True)
    assert visit is not None
    await _sync_appointment(session, visit)
    return visit


async def current_session_of(session: AsyncSession, advisor_id: int) -> Visit | None:
    return await session.scalar(
        select(Visit).where(
            Visit.advisor_id == advisor_id,
            Visit.state.in_((VisitState.OFFERED, VisitState.ACTIVE)),
        ).limit(1)
    )


async def accept(session: AsyncSession, advisor: Advisor, visit_id: int) -> Visit:
    """The advisor takes a waiting customer. Of two advisors at once, exactly one wins."""
    busy = await current_session_of(session, advisor.id)
    if busy is not None and busy.id != visit_id:
        raise Conflict("finish your current conversation first")
    topics = select(AdvisorTopic.topic_id).where(AdvisorTopic.advisor_id == advisor.id)
    mine = or_(
        Visit.advisor_id == advisor.id,
        and_(Visit.advisor_id.is_(None), Visit.topic_id.in_(topics)),
    )
    now = utcnow()
    visit = await _transition(
        session, visit_id, VisitEvent.ACCEPT,
        {"advisor_id": advisor.id, "accepted_at": now}, extra=[mine],
    )
    if visit is None:
        existing = await session.get(Visit, visit_id)
        if existing is None:
            raise NotFound("no such visit")
        if existing.advisor_id not in (None, advisor.id) and existing.state == VisitState.WAITING:
            raise Forbidden("this customer waits for another advisor")
        raise Conflict("this customer is no longer waiting (another advisor was faster?)")
    audit(session, f"advisor:{advisor.id}", "visit.accepted", f"visit:{visit.id}")
    return visit


async def choose_connection(
    session: AsyncSession, visit: Visit, mode: ConnectionMode, see_advisor: bool, show_me: bool
) -> Visit:
    """The customer's choice after the advisor accepted; later also text → video."""
    video = mode == ConnectionMode.VIDEO
    values: dict[str, object] = {
        "mode": mode, "see_advisor": video and see_advisor, "show_me": video and show_me,
    }
    event = VisitEvent.CHOOSE_CONNECTION
    if visit.state == VisitState.ACTIVE:
        event = VisitEvent.SWITCH_CONNECTION
    else:
        values["started_at"] = utcnow()
    changed = await _transition(session, visit.id, event, values)
    if changed is None:
        raise Conflict("the connection can only be chosen once the advisor has accepted")
    return changed


async def end(session: AsyncSession, visit_id: int, by: Party) -> Visit | None:
    """End a session (or stop waiting). None if it was not live any more."""
    now = utcnow()
    values = {"ended_at": now, "ended_by": by, "disconnected_at": None}
    visit = await _transition(session, visit_id, VisitEvent.END, values)
    if visit is None and by == Party.CUSTOMER:
        visit = await _transition(session, visit_id, VisitEvent.GIVE_UP, values)
    if visit is not None:
        audit(session, by.value, "visit.ended", f"visit:{visit_id}")
    return visit


async def leave_message(
    session: AsyncSession, visit: Visit, text: str, phone: str | None, max_chars: int
) -> CustomerMessage:
    """Store the customer's message (before anyone is told) and take them out of the queue."""
    text = text.strip()
    if not text:
        raise InvalidInput("the message is empty", "text")
    if len(text) > max_chars:
        raise InvalidInput(f"a message may have at most {max_chars} characters", "text")
    try:
        callback = normalise_phone(phone) if phone else visit.customer_phone
    except ValueError as problem:
        raise InvalidInput(str(problem), "phone") from None
    changed = await _transition(session, visit.id, VisitEvent.LEAVE_MESSAGE,
                                {"ended_at": utcnow(), "ended_by": Party.CUSTOMER})
    if changed is None:
        raise Conflict("a message can be left only while waiting")
    message = CustomerMessage(
        visit_id=visit.id, advisor_id=visit.advisor_id, topic_id=visit.topic_id,
        customer_name=visit.customer_name, callback_phone=callback, text=text,
    )
    session.add(message)
    await session.flush()
    audit(session, "customer", "message.left", f"message:{message.id}", visit_id=visit.id)
    return message


async def add_chat(
    session: AsyncSession, visit: Visit, sender: Party, text: str, client_id: str,
    max_chars: int,
) -> ChatLine:
    """Store a chat line; a resend with the same client id returns the stored line."""
    if visit.state not in (VisitState.OFFERED, VisitState.ACTIVE):
        raise Conflict("the chat is open only during a conversation")
    text = text.strip()
    if not text:
        raise InvalidInput("the message is empty", "text")
    if len(text) > max_chars:
        raise InvalidInput(f"a chat message may have at most {max_chars} characters", "text")
    line = ChatMessage(visit_id=visit.id, sender=sender, text=text, client_id=client_id)
    try:
        async with session.begin_nested():
            session.add(line)
    except IntegrityError:
        existing = await session.scalar(select(ChatMessage).where(
            ChatMessage.visit_id == visit.id, ChatMessage.sender == sender,
            ChatMessage.client_id == client_id))
        assert existing is not None
        line = existing
    return chat_line(line)


def chat_line(line: ChatMessage) -> ChatLine:
    return ChatLine(id=line.id, visit_id=line.visit_id, sender=line.sender, text=line.text,
                    client_id=line.client_id, sent_at=line.sent_at)


async def chat_history(session: AsyncSession, visit_id: int) -> list[ChatLine]:
    rows = await session.scalars(
        select(ChatMessage).where(ChatMessage.visit_id == visit_id).order_by(ChatMessage.id)
    )
    return [chat_line(line) for line in rows.all()]


async def rate(session: AsyncSession, visit: Visit, stars: int) -> None:
    if visit.state != VisitState.ENDED or visit.started_at is None:
        raise Conflict("a conversation can be rated once it has ended")
    visit.rating = stars


# Presence ------------------------------------------------------------------------------


async def set_connected(session: AsyncSession, visit_id: int, instance_id: str) -> None:
    await session.execute(
        update(Visit).where(Visit.id == visit_id, Visit.state.in_(LIVE_STATES))
        .values(disconnected_at=None, instance_id=instance_id)
    )


async def set_disconnected(session: AsyncSession, visit_id: int, at: datetime) -> None:
    await session.execute(
        update(Visit).where(Visit.id == visit_id, Visit.state.in_(LIVE_STATES))
        .values(disconnected_at=at, instance_id=None)
    )


async def instance_heartbeat(session: AsyncSession, instance_id: str, now: datetime) -> None:
    result = await session.execute(
        update(ServerInstance).where(ServerInstance.id == instance_id).values(last_seen_at=now)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(ServerInstance(id=instance_id, started_at=now, last_seen_at=now))


async def instance_stopped(session: AsyncSession, instance_id: str) -> None:
    await session.execute(delete(ServerInstance).where(ServerInstance.id == instance_id))


async def orphaned_to_disconnected(
    session: AsyncSession, now: datetime, stale_after: timedelta
) -> int:
    """Customers connected to an instance that stopped beating count as disconnected
    from now on, so the grace period starts for them as for a network drop."""
    alive = select(ServerInstance.id).where(ServerInstance.last_seen_at > now - stale_after)
    result = await session.execute(
        update(Visit)
        .where(Visit.state.in_(LIVE_STATES), Visit.instance_id.is_not(None),
               Visit.instance_id.not_in(alive))
        .values(disconnected_at=now, instance_id=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def abandon_vanished(session: AsyncSession, now: datetime, grace: timedelta) -> list[int]:
    """Visits whose customer has been gone longer than ``grace`` become abandoned."""
    candidates = (await session.scalars(select(Visit.id).where(
        Visit.state.in_(LIVE_STATES), Visit.disconnected_at.is_not(None),
        Visit.disconnected_at < now - grace,
    ))).all()
    abandoned = []
    for visit_id in candidates:
        visit = await _transition(
            session, visit_id, VisitEvent.VANISH,
            {"ended_at": now, "ended_by": Party.SYSTEM},
            extra=[Visit.disconnected_at.is_not(None), Visit.disconnected_at < now - grace],
        )
        if visit is not None:
            audit(session, "system", "visit.abandoned", f"visit:{visit_id}")
            abandoned.append(visit_id)
    return abandoned


async def register_connection(session: AsyncSession, advisor_id: int) -> str:
    connection_id = str(uuid.uuid4())
    session.add(LiveConnection(id=connection_id, advisor_id=advisor_id))
    return connection_id


async def touch_connection(session: AsyncSession, connection_id: str) -> None:
    await session.execute(update(LiveConnection).where(LiveConnection.id == connection_id)
                          .values(last_seen_at=utcnow()))


async def drop_connection(session: AsyncSession, connection_id: str) -> None:
    await session.execute(delete(LiveConnection).where(LiveConnection.id == connection_id))


async def online_advisors(
    session: AsyncSession, settings: Settings, now: datetime | None = None
) -> set[int]:
    now = now or utcnow()
    fresh = now - timedelta(seconds=settings.heartbeat_seconds * ONLINE_WINDOW_FACTOR)
    rows = await session.scalars(
        select(LiveConnection.advisor_id).where(LiveConnection.last_seen_at > fresh).distinct()
    )
    return set(rows.all())


# Reading the waiting room ------------------------------------------------------------


async def live_visits(session: AsyncSession) -> Sequence[Visit]:
    rows = await session.scalars(
        select(Visit).where(Visit.state.in_(LIVE_STATES)).order_by(Visit.id)
    )
    return rows.unique().all()


def waiting_entry(visit: Visit) -> WaitingVisit:
    return WaitingVisit(
        visit_id=visit.id,
        advisor_id=visit.advisor_id if visit.appointment_id is not None else None,
        topic_id=visit.topic_id,
        appointment_start=visit.appointment.starts_at if visit.appointment else None,
        waiting_since=visit.created_at,
    )


async def recent_session_lengths(session: AsyncSession, limit: int = 30) -> list[timedelta]:
    rows = await session.execute(
        select(Visit.started_at, Visit.ended_at)
        .where(Visit.started_at.is_not(None), Visit.ended_at.is_not(None))
        .order_by(Visit.ended_at.desc()).limit(limit)
    )
    return [end - start for start, end in rows.all() if start and end]


async def consent_times(
    session: AsyncSession, visit_ids: Sequence[int]
) -> dict[int, datetime | None]:
    """When each visit's customer accepted the notes."""
    if not visit_ids:
        return {}
    rows = await session.execute(
        select(ConsentRecord.visit_id, func.max(ConsentRecord.accepted_at))
        .where(ConsentRecord.visit_id.in_(visit_ids)).group_by(ConsentRecord.visit_id)
    )
    found: dict[int, datetime | None] = {visit_id: None for visit_id in visit_ids}
    for visit_id, accepted_at in rows.all():
        if visit_id is not None:
            found[visit_id] = accepted_at
    return found


def visit_view(visit: Visit, consent_at: datetime | None = None) -> VisitView:
    return VisitView(
        id=visit.id, state=visit.state, customer_name=visit.customer_name,
        customer_phone=visit.customer_phone, language=visit.language,
        appointment_id=visit.appointment_id,
        appointment_start=visit.appointment.starts_at if visit.appointment else None,
        topic_id=visit.topic_id, advisor_id=visit.advisor_id,
        advisor_name=visit.advisor.display_name if visit.advisor else None,
        mode=visit.mode, see_advisor=visit.see_advisor, show_me=visit.show_me,
        waiting_since=visit.created_at, consent_at=consent_at,
        disconnected=visit.disconnected_at is not None,
    )


# Messages left by customers --------------------------------------------------------------


def _messages_for(advisor: Advisor) -> ColumnElement[bool]:
    topics = select(AdvisorTopic.topic_id).where(AdvisorTopic.advisor_id == advisor.id)
    return or_(
        CustomerMessage.advisor_id == advisor.id,
        and_(CustomerMessage.advisor_id.is_(None), CustomerMessage.topic_id.in_(topics)),
    )


async def messages_for(session: AsyncSession, advisor: Advisor, *, unhandled_only: bool
                       ) -> Sequence[CustomerMessage]:
    query = select(CustomerMessage).where(_messages_for(advisor))
    if unhandled_only:
        query = query.where(CustomerMessage.handled_at.is_(None))
    return (await session.scalars(query.order_by(CustomerMessage.id.desc()))).all()


async def unread_count(session: AsyncSession, advisor: Advisor) -> int:
    count = await session.scalar(
        select(func.count()).select_from(CustomerMessage).where(
            _messages_for(advisor), CustomerMessage.handled_at.is_(None)
        )
    )
    return int(count or 0)


async def mark_handled(session: AsyncSession, advisor: Advisor, message_id: int,
                       handled: bool) -> CustomerMessage:
    message: CustomerMessage | None = await session.scalar(select(CustomerMessage).where(
        CustomerMessage.id == message_id, _messages_for(advisor)))
    if message is None:
        raise NotFound("no such message")
    message.handled_at = utcnow() if handled else None
    message.handled_by = advisor.id if handled else None
    audit(session, f"advisor:{advisor.id}", "message.handled" if handled else "message.reopened",
          f"message:{message.id}")
    return message
