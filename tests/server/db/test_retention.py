"""Erasing personal data after the retention period, on SQLite and PostgreSQL: old
customers, visits, chats, messages, consents, links and mails lose everything personal,
the statistics stay, recent and future appointments and live visits are untouched; the
dry run changes nothing; the command line and the server's own background job."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from server.cli import UsageError, build_parser, cmd_purge
from server.core.config import Settings, load_settings
from server.db.models import (
    AccessToken,
    Appointment,
    AppointmentState,
    AuditEntry,
    ChatMessage,
    ConnectionMode,
    ConsentRecord,
    Customer,
    CustomerMessage,
    MailState,
    OutgoingMail,
    Party,
    SignInFailure,
    TokenPurpose,
    Visit,
    VisitState,
    utcnow,
)
from server.db.session import Database
from server.operations.retention import run_retention
from tests.fixtures.server import ServerProcess, server_env
from tests.fixtures.waiting import eventually
from tests.server.conftest import Seeded

ROOT = Path(__file__).parents[3]
DAY = timedelta(days=1)
# Everything personal the old records hold; none of it may survive the purge.
OLD_PERSONAL = ["Erika Alt", "erika.alt@example.com", "+49301111111", "Clara Storno",
                "clara@example.com", "+49302222222", "Walter Walkin", "+49303333333",
                "Bitte rufen Sie mich an", "Mein Kredit über 200.000 €", "erika-typed-this"]
KEPT_PERSONAL = ["Rita Neu", "rita@example.com", "Fritz Zukunft", "fritz@example.com",
                 "Lena Live", "Noch aktuell"]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class World:
    now: datetime
    old_visit: int
    old_walk_in: int
    recent_visit: int
    fritz_old_visit: int
    live_visit: int
    fritz: int
    rita: int


async def build_world(db: Database, seeded: Seeded) -> World:
    """Records 100 days old (over), 5 days old (over, but recent), a future booking of a
    customer who also had an old one, and a live visit that began long ago."""
    now = utcnow().replace(microsecond=0)
    old, recent = now - 100 * DAY, now - 5 * DAY
    advisor, topic = seeded.advisor_id, seeded.topic_id
    async with db.session() as session:
        def customer(name: str, email: str, phone: str, created: datetime) -> Customer:
            row = Customer(name=name, email=email, phone=phone, created_at=created)
            session.add(row)
            return row

        erika = customer("Erika Alt", "erika.alt@example.com", "+49301111111", old - DAY)
        clara = customer("Clara Storno", "clara@example.com", "+49302222222", old - DAY)
        rita = customer("Rita Neu", "rita@example.com", "+49304444444", recent - DAY)
        fritz = customer("Fritz Zukunft", "fritz@example.com", "+49305555555", old - DAY)
        await session.flush()

        def appointment(who: Customer, start: datetime, state: AppointmentState) -> Appointment:
            row = Appointment(advisor_id=advisor, topic_id=topic, customer_id=who.id,
                              starts_at=start, ends_at=start + timedelta(minutes=30),
                              state=state, ics_uid=f"{uuid.uuid4()}@videoberatung",
                              created_at=start - 10 * DAY, scheduled_at=start - 10 * DAY)
            session.add(row)
            return row

        erika_appt = appointment(erika, old, AppointmentState.COMPLETED)
        clara_appt = appointment(clara, old + timedelta(hours=1), AppointmentState.CANCELLED)
        rita_appt = appointment(rita, recent, AppointmentState.COMPLETED)
        fritz_old = appointment(fritz, old + timedelta(hours=2), AppointmentState.COMPLETED)
        fritz_next = appointment(fritz, now + 10 * DAY, AppointmentState.BOOKED)
        await session.flush()

        def visit(name: str, phone: str, state: VisitState, start: datetime,
                  appt: Appointment | None = None, **extra: Any) -> Visit:
            row = Visit(token_hash=_hash(f"{name}{start}"), customer_name=name,
                        customer_phone=phone, state=state, created_at=start,
                        appointment_id=appt.id if appt else None, topic_id=topic,
                        advisor_id=advisor, **extra)
            session.add(row)
            return row

        def talked(start: datetime) -> dict[str, Any]:
            return {"mode": ConnectionMode.VIDEO, "accepted_at": start + timedelta(minutes=2),
                    "started_at": start + timedelta(minutes=3),
                    "ended_at": start + timedelta(minutes=23), "ended_by": Party.ADVISOR,
                    "rating": 5}

        old_visit = visit("Erika Alt", "+49301111111", VisitState.ENDED, old, erika_appt,
                          **talked(old))
        old_walk_in = visit("Walter Walkin", "+49303333333", VisitState.LEFT_MESSAGE, old,
                            ended_at=old + timedelta(minutes=5), ended_by=Party.CUSTOMER)
        abandoned = visit("Walter Walkin", "+49303333333", VisitState.ABANDONED, old - DAY,
                          ended_at=old - DAY + timedelta(minutes=9), ended_by=Party.SYSTEM)
        recent_visit = visit("Rita Neu", "+49304444444", VisitState.ENDED, recent, rita_appt,
                             **talked(recent))
        fritz_visit = visit("Fritz Zukunft", "+49305555555", VisitState.ENDED,
                            old + timedelta(hours=2), fritz_old,
                            **talked(old + timedelta(hours=2)))
        live_visit = visit("Lena Live", "+49306666666", VisitState.ACTIVE, old,
                           mode=ConnectionMode.TEXT, started_at=old)
        await session.flush()

        session.add_all([
            ChatMessage(visit_id=old_visit.id, sender=Party.CUSTOMER, client_id="1",
                        text="Mein Kredit über 200.000 €", sent_at=old + timedelta(minutes=4)),
            ChatMessage(visit_id=old_visit.id, sender=Party.ADVISOR, client_id="1",
                        text="Gern", sent_at=old + timedelta(minutes=5)),
            ChatMessage(visit_id=recent_visit.id, sender=Party.CUSTOMER, client_id="1",
                        text="Noch aktuell", sent_at=recent + timedelta(minutes=4)),
            ChatMessage(visit_id=live_visit.id, sender=Party.CUSTOMER, client_id="1",
                        text="Lena Live schreibt", sent_at=old + timedelta(minutes=4)),
            CustomerMessage(visit_id=old_walk_in.id, topic_id=topic,
                            customer_name="Walter Walkin", callback_phone="+49303333333",
                            text="Bitte rufen Sie mich an", created_at=old + timedelta(minutes=5)),
            *[ConsentRecord(customer_id=c.id, appointment_id=a.id, visit_id=v.id if v else None,
                            document=document, language="de", text_sha256=_hash(document),
                            accepted_at=a.starts_at - DAY if v is None else v.created_at)
              for c, a, v in [(erika, erika_appt, None), (erika, erika_appt, old_visit),
                              (rita, rita_appt, recent_visit), (fritz, fritz_old, None)]
              for document in ("privacy", "terms")],
            ConsentRecord(visit_id=old_walk_in.id, document="privacy", language="de",
                          text_sha256=_hash("privacy"), accepted_at=old),
            ConsentRecord(visit_id=abandoned.id, document="privacy", language="de",
                          text_sha256=_hash("privacy"), accepted_at=old - DAY),
            ConsentRecord(visit_id=live_visit.id, document="privacy", language="de",
                          text_sha256=_hash("privacy"), accepted_at=old),
            *[AccessToken(appointment_id=a.id, purpose=purpose,
                          token_hash=_hash(f"{a.ics_uid}{purpose}"), created_at=a.created_at)
              for a in (erika_appt, clara_appt, rita_appt, fritz_old, fritz_next)
              for purpose in TokenPurpose],
            OutgoingMail(kind="confirmation", appointment_id=erika_appt.id,
                         recipient="erika.alt@example.com", state=MailState.SENT,
                         attempts=2, last_error="550 erika.alt@example.com unknown",
                         created_at=old - 10 * DAY, sent_at=old - 10 * DAY),
            OutgoingMail(kind="cancellation", appointment_id=clara_appt.id,
                         recipient="clara@example.com", message=b"Clara Storno",
                         attempts=40, created_at=old - 5 * DAY),
            OutgoingMail(kind="confirmation", appointment_id=fritz_next.id,
                         recipient="fritz@example.com", message=b"Fritz Zukunft",
                         created_at=old - DAY),
            OutgoingMail(kind="confirmation", appointment_id=rita_appt.id,
                         recipient="rita@example.com", state=MailState.SENT,
                         created_at=recent - 10 * DAY),
            SignInFailure(username="erika-typed-this", address="192.0.2.1", at=old),
            SignInFailure(username="anna", address="192.0.2.1", at=now - timedelta(minutes=5)),
        ])
        return World(now=now, old_visit=old_visit.id, old_walk_in=old_walk_in.id,
                     recent_visit=recent_visit.id, fritz_old_visit=fritz_visit.id,
                     live_visit=live_visit.id, fritz=fritz.id, rita=rita.id)


TABLES = (Customer, Appointment, Visit, ChatMessage, CustomerMessage, ConsentRecord,
          AccessToken, OutgoingMail, SignInFailure, AuditEntry)


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the purge may touch, as plain tuples."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    async with db.session() as session:
        for model in TABLES:
            columns = list(model.__table__.columns)  # type: ignore[attr-defined]
            rows = await session.execute(select(*columns).order_by(*columns[:1]))
            found[model.__tablename__] = [tuple(row) for row in rows.all()]
    return found


def text_of(rows: dict[str, list[tuple[Any, ...]]]) -> str:
    return repr(rows) + "".join(
        value.decode(errors="replace") for table in rows.values() for row in table
        for value in row if isinstance(value, bytes))


async def statistics(db: Database) -> dict[str, Any]:
    async with db.session() as session:
        visits = (await session.execute(select(
            Visit.state, Visit.mode, Visit.rating, Visit.topic_id, Visit.advisor_id,
            Visit.started_at, Visit.ended_at).order_by(Visit.id))).all()
        appointments = (await session.execute(select(
            Appointment.state, func.count()).group_by(Appointment.state))).all()
        customers = await session.scalar(select(func.count()).select_from(Customer))
    return {"visits": [tuple(v) for v in visits], "appointments": sorted(appointments),
            "customers": customers}


async def test_old_personal_data_goes_and_statistics_stay(
    db: Database, db_settings: Settings, seeded: Seeded
) -> None:
    world = await build_world(db, seeded)
    before = await statistics(db)
    kept_before = await snapshot(db)
    assert all(text in text_of(kept_before) for text in OLD_PERSONAL + KEPT_PERSONAL)

    report = await run_retention(db, db_settings, days=90, now=world.now)

    assert report.counts() == {
        "customers_anonymised": 2,  # Erika and Clara; Fritz has a future appointment
        "visits_anonymised": 4,  # Erika's, Fritz's old one, Walter's two
        "chat_messages_deleted": 2,
        "customer_messages_deleted": 1,
        "consent_records_deleted": 6,  # Erika's 4, Walter's 2; Fritz is still a customer
        "link_tokens_deleted": 6,  # of the three old appointments
        "mails_anonymised": 1,
        "mails_deleted": 1,  # Clara's cancellation, never delivered
        "sign_in_failures_deleted": 1,
        "outbox_files_deleted": 0,
    }
    after = await snapshot(db)
    assert [text for text in OLD_PERSONAL if text in text_of(after)] == []
    assert [text for text in KEPT_PERSONAL if text not in text_of(after)] == []
    assert await statistics(db) == before

    async with db.session() as session:
        durations = {v.id: v.ended_at - v.started_at for v in (await session.scalars(
            select(Visit).where(Visit.started_at.is_not(None), Visit.ended_at.is_not(None))
        )).unique().all()}
        fritz = await session.get(Customer, world.fritz)
        live_chat = await session.scalar(select(func.count()).select_from(ChatMessage).where(
            ChatMessage.visit_id == world.live_visit))
        audit = (await session.scalars(select(AuditEntry).where(
            AuditEntry.action == "retention.erased"))).all()
    assert durations[world.old_visit] == timedelta(minutes=20)
    assert fritz is not None and fritz.email == "fritz@example.com"
    assert live_chat == 1
    assert [(a.actor, a.subject, a.details) for a in audit] == [
        ("system", "personal_data", {"days": 90, **report.counts()})]

    again = await run_retention(db, db_settings, days=90, now=world.now)
    assert again.total == 0
    assert await snapshot(db) == after


async def test_dry_run_counts_but_changes_nothing(
    db: Database, db_settings: Settings, seeded: Seeded
) -> None:
    world = await build_world(db, seeded)
    outbox = db_settings.outbox_dir
    outbox.mkdir(parents=True)
    old_file, new_file = outbox / "old.eml", outbox / "new.eml"
    for path in (old_file, new_file):
        path.write_bytes(b"To: Erika Alt <erika.alt@example.com>\r\n\r\nhallo")
    hundred_days_ago = (world.now - 100 * DAY).timestamp()
    os.utime(old_file, (hundred_days_ago, hundred_days_ago))
    before = await snapshot(db)

    dry = await run_retention(db, db_settings, days=90, now=world.now, dry_run=True)
    assert dry.total > 0 and dry.outbox_files_deleted == 1
    assert await snapshot(db) == before
    assert old_file.exists() and new_file.exists()

    real = await run_retention(db, db_settings, days=90, now=world.now)
    assert real.counts() == dry.counts()
    assert not old_file.exists() and new_file.exists()


async def test_a_longer_period_keeps_more(
    db: Database, db_settings: Settings, seeded: Seeded
) -> None:
    world = await build_world(db, seeded)
    assert (await run_retention(db, db_settings, days=365, now=world.now)).total == 0
    report = await run_retention(db, db_settings, days=1, now=world.now)
    assert report.visits_anonymised == 5  # now Rita's visit of 5 days ago too
    async with db.session() as session:
        rita = await session.get(Customer, world.rita)
        live = await session.get(Visit, world.live_visit)
    assert rita is not None and rita.name == ""
    assert live is not None and live.customer_name == "Lena Live"


def run_cli(database_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "purge", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=60,
        env=server_env(VB_DATABASE_URL=database_url),
    )


# The command line and the background job only wire up what the tests above check on
# both databases: SQLite is enough for them.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_purge_from_the_command_line(
    db: Database, db_settings: Settings, seeded: Seeded
) -> None:
    await build_world(db, seeded)
    data_dir = db_settings.data_dir

    dry = await asyncio.to_thread(run_cli, db.url, data_dir, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0].startswith("would erase the personal data of what was over before ")
    assert lines[0].endswith("(90 days):")
    assert "  visits anonymised: 4" in lines
    assert lines[-1] == "dry run: nothing was changed"

    done = await asyncio.to_thread(run_cli, db.url, data_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("erased the personal data")
    assert "  customers anonymised: 2" in done.stdout.splitlines()
    assert "dry run" not in done.stdout
    async with db.session() as session:
        names = set((await session.scalars(select(Customer.name))).all())
    assert names == {"", "Rita Neu", "Fritz Zukunft"}


def test_purge_needs_a_period_of_at_least_a_day(tmp_path: Path) -> None:
    zero = run_cli(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path, "--days", "0")
    assert zero.returncode == 2
    assert zero.stderr.strip() == "videoberatung-server: --days must be at least 1"
    switched_off = load_settings(data_dir=tmp_path, retention_days=0)
    with pytest.raises(UsageError, match=r"switched off \(VB_RETENTION_DAYS=0\); give --days"):
        cmd_purge(switched_off, build_parser().parse_args(["purge"]))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_server_erases_old_data_in_the_background(
    db: Database, seeded: Seeded, database_url: str, tmp_path: Path
) -> None:
    world = await build_world(db, seeded)
    server = ServerProcess(database_url, tmp_path / "server", {"VB_RETENTION_DAYS": "30"})
    server.data_dir.mkdir()
    await asyncio.to_thread(server.start)
    try:
        async def old_visit_erased() -> bool:
            async with db.session() as session:
                visit = await session.get(Visit, world.old_visit, populate_existing=True)
            assert visit is not None
            return visit.customer_name == ""

        await eventually(old_visit_erased, "the server erases the old visit", timeout=10)
    finally:
        await asyncio.to_thread(server.stop)
    async with db.session() as session:
        recent = await session.get(Visit, world.recent_visit)
    assert recent is not None and recent.customer_name == "Rita Neu"


async def test_a_cancelled_appointment_counts_from_its_cancellation(
    db: Database, db_settings: Settings, seeded: Seeded
) -> None:
    now = utcnow().replace(microsecond=0)
    async with db.session() as session:
        def cancelled(name: str, start: datetime, cancelled_at: datetime) -> Appointment:
            who = Customer(name=name, email=f"{name.lower()}@example.com",
                           phone="+49301111111", created_at=cancelled_at - DAY)
            session.add(who)
            row = Appointment(advisor_id=seeded.advisor_id, topic_id=seeded.topic_id,
                              customer=who, starts_at=start,
                              ends_at=start + timedelta(minutes=30),
                              state=AppointmentState.CANCELLED, cancelled_at=cancelled_at,
                              ics_uid=f"{uuid.uuid4()}@videoberatung",
                              created_at=cancelled_at - DAY, scheduled_at=cancelled_at - DAY)
            session.add(row)
            return row

        # Booked for a day that is still ahead, cancelled long ago: over for retention.
        cancelled("Vorlaeufig", now + 30 * DAY, cancelled_at=now - 100 * DAY)
        # Cancelled days ago for a day long past its notice: kept for now.
        cancelled("Kuerzlich", now + 3 * DAY, cancelled_at=now - 5 * DAY)
        await session.commit()

    report = await run_retention(db, db_settings, days=90, now=now)

    assert report.customers_anonymised == 1
    rows = text_of(await snapshot(db))
    assert "Vorlaeufig" not in rows and "Kuerzlich" in rows
