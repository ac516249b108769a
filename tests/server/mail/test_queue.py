"""The mail queue: nothing is lost while the SMTP server is down, nothing sent twice."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from server.booking.service import CustomerDetails
from server.core.config import load_settings
from server.db.models import Advisor, MailState, OutgoingMail, utcnow
from server.db.session import Database
from server.mail.outbox import MailDispatcher, backoff
from server.mail.transport import SmtpTransport
from server.workflows import appointments as workflow
from tests.server.conftest import Seeded, tomorrow_at
from tests.server.mail.conftest import Certificate, SmtpTestServer


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in range(1, 5)] == [30, 60, 120, 240]
    assert backoff(8) == timedelta(hours=1)
    assert backoff(500) == timedelta(hours=1)


async def _queue_confirmation(db: Database, database_url: str, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, public_url="https://beratung.example.de",
                             database_url=database_url)
    async with db.session() as session:
        advisor = await session.scalar(select(Advisor).where(Advisor.username == "anna"))
        assert advisor is not None
        await workflow.book_and_confirm(
            session, settings, topic_id=None, advisor_id=advisor.id, start=tomorrow_at(10),
            customer=CustomerDetails("Jörg Müller", "joerg@example.de", "+49301234567", "de"),
            consent=None, booked_by=advisor,
        )


async def _row(db: Database) -> OutgoingMail:
    async with db.session() as session:
        row = await session.scalar(select(OutgoingMail))
    assert row is not None
    return row


async def test_mail_waits_while_the_smtp_server_is_down_and_goes_out_once_it_is_back(
    db: Database, database_url: str, seeded: Seeded, tmp_path: Path,
    smtp_server: Callable[..., SmtpTestServer], certificate: Certificate,
) -> None:
    server = smtp_server()
    server.stop()
    settings = load_settings(data_dir=tmp_path, smtp_url=server.url(),
                             smtp_ca_file=certificate.cert_file, database_url=database_url)
    transport = SmtpTransport(server.url(), ca_file=certificate.cert_file, timeout=3)
    dispatcher = MailDispatcher(db, transport, settings)
    await _queue_confirmation(db, database_url, tmp_path)

    start = utcnow()
    assert await dispatcher.deliver_due(start) == 0
    row = await _row(db)
    assert (row.state, row.attempts) == (MailState.QUEUED, 1)
    assert row.last_error and row.message is not None
    assert row.next_attempt_at >= start + timedelta(seconds=29)

    # Not due yet: no new attempt.
    assert await dispatcher.deliver_due(start + timedelta(seconds=5)) == 0
    assert (await _row(db)).attempts == 1
    # Due again, still down: the pause doubles.
    assert await dispatcher.deliver_due(start + timedelta(seconds=31)) == 0
    row = await _row(db)
    assert row.attempts == 2 and row.next_attempt_at >= start + timedelta(seconds=59)

    server.start()
    later = start + timedelta(minutes=10)
    assert await dispatcher.deliver_due(later) == 1
    assert await dispatcher.deliver_due(later + timedelta(hours=1)) == 0
    [received] = server.messages
    assert received.recipients == ["joerg@example.de"]
    assert b"/join/" in received.content
    row = await _row(db)
    assert row.state == MailState.SENT and row.attempts == 3
    assert row.message is None, "sent content (personal data, link token) is not kept"


async def test_two_instances_deliver_each_mail_exactly_once(
    db: Database, database_url: str, seeded: Seeded, tmp_path: Path,
    smtp_server: Callable[..., SmtpTestServer], certificate: Certificate,
) -> None:
    server = smtp_server()
    settings = load_settings(data_dir=tmp_path, database_url=database_url)
    await _queue_confirmation(db, database_url, tmp_path)
    other = Database(db.url)
    try:
        dispatchers = [
            MailDispatcher(instance, SmtpTransport(server.url(), ca_file=certificate.cert_file,
                                                   timeout=5), settings)
            for instance in (db, other)
        ]
        delivered = await asyncio.gather(*[d.deliver_due() for d in dispatchers])
    finally:
        await other.dispose()
    assert sum(delivered) == 1
    assert len(server.messages) == 1
