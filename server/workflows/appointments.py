"""Booking changes together with the mail that tells the customer, in one transaction.

Used by the REST API (customers and advisors) and the command line alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from server.booking import service as booking
from server.core.config import Settings
from server.db.models import Advisor, Appointment, TokenPurpose
from server.mail.compose import MailKind
from server.mail.outbox import enqueue_appointment_mail


async def book_and_confirm(
    session: AsyncSession,
    settings: Settings,
    *,
    topic_id: int | None,
    advisor_id: int | None,
    start: datetime,
    customer: booking.CustomerDetails,
    consent: booking.Consent | None,
    booked_by: Advisor | None = None,
) -> booking.Booked:
    booked = await booking.book(
        session, settings, topic_id=topic_id, advisor_id=advisor_id, start=start,
        customer=customer, consent=consent, booked_by=booked_by,
    )
    enqueue_appointment_mail(
        session, settings, booked.appointment, MailKind.CONFIRMATION,
        join_token=booked.join_token, manage_token=booked.manage_token,
    )
    return booked


async def cancel_and_notify(
    session: AsyncSession, settings: Settings, appointment: Appointment, *, actor: str
) -> Appointment:
    if appointment.cancelled_at is not None:
        return appointment  # cancelling twice is harmless and sends nothing new
    await booking.cancel(session, appointment, actor=actor)
    enqueue_appointment_mail(session, settings, appointment, MailKind.CANCELLATION)
    return appointment


async def reschedule_and_notify(
    session: AsyncSession,
    settings: Settings,
    appointment: Appointment,
    new_start: datetime,
    *,
    actor: str,
    by_advisor: bool,
) -> Appointment:
    await booking.reschedule(session, settings, appointment, new_start, actor=actor,
                             by_advisor=by_advisor)
    enqueue_appointment_mail(
        session, settings, appointment, MailKind.RESCHEDULED,
        join_token=await booking.issue_token(session, appointment, TokenPurpose.JOIN),
        manage_token=await booking.issue_token(session, appointment, TokenPurpose.MANAGE),
    )
    return appointment
