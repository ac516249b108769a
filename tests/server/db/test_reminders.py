"""Reminders are queued exactly once, even when several server instances race."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from server.booking.service import CustomerDetails
from server.core.config import Settings
from server.db.models import Advisor, OutgoingMail, utcnow
from server.db.session import Database
from server.workflows import appointments as workflow
from server.workflows.reminders import send_due_reminders
from tests.server.conftest import Seeded


async def _book(db: Database, settings: Settings, seeded: Seeded, hours_ahead: float) -> None:
    start = (utcnow() + timedelta(hours=hours_ahead)).replace(second=0, microsecond=0)
    async with db.session() as session:
        advisor = await session.get(Advisor, seeded.advisor_id)
        assert advisor is not None
        await workflow.book_and_confirm(
            session, settings, topic_id=None, advisor_id=advisor.id, start=start,
            customer=CustomerDetails("Erika", "erika@example.com", "+49301234567", "de"),
            consent=None, booked_by=advisor,
        )


async def _kinds(db: Database) -> list[str]:
    async with db.session() as session:
        return list((await session.scalars(select(OutgoingMail.kind).order_by(
            OutgoingMail.id))).all())


async def test_each_reminder_once_across_instances(
    db: Database, db_settings: Settings, seeded: Seeded
) -> None:
    await _book(db, db_settings, seeded, hours_ahead=48)
    booked_at = utcnow()
    instances = [Database(db.url) for _ in range(3)]
    try:
        day_before = booked_at + timedelta(hours=25)
        counts = await asyncio.gather(*[
            send_due_reminders(instance, db_settings, now=day_before) for instance in instances
        ])
        assert sum(counts) == 1
        assert await send_due_reminders(instances[0], db_settings, now=day_before) == 0

        hour_before = booked_at + timedelta(hours=47, minutes=30)
        counts = await asyncio.gather(*[
            send_due_reminders(instance, db_settings, now=hour_before) for instance in instances
        ])
        assert sum(counts) == 1
    finally:
        for instance in instances:
            await instance.dispose()
    assert await _kinds(db) == ["confirmation", "reminder_24h", "reminder_1h"]
