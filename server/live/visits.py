"""Visits: a customer's presence from „Anmelden“ to the end — arriving, signing in with
consent, being accepted, choosing the connection, chatting, ending, rating.

Every rule that races (two advisors accepting one customer, two instances abandoning
one visit) is a conditional UPDATE, so exactly one wins on every database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from live_protocol.messages import Consent
from live_protocol.views import ChatLine, VisitView
from server.booking.service import JoinState, appointment_for_token, join_status
from server.core import security
from server.core.config import Settings
from server.core.errors import Conflict, Forbidden, Gone, InvalidInput, NotFound
from server.core.validation import clean_name, clean_text, normalise_phone
from server.db.audit import audit
from server.db.models import (
    Advisor,
    AdvisorTopic,
    Appointment,
    AppointmentState,
    ChatMessage,
    ConnectionMode,
    ConsentRecord,
    Party,
    TokenPurpose,
    Topic,
    Visit,
    VisitState,
    utcnow,
)
from server.legal import load_legal_text
from server.live.visit_state import LIVE_STATES, VisitEvent, allowed_from, next_state

CONSENT_DOCUMENTS = ("privacy", "terms", "security")
VISIT_TOKEN_AFTER_END = timedelta(minutes=15)



def assigned_to(advisor_id: int, owner: InstrumentedAttribute[int | None],
                topic: InstrumentedAttribute[int | None]) -> ColumnElement[bool]:
    """Rows the advisor is responsible for: their own (``owner``), or nobody's of a topic
    they serve. The same rule as :func:`server.live.queue.serves`, as SQL."""
    topics = select(AdvisorTopic.topic_id).where(AdvisorTopic.advisor_id == advisor_id)
    return or_(owner == advisor_id, and_(owner.is_(None), topic.in_(topics)))


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
        raise Forbidden(f"the consultation room opens {settings.join_opens_minutes_before} "
                        "minutes before the appointment")
    if status == "over":
        raise Gone("this appointment is over")
    return Entry(appointment=appointment, topic=appointment.topic)


async def entry_for_topic(session: AsyncSession, topic_id: int) -> Entry:
    topic = await session.get(Topic, topic_id)
    if topic is None or not topic.active:
        raise NotFound("unknown topic")
    return Entry(appointment=None, topic=topic)


async def visit_for_token(session: AsyncSession, token: str, now: datetime) -> Visit:
    """The visit a browser resumes. Once the visit is over, its token works only for a
    short while (to rate it, or reload the last page): name, phone and chat are not
    handed out to whoever finds the token later."""
    visit = await session.scalar(
        select(Visit).where(Visit.token_hash == security.token_hash(token))
    )
    if visit is None:
        raise NotFound("this visit is not known")
    if visit.ended_at is not None and now - visit.ended_at > VISIT_TOKEN_AFTER_END:
        raise Gone("this conversation is over")
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


async def transition(
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
    mine = assigned_to(advisor.id, Visit.advisor_id, Visit.topic_id)
    now = utcnow()
    visit = await transition(
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
    changed = await transition(session, visit.id, event, values)
    if changed is None:
        raise Conflict("the connection can only be chosen once the advisor has accepted")
    return changed


async def end(session: AsyncSession, visit_id: int, by: Party) -> Visit | None:
    """End a session (or stop waiting). None if it was not live any more."""
    now = utcnow()
    values = {"ended_at": now, "ended_by": by, "disconnected_at": None}
    visit = await transition(session, visit_id, VisitEvent.END, values)
    if visit is None and by == Party.CUSTOMER:
        visit = await transition(session, visit_id, VisitEvent.GIVE_UP, values)
    if visit is not None:
        audit(session, by.value, "visit.ended", f"visit:{visit_id}")
    return visit


async def add_chat(
    session: AsyncSession, visit: Visit, sender: Party, text: str, client_id: str,
    max_chars: int,
) -> ChatLine:
    """Store a chat line; a resend with the same client id returns the stored line."""
    if visit.state not in (VisitState.OFFERED, VisitState.ACTIVE):
        raise Conflict("the chat is open only during a conversation")
    try:
        text = clean_text(text, max_chars, "chat message")
    except ValueError as problem:
        raise InvalidInput(str(problem), "text") from None
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


async def abandon_vanished(session: AsyncSession, now: datetime, grace: timedelta) -> list[int]:
    """Visits whose customer has been gone longer than ``grace`` become abandoned."""
    candidates = (await session.scalars(select(Visit.id).where(
        Visit.state.in_(LIVE_STATES), Visit.disconnected_at.is_not(None),
        Visit.disconnected_at < now - grace,
    ))).all()
    abandoned = []
    for visit_id in candidates:
        visit = await transition(
            session, visit_id, VisitEvent.VANISH,
            {"ended_at": now, "ended_by": Party.SYSTEM},
            extra=[Visit.disconnected_at.is_not(None), Visit.disconnected_at < now - grace],
        )
        if visit is not None:
            audit(session, "system", "visit.abandoned", f"visit:{visit_id}")
            abandoned.append(visit_id)
    return abandoned


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
