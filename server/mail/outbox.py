"""The outgoing-mail queue and its dispatcher.

A mail is written to the database in the same transaction as the change it reports
(a booking, a cancellation), so it can't be lost between the two. The dispatcher then
claims due mails one by one (an atomic UPDATE, so several server instances never send
the same mail twice), hands them to the transport, and on failure keeps them queued
with an exponential backoff. Nothing is ever dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import getaddresses

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.config import Settings
from server.db.models import Appointment, MailState, OutgoingMail, utcnow
from server.db.session import Database
from server.mail.compose import AppointmentMail, MailKind, compose_appointment_mail
from server.mail.transport import MailDeliveryError, MailTransport

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
CLAIM_LEASE = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    """The pause after the ``attempts``-th failed try: 30 s, 60 s, 120 s … at most 1 h."""
    if attempts < 1:
        return timedelta(0)
    pause: timedelta = FIRST_RETRY * (2 ** min(attempts - 1, 16))
    return min(pause, LONGEST_RETRY)


def enqueue(
    session: AsyncSession,
    message: EmailMessage,
    *,
    kind: str,
    appointment_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutgoingMail:
    recipients = [addr for _, addr in getaddresses(message.get_all("To", []))]
    row = OutgoingMail(
        kind=kind,
        appointment_id=appointment_id,
        recipient=", ".join(recipients),
        message=bytes(message),
        dedupe_key=dedupe_key,
    )
    session.add(row)
    return row


def appointment_mail(
    appointment: Appointment,
    settings: Settings,
    kind: MailKind,
    *,
    join_token: str | None,
    manage_token: str | None,
) -> AppointmentMail:
    topic = appointment.topic
    language = appointment.language
    topic_name = None
    if topic is not None:
        topic_name = topic.name_en if language == "en" else topic.name_de
    # Links in an English mail open the pages in English.
    suffix = "?lang=en" if language == "en" else ""
    return AppointmentMail(
        kind=kind,
        language=language,
        customer_name=appointment.customer.name,
        customer_email=appointment.customer.email,
        advisor_name=appointment.advisor.display_name,
        topic_name=topic_name,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        ics_uid=appointment.ics_uid,
        ics_sequence=appointment.ics_sequence,
        join_link=settings.join_link(join_token) + suffix if join_token else None,
        manage_link=settings.manage_link(manage_token) + suffix if manage_token else None,
        booking_link=f"{settings.resolved_public_url}/book{suffix}",
    )


def enqueue_appointment_mail(
    session: AsyncSession,
    settings: Settings,
    appointment: Appointment,
    kind: MailKind,
    *,
    join_token: str | None = None,
    manage_token: str | None = None,
) -> OutgoingMail:
    mail = appointment_mail(
        appointment, settings, kind, join_token=join_token, manage_token=manage_token
    )
    return enqueue(
        session,
        compose_appointment_mail(mail, settings),
        kind=kind.value,
        appointment_id=appointment.id,
        dedupe_key=f"{kind.value}:{appointment.id}:{appointment.ics_sequence}",
    )


class MailDispatcher:
    """Delivers queued mail; run one per server instance."""

    def __init__(self, db: Database, transport: MailTransport, settings: Settings) -> None:
        self.db = db
        self.transport = transport
        self.settings = settings
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Deliver now instead of at the next poll (called after a mail was queued)."""
        self._wake.set()

    async def _claim(self, mail_id: int, now: datetime) -> OutgoingMail | None:
        async with self.db.session() as session:
            result = await session.execute(
                update(OutgoingMail)
                .where(
                    OutgoingMail.id == mail_id,
                    OutgoingMail.state == MailState.QUEUED,
                    OutgoingMail.next_attempt_at <= now,
                    or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now),
                )
                .values(claimed_until=now + CLAIM_LEASE)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return await session.get(OutgoingMail, mail_id)

    async def _deliver(self, mail: OutgoingMail) -> bool:
        assert mail.message is not None
        sender = getaddresses([self.settings.mail_from])[0][1]
        try:
            await self.transport.send(
                mail.message, sender=sender, recipients=mail.recipient.split(", ")
            )
        except MailDeliveryError as error:
            attempts = mail.attempts + 1
            pause = backoff(attempts)
            log.warning(
                "mail #%s (%s) not delivered, attempt %s: %s; next try in %ss",
                mail.id, mail.kind, attempts, error, int(pause.total_seconds()),
            )
            async with self.db.session() as session:
                await session.execute(
                    update(OutgoingMail)
                    .where(OutgoingMail.id == mail.id)
                    .values(
                        attempts=attempts,
                        next_attempt_at=utcnow() + pause,
                        claimed_until=None,
                        last_error=str(error)[:500],
                    )
                )
            return False
        async with self.db.session() as session:
            await session.execute(
                update(OutgoingMail)
                .where(OutgoingMail.id == mail.id)
                .values(
                    state=MailState.SENT,
                    sent_at=utcnow(),
                    attempts=mail.attempts + 1,
                    claimed_until=None,
                    message=None,  # the content holds personal data and a link token
                    last_error=None,
                )
            )
        log.info("mail #%s (%s) delivered", mail.id, mail.kind)
        return True

    async def deliver_due(self, now: datetime | None = None) -> int:
        """Try every mail that is due; return how many were delivered."""
        now = now or utcnow()
        async with self.db.session() as session:
            due = (
                await session.scalars(
                    select(OutgoingMail.id)
                    .where(
                        OutgoingMail.state == MailState.QUEUED,
                        OutgoingMail.next_attempt_at <= now,
                    )
                    .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
                    .limit(100)
                )
            ).all()
        delivered = 0
        for mail_id in due:
            mail = await self._claim(mail_id, now)
            if mail is not None and await self._deliver(mail):
                delivered += 1
        return delivered

    async def run(self) -> None:
        """Deliver forever: on every wake-up and at least every ``mail_poll_seconds``."""
        while True:
            self._wake.clear()
            try:
                await self.deliver_due()
            except Exception:  # a database hiccup must not end delivery for good
                log.exception("mail dispatcher round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.mail_poll_seconds)

