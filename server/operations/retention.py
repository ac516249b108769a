"""Erasing customers' personal data a number of days after their visit (VB_RETENTION_DAYS).

Erased: customers' names, e-mail addresses and phone numbers (on the customer and on
each visit), chat lines, messages left by customers, the consent records and link tokens
of those appointments and visits, the addresses, contents and errors of their mails, the
user names of failed sign-ins, and old files in the mail outbox folder. Kept for
statistics: appointments and visits with their states, times (so durations), connection
modes, ratings, topics and advisors, and the audit log (which never holds personal data).

Only what is over is touched: visits that ended, left a message or were abandoned, and
appointments that were completed, cancelled or missed, at least ``days`` days before
``now``; a customer only once every one of their appointments is. Every statement is an
idempotent UPDATE or DELETE, so several instances may run the job at the same time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from server.core.config import Settings
from server.db.audit import audit
from server.db.models import (
    AccessToken,
    Appointment,
    AppointmentState,
    ChatMessage,
    ConsentRecord,
    Customer,
    CustomerMessage,
    MailState,
    OutgoingMail,
    SignInFailure,
    Visit,
    VisitState,
    utcnow,
)
from server.db.session import Database

log = logging.getLogger(__name__)

RUN_EVERY = timedelta(hours=1)
FINISHED_APPOINTMENTS = (AppointmentState.COMPLETED, AppointmentState.CANCELLED,
                         AppointmentState.MISSED)
FINISHED_VISITS = (VisitState.ENDED, VisitState.LEFT_MESSAGE, VisitState.ABANDONED)


@dataclass(frozen=True)
class PurgeReport:
    """How many records lost their personal data (or would, in a dry run)."""

    cutoff: datetime
    customers_anonymised: int = 0
    visits_anonymised: int = 0
    chat_messages_deleted: int = 0
    customer_messages_deleted: int = 0
    consent_records_deleted: int = 0
    link_tokens_deleted: int = 0
    mails_anonymised: int = 0
    mails_deleted: int = 0
    sign_in_failures_deleted: int = 0
    outbox_files_deleted: int = 0

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name != "cutoff"}

    @property
    def total(self) -> int:
        return sum(self.counts().values())


# Which records are over -----------------------------------------------------------------


def old_appointments(cutoff: datetime) -> Select[int]:
    """Finished appointments: a cancelled one counts from its cancellation (it may have
    been far in the future), the others from their end."""
    return select(Appointment.id).where(
        Appointment.state.in_(FINISHED_APPOINTMENTS),
        func.coalesce(Appointment.cancelled_at, Appointment.ends_at) < cutoff)


def old_visits(cutoff: datetime) -> Select[int]:
    return select(Visit.id).where(
        Visit.state.in_(FINISHED_VISITS),
        func.coalesce(Visit.ended_at, Visit.created_at) < cutoff,
        or_(Visit.appointment_id.is_(None), Visit.appointment_id.in_(old_appointments(cutoff))),
    )


def old_customers(cutoff: datetime) -> Select[int]:
    still_needed = select(Appointment.customer_id).where(
        Appointment.id.not_in(old_appointments(cutoff)))
    return select(Customer.id).where(Customer.created_at < cutoff,
                                     Customer.id.not_in(still_needed))


def _old_mail(cutoff: datetime) -> ColumnElement[bool]:
    return or_(
        OutgoingMail.appointment_id.in_(old_appointments(cutoff)),
        and_(OutgoingMail.appointment_id.is_(None), OutgoingMail.created_at < cutoff),
    )


def _only_old(column: Any, ids: Select[int]) -> ColumnElement[bool]:
    return or_(column.is_(None), column.in_(ids))


# Erasing --------------------------------------------------------------------------------


async def _count(session: AsyncSession, statement: Any) -> int:
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]


def cutoff_for(now: datetime, days: int) -> datetime:
    """What was over before this instant loses its personal data."""
    if days < 1:
        raise ValueError("days must be at least 1")
    return now - timedelta(days=days)


async def purge_personal_data(session: AsyncSession, now: datetime, days: int) -> PurgeReport:
    """Erase the personal data of everything over for ``days`` days, inside ``session``
    (the caller commits, or rolls back for a dry run). Files are not touched here."""
    cutoff = cutoff_for(now, days)
    appointments, visits, customers = (old_appointments(cutoff), old_visits(cutoff),
                                       old_customers(cutoff))
    return PurgeReport(
        cutoff=cutoff,
        customers_anonymised=await _count(session, update(Customer).where(
            Customer.id.in_(customers),
            or_(Customer.name != "", Customer.email != "", Customer.phone != ""),
        ).values(name="", email="", phone="")),
        visits_anonymised=await _count(session, update(Visit).where(
            Visit.id.in_(visits), or_(Visit.customer_name != "", Visit.customer_phone != ""),
        ).values(customer_name="", customer_phone="")),
        chat_messages_deleted=await _count(session, delete(ChatMessage).where(
            ChatMessage.visit_id.in_(visits))),
        customer_messages_deleted=await _count(session, delete(CustomerMessage).where(or_(
            CustomerMessage.visit_id.in_(visits),
            and_(CustomerMessage.visit_id.is_(None), CustomerMessage.created_at < cutoff),
        ))),
        # Proof of consent is kept as long as the data it covers, not longer.
        consent_records_deleted=await _count(session, delete(ConsentRecord).where(
            ConsentRecord.accepted_at < cutoff,
            _only_old(ConsentRecord.visit_id, visits),
            _only_old(ConsentRecord.appointment_id, appointments),
            _only_old(ConsentRecord.customer_id, customers),
        )),
        link_tokens_deleted=await _count(session, delete(AccessToken).where(
            AccessToken.appointment_id.in_(appointments))),
        mails_anonymised=await _count(session, update(OutgoingMail).where(
            _old_mail(cutoff), OutgoingMail.state == MailState.SENT,
            or_(OutgoingMail.recipient != "", OutgoingMail.message.is_not(None),
                OutgoingMail.last_error.is_not(None)),
        ).values(recipient="", message=None, last_error=None)),
        # Still undelivered after all this time, about an appointment long over.
        mails_deleted=await _count(session, delete(OutgoingMail).where(
            _old_mail(cutoff), OutgoingMail.state == MailState.QUEUED)),
        sign_in_failures_deleted=await _count(session, delete(SignInFailure).where(
            SignInFailure.at < cutoff)),
    )


def old_outbox_files(folder: Path, cutoff: datetime) -> list[Path]:
    """Mails the outbox-folder transport wrote before ``cutoff``."""
    if not folder.is_dir():
        return []
    limit = cutoff.timestamp()
    return [path for path in sorted(folder.glob("*.eml")) if path.stat().st_mtime < limit]


def _delete_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


async def run_retention(
    db: Database, settings: Settings, *, days: int, now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    """One round: erase (or, with ``dry_run``, only count) in one transaction, remove old
    outbox files, and write the counts to the audit log when anything was erased."""
    now = now or utcnow()
    files = await asyncio.to_thread(old_outbox_files, settings.outbox_dir,
                                    cutoff_for(now, days))
    async with db.session() as session:
        report = dataclasses.replace(await purge_personal_data(session, now, days),
                                     outbox_files_deleted=len(files))
        if dry_run:
            await session.rollback()
        elif report.total:
            audit(session, "system", "retention.erased", "personal_data", days=days,
                  **report.counts())
    if dry_run:
        return report
    await asyncio.to_thread(_delete_files, files)
    if report.total:
        log.info("erased personal data older than %s days: %s", days,
                 ", ".join(f"{name} {count}" for name, count in report.counts().items()
                           if count))
    return report


async def retention_loop(db: Database, settings: Settings) -> None:
    """Run :func:`run_retention` now and then every hour (a server's background task)."""
    while True:
        try:
            await run_retention(db, settings, days=settings.retention_days)
        except Exception:  # try again next round after a database hiccup
            log.exception("erasing old personal data failed")
        await asyncio.sleep(RUN_EVERY.total_seconds())
