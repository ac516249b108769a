"""Reminder mails 24 h and 1 h before an appointment, each sent exactly once.

Every server instance runs the reminder loop; a reminder is claimed by an UPDATE that
only succeeds for the first instance (``… WHERE reminder_24h_sent_at IS NULL``), in the
same transaction that queues the mail.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from server.booking.service import issue_token
from server.core.config import Settings
from server.db.models import Appointment, AppointmentState, TokenPurpose, utcnow
from server.db.session import Database
from server.mail.compose import MailKind
from server.mail.outbox import enqueue_appointment_mail

log = logging.getLogger(__name__)

REMINDER_LEAD = {
    MailKind.REMINDER_24H: timedelta(hours=24),
    MailKind.REMINDER_1H: timedelta(hours=1),
}


def due_reminder(starts_at: datetime, booked_at: datetime, now: datetime) -> MailKind | None:
    """Which reminder is due now, if any.

    A reminder is only worth sending if the booking was made before its moment (someone
    who books 3 hours ahead gets no 24-hour reminder), and the 24-hour one is dropped
    once the 1-hour one is due.
    """
    if now >= starts_at:
        return None
    for kind in (MailKind.REMINDER_1H, MailKind.REMINDER_24H):
        moment = starts_at - REMINDER_LEAD[kind]
        if now >= moment:
            return kind if booked_at < moment else None
    return None


def _sent_column(kind: MailKind) -> InstrumentedAttribute[datetime | None]:
    return (
        Appointment.reminder_24h_sent_at
        if kind == MailKind.REMINDER_24H
        else Appointment.reminder_1h_sent_at
    )


async def send_due_reminders(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Queue every reminder that is due and not yet claimed; return how many."""
    now = now or utcnow()
    async with db.session() as session:
        candidates = (
            await session.scalars(
                select(Appointment.id).where(
                    Appointment.state == AppointmentState.BOOKED,
                    Appointment.starts_at > now,
                    Appointment.starts_at <= now + REMINDER_LEAD[MailKind.REMINDER_24H],
                    or_(
                        Appointment.reminder_24h_sent_at.is_(None),
                        Appointment.reminder_1h_sent_at.is_(None),
                    ),
                )
            )
        ).all()
    queued = 0
    for appointment_id in candidates:
        async with db.session() as session:
            appointment = await session.get(Appointment, appointment_id)
            if appointment is None:
                continue
            kind = due_reminder(appointment.starts_at, appointment.scheduled_at, now)
            if kind is None:
                continue
            column = _sent_column(kind)
            claimed = await session.execute(
                update(Appointment)
                .where(Appointment.id == appointment_id, column.is_(None),
                       Appointment.state == AppointmentState.BOOKED)
                .values({column: now})
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another instance was first
            enqueue_appointment_mail(
                session,
                settings,
                appointment,
                kind,
                join_token=await issue_token(session, appointment, TokenPurpose.JOIN),
                manage_token=await issue_token(session, appointment, TokenPurpose.MANAGE),
            )
            queued += 1
    if queued:
        log.info("queued %s reminder(s)", queued)
    return queued
