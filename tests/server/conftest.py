"""Fixtures for server tests: a seeded advisor with availability and topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest

from server.accounts.service import create_advisor
from server.booking import catalogue
from server.booking.slots import WeeklyWindow
from server.db.models import Role, utcnow
from server.db.session import Database

PASSWORD = "correct horse battery"


@dataclass
class Seeded:
    advisor_id: int
    username: str
    topic_id: int
    other_topic_id: int
    admin_username: str


@pytest.fixture
async def seeded(db: Database) -> Seeded:
    """An advisor 'anna' (every day 08:00–20:00, 30-minute slots, both topics), a second
    advisor 'ben' (topic 1 only, same hours) and an admin 'root'."""
    async with db.session() as session:
        topic = await catalogue.create_topic(session, "baufinanzierung", "Baufinanzierung",
                                             "Home financing")
        other = await catalogue.create_topic(session, "geldanlage", "Geldanlage", "Investments")
        every_day = [WeeklyWindow(d, time(8), time(20)) for d in range(7)]
        anna = await create_advisor(session, username="anna", password=PASSWORD,
                                    display_name="Anna Berater", email="anna@example.com")
        await catalogue.assign_topics(session, anna, [topic.id, other.id])
        await catalogue.set_availability(session, anna, 30, every_day)
        ben = await create_advisor(session, username="ben", password=PASSWORD,
                                   display_name="Ben Berater", email="ben@example.com")
        await catalogue.assign_topics(session, ben, [topic.id])
        await catalogue.set_availability(session, ben, 30, every_day)
        await create_advisor(session, username="root", password=PASSWORD,
                             display_name="Admin", email="root@example.com", role=Role.ADMIN)
        return Seeded(anna.id, "anna", topic.id, other.id, "root")


def tomorrow_at(hour: int, minute: int = 0, days: int = 1) -> datetime:
    """A slot start in Berlin time, ``days`` days from now."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Berlin")
    day = (utcnow().astimezone(zone) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=zone)
