"""Topics, which advisors serve them, and each advisor's weekly availability."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.booking.slots import WeeklyWindow
from server.core.errors import Conflict, InvalidInput
from server.db.audit import audit
from server.db.models import Advisor, AdvisorTopic, AvailabilityWindow, Topic


async def create_topic(session: AsyncSession, slug: str, name_de: str, name_en: str) -> Topic:
    if await session.scalar(select(Topic.id).where(Topic.slug == slug)) is not None:
        raise Conflict(f"the topic {slug!r} exists already")
    topic = Topic(slug=slug, name_de=name_de, name_en=name_en)
    session.add(topic)
    await session.flush()
    audit(session, "system", "topic.created", f"topic:{topic.id}", slug=slug)
    return topic


async def assign_topics(session: AsyncSession, advisor: Advisor, topic_ids: Sequence[int]) -> None:
    known = set((await session.scalars(select(Topic.id).where(Topic.id.in_(topic_ids)))).all())
    missing = set(topic_ids) - known
    if missing:
        raise InvalidInput(f"unknown topic(s): {sorted(missing)}", "topic_ids")
    await session.execute(delete(AdvisorTopic).where(AdvisorTopic.advisor_id == advisor.id))
    session.add_all(AdvisorTopic(advisor_id=advisor.id, topic_id=t) for t in sorted(known))
    await session.flush()
    await session.refresh(advisor, ["topics"])


def _overlapping(windows: Sequence[WeeklyWindow]) -> bool:
    by_day = sorted(windows, key=lambda w: (w.weekday, w.start))
    for before, after in pairwise(by_day):
        ends = before.end if before.end.hour or before.end.minute else None
        if before.weekday == after.weekday and (ends is None or after.start < ends):
            return True
    return False


async def set_availability(
    session: AsyncSession, advisor: Advisor, slot_minutes: int, windows: Sequence[WeeklyWindow]
) -> None:
    """Replace the advisor's weekly windows. Existing bookings stay as they are."""
    if _overlapping(windows):
        raise InvalidInput("availability windows of one day must not overlap", "windows")
    advisor.slot_minutes = slot_minutes
    await session.execute(
        delete(AvailabilityWindow).where(AvailabilityWindow.advisor_id == advisor.id)
    )
    session.add_all(
        AvailabilityWindow(advisor_id=advisor.id, weekday=w.weekday, start_time=w.start,
                           end_time=w.end)
        for w in windows
    )
    await session.flush()
    await session.refresh(advisor, ["availability"])
    audit(session, f"advisor:{advisor.id}", "availability.changed", f"advisor:{advisor.id}",
          windows=len(windows), slot_minutes=slot_minutes)
