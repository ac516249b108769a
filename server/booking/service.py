"""Booking, cancelling and rescheduling appointments; the customer's link tokens."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.booking.slots import Interval, WeeklyWindow, free_slots, is_offered, local_days
from server.core import security
from server.core.config import Settings
from server.core.errors import Gone, InvalidInput, NotFound, SlotTaken
from server.db.audit import audit
from server.db.models import (
    AccessToken,
    Advisor,
    AdvisorTopic,
    Appointment,
    AppointmentState,
    ConsentRecord,
    Customer,
    TokenPurpose,
    Topic,
    utcnow,
)

# Appointments in these states hold their slot.
OCCUPYING_STATES = (
    AppointmentState.BOOKED,
    AppointmentState.WAITING,
    AppointmentState.IN_SESSION,
)


@dataclass(frozen=True)
class CustomerDetails:
    """Already validated at the edge (name trimmed, phone in E.164, e-mail normalised)."""

    name: str
    email: str
    phone: str
    language: str


@dataclass(frozen=True)
class Consent:
    document: str
    language: str
    text_sha256: str


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    join_token: str
    manage_token: str


@dataclass(frozen=True)
class OfferedSlot:
    interval: Interval
    advisor_ids: tuple[int, ...]


def windows_of(advisor: Advisor) -> list[WeeklyWindow]:
    return [WeeklyWindow(w.weekday, w.start_time, w.end_time) for w in advisor.availability]


async def active_topics(session: AsyncSession) -> Sequence[Topic]:
    return (await session.scalars(select(Topic).where(Topic.active).order_by(Topic.id))).all()


async def bookable_advisors(
    session: AsyncSession, topic_id: int | None = None
) -> Sequence[Advisor]:
    query = select(Advisor).where(Advisor.active).order_by(Advisor.display_name, Advisor.id)
    if topic_id is not None:
        query = query.join(AdvisorTopic, AdvisorTopic.advisor_id == Advisor.id).where(
            AdvisorTopic.topic_id == topic_id
        )
    advisors = (await session.scalars(query)).unique().all()
    for advisor in advisors:
        await session.refresh(advisor, ["availability"])
    return advisors


async def appointments_of(
    session: AsyncSession, advisor_ids: Sequence[int], first_day: date, days: int,
    zone: ZoneInfo,
) -> Sequence[Appointment]:
    """The advisors' appointments from local day ``first_day`` on, in every state, in
    order of their start."""
    span = local_days(first_day, days, zone)
    rows = await session.scalars(
        select(Appointment)
        .where(Appointment.advisor_id.in_(advisor_ids), Appointment.starts_at >= span.start,
               Appointment.starts_at < span.end)
        .order_by(Appointment.starts_at)
    )
    return rows.unique().all()


async def busy_intervals(
    session: AsyncSession, advisor_id: int, start: datetime, end: datetime
) -> list[Interval]:
    rows = await session.execute(
        select(Appointment.starts_at, Appointment.ends_at).where(
            Appointment.advisor_id == advisor_id,
            Appointment.state.in_(OCCUPYING_STATES),
            Appointment.starts_at < end,
            Appointment.ends_at > start,
        )
    )
    return [Interval(s, e) for s, e in rows.all()]


async def offered_slots(
    session: AsyncSession,
    settings: Settings,
    *,
    topic_id: int,
    advisor_id: int | None,
    first_day: date,
    days: int,
    now: datetime | None = None,
) -> list[OfferedSlot]:
    """Free slots for a topic, for one advisor or any advisor of the topic."""
    now = now or utcnow()
    zone = settings.zone
    today = now.astimezone(zone).date()
    horizon = today + timedelta(days=settings.booking_horizon_days)
    first_day = max(first_day, today)
    if first_day > horizon:
        return []
    last_day = min(first_day + timedelta(days=days - 1), horizon)
    not_before = now + timedelta(minutes=settings.booking_min_notice_minutes)
    advisors = [
        a
        for a in await bookable_advisors(session, topic_id)
        if advisor_id is None or a.id == advisor_id
    ]
    offers: dict[Interval, list[int]] = {}
    for advisor in advisors:
        span_start = now - timedelta(days=1)
        span_end = now + timedelta(days=settings.booking_horizon_days + 2)
        busy = await busy_intervals(session, advisor.id, span_start, span_end)
        for slot in free_slots(
            windows_of(advisor), advisor.slot_minutes, busy, first_day, last_day, zone, not_before
        ):
            offers.setdefault(slot, []).append(advisor.id)
    return [OfferedSlot(slot, tuple(ids)) for slot, ids in sorted(offers.items())]


async def _lock_calendar(session: AsyncSession, advisor_id: int) -> None:
    """Serialise bookings of one advisor: a no-op write takes the row lock on PostgreSQL
    and the write lock on SQLite, so the overlap check below sees every earlier booking."""
    await session.execute(
        update(Advisor).where(Advisor.id == advisor_id).values(slot_minutes=Advisor.slot_minutes)
    )


SLOT_TAKEN_MESSAGE = "this time has just been booked by someone else; please choose another"


async def _ensure_free(
    session: AsyncSession, advisor_id: int, slot: Interval, ignore_id: int | None = None
) -> None:
    clash = await session.scalar(
        select(Appointment.id)
        .where(
            Appointment.advisor_id == advisor_id,
            Appointment.state.in_(OCCUPYING_STATES),
            Appointment.starts_at < slot.end,
            Appointment.ends_at > slot.start,
            Appointment.id != (ignore_id if ignore_id is not None else -1),
        )
        .limit(1)
    )
    if clash is not None:
        raise SlotTaken(SLOT_TAKEN_MESSAGE)


def _check_customer_slot(
    settings: Settings, advisor: Advisor, start: datetime, now: datetime
) -> None:
    if start < now + timedelta(minutes=settings.booking_min_notice_minutes):
        raise InvalidInput("this time is too soon or already past; please choose a later one",
                           "starts_at")
    if start > now + timedelta(days=settings.booking_horizon_days + 1):
        raise InvalidInput("this time is too far ahead", "starts_at")
    if not is_offered(windows_of(advisor), advisor.slot_minutes, start, settings.zone):
        raise InvalidInput("this advisor does not offer appointments at that time", "starts_at")


ADVISOR_HORIZON = timedelta(days=2 * 366)


def _check_advisor_slot(start: datetime, now: datetime) -> None:
    """Advisors may book any time, but not in the past or years ahead (typing errors)."""
    if start < now - timedelta(minutes=5):
        raise InvalidInput("the start lies in the past", "starts_at")
    if start > now + ADVISOR_HORIZON:
        raise InvalidInput("the start is more than two years ahead", "starts_at")


async def issue_token(
    session: AsyncSession, appointment: Appointment, purpose: TokenPurpose
) -> str:
    """A fresh link token for the appointment; only its hash is stored."""
    token = security.new_token(16)
    session.add(
        AccessToken(
            appointment_id=appointment.id, purpose=purpose, token_hash=security.token_hash(token)
        )
    )
    await session.flush()
    return token


async def _insert_appointment(
    session: AsyncSession,
    advisor: Advisor,
    topic: Topic | None,
    customer: Customer,
    start: datetime,
    booked_by: Advisor | None,
    now: datetime,
) -> Appointment:
    slot = Interval(start, start + timedelta(minutes=advisor.slot_minutes))
    await _lock_calendar(session, advisor.id)
    await _ensure_free(session, advisor.id, slot)
    appointment = Appointment(
        advisor_id=advisor.id,
        topic_id=topic.id if topic else None,
        customer_id=customer.id,
        starts_at=slot.start,
        ends_at=slot.end,
        language=customer.language,
        ics_uid=f"{uuid.uuid4()}@videoberatung",
        booked_by_advisor_id=booked_by.id if booked_by else None,
        scheduled_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(appointment)
    except IntegrityError:
        raise SlotTaken(SLOT_TAKEN_MESSAGE) from None
    return appointment


async def book(
    session: AsyncSession,
    settings: Settings,
    *,
    topic_id: int | None,
    advisor_id: int | None,
    start: datetime,
    customer: CustomerDetails,
    consent: Consent | None,
    booked_by: Advisor | None = None,
    now: datetime | None = None,
) -> Booked:
    """Book ``start`` with the advisor (or any advisor of the topic).

    A customer (``booked_by`` None) may only take a free slot of the weekly windows, with
    enough notice, and must have accepted the privacy notes; an advisor may book any
    free time. Two bookings of one slot can never both succeed.
    """
    now = now or utcnow()
    topic = await session.get(Topic, topic_id) if topic_id is not None else None
    if topic_id is not None and (topic is None or not topic.active):
        raise InvalidInput("unknown topic", "topic_id")
    if booked_by is None and topic is None:
        raise InvalidInput("choose a topic", "topic_id")
    if booked_by is None and consent is None:
        raise InvalidInput("the privacy notes must be accepted", "privacy_sha256")

    candidates = list(await bookable_advisors(session, topic_id if advisor_id is None else None))
    if advisor_id is not None:
        candidates = [a for a in candidates if a.id == advisor_id]
        if not candidates:
            raise InvalidInput("unknown advisor", "advisor_id")
        if topic is not None and topic not in candidates[0].topics:
            raise InvalidInput("this advisor does not advise on that topic", "advisor_id")
    if booked_by is None:
        offering = []
        for advisor in candidates:
            try:
                _check_customer_slot(settings, advisor, start, now)
                offering.append(advisor)
            except InvalidInput as problem:
                if len(candidates) == 1:
                    raise problem from None
        if not offering:
            raise InvalidInput("no advisor offers appointments at that time", "starts_at")
        candidates = offering
    else:
        _check_advisor_slot(start, now)

    row = Customer(
        name=customer.name, email=customer.email, phone=customer.phone,
        language=customer.language,
    )
    session.add(row)
    await session.flush()

    appointment: Appointment | None = None
    for advisor in candidates:
        try:
            appointment = await _insert_appointment(
                session, advisor, topic, row, start, booked_by, now
            )
            break
        except SlotTaken:
            continue
    if appointment is None:
        raise SlotTaken(SLOT_TAKEN_MESSAGE)

    if consent is not None:
        session.add(
            ConsentRecord(
                customer_id=row.id,
                appointment_id=appointment.id,
                document=consent.document,
                language=consent.language,
                text_sha256=consent.text_sha256,
                accepted_at=now,
            )
        )
    actor = f"advisor:{booked_by.id}" if booked_by else "customer"
    audit(session, actor, "appointment.booked", f"appointment:{appointment.id}",
          advisor_id=appointment.advisor_id, starts_at=appointment.starts_at.isoformat())
    await session.refresh(appointment)
    return Booked(
        appointment=appointment,
        join_token=await issue_token(session, appointment, TokenPurpose.JOIN),
        manage_token=await issue_token(session, appointment, TokenPurpose.MANAGE),
    )


async def appointment_for_token(
    session: AsyncSession, token: str, purpose: TokenPurpose
) -> Appointment:
    row = await session.scalar(
        select(AccessToken).where(
            AccessToken.token_hash == security.token_hash(token), AccessToken.purpose == purpose
        )
    )
    if row is None:
        raise NotFound("this link is not known; please check it or book a new appointment")
    return row.appointment


def can_change(appointment: Appointment, now: datetime) -> bool:
    return appointment.state == AppointmentState.BOOKED and appointment.starts_at > now


def join_window(appointment: Appointment, settings: Settings) -> Interval:
    """When the join link works: from shortly before the start until some time after."""
    opens = appointment.starts_at - timedelta(minutes=settings.join_opens_minutes_before)
    closes = max(
        appointment.starts_at + timedelta(hours=settings.join_closes_hours_after),
        appointment.ends_at,
    )
    return Interval(opens, closes)


JoinState = Literal["early", "open", "over", "cancelled"]


def join_status(appointment: Appointment, settings: Settings, now: datetime) -> JoinState:
    """``cancelled``, ``early``, ``open`` or ``over``: whether the join link works now."""
    if appointment.state == AppointmentState.CANCELLED:
        return "cancelled"
    window = join_window(appointment, settings)
    if now < window.start:
        return "early"
    if now >= window.end or appointment.state in (
        AppointmentState.COMPLETED, AppointmentState.MISSED
    ):
        return "over"
    return "open"


async def mark_missed(session: AsyncSession, settings: Settings, now: datetime) -> int:
    """Appointments nobody came to, once their join link has closed, become ``missed``."""
    closed_before = now - timedelta(hours=settings.join_closes_hours_after)
    result = await session.execute(
        update(Appointment)
        .where(Appointment.state == AppointmentState.BOOKED,
               Appointment.starts_at < closed_before, Appointment.ends_at < now)
        .values(state=AppointmentState.MISSED)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def cancel(
    session: AsyncSession, appointment: Appointment, *, actor: str, now: datetime | None = None
) -> Appointment:
    now = now or utcnow()
    if appointment.state == AppointmentState.CANCELLED:
        return appointment
    if not can_change(appointment, now):
        raise Gone("this appointment can no longer be cancelled")
    appointment.state = AppointmentState.CANCELLED
    appointment.cancelled_at = now
    appointment.ics_sequence += 1
    audit(session, actor, "appointment.cancelled", f"appointment:{appointment.id}")
    await session.flush()
    return appointment


async def reschedule(
    session: AsyncSession,
    settings: Settings,
    appointment: Appointment,
    new_start: datetime,
    *,
    actor: str,
    by_advisor: bool = False,
    now: datetime | None = None,
) -> Appointment:
    """Move the appointment, keeping the record (and its calendar UID)."""
    now = now or utcnow()
    if not can_change(appointment, now):
        raise Gone("this appointment can no longer be changed")
    advisor = appointment.advisor
    await session.refresh(advisor, ["availability"])
    if by_advisor:
        _check_advisor_slot(new_start, now)
    else:
        _check_customer_slot(settings, advisor, new_start, now)
    slot = Interval(new_start, new_start + (appointment.ends_at - appointment.starts_at))
    await _lock_calendar(session, advisor.id)
    await _ensure_free(session, advisor.id, slot, ignore_id=appointment.id)
    old_start = appointment.starts_at
    try:
        async with session.begin_nested():
            appointment.starts_at = slot.start
            appointment.ends_at = slot.end
            appointment.ics_sequence += 1
            appointment.scheduled_at = now
            appointment.reminder_24h_sent_at = None
            appointment.reminder_1h_sent_at = None
    except IntegrityError:
        raise SlotTaken(SLOT_TAKEN_MESSAGE) from None
    # The links of earlier mails name the old time: only the new mail's links work now.
    await session.execute(delete(AccessToken).where(AccessToken.appointment_id == appointment.id))
    audit(session, actor, "appointment.rescheduled", f"appointment:{appointment.id}",
          old_start=old_start.isoformat(), new_start=slot.start.isoformat())
    return appointment
