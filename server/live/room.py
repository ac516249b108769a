"""Snapshots of the waiting room: what each customer and each advisor is shown.

Computed once per change per server instance (not once per connection), then handed to
every local connection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from live_protocol.messages import QueueStatus, WaitingRoom
from live_protocol.views import AdvisorAppointmentView
from server.booking.service import appointments_of
from server.booking.views import advisor_appointment_view
from server.core.config import Settings
from server.db.models import AdvisorTopic, Visit, VisitState, utcnow
from server.live.presence import online_advisors
from server.live.queue import (
    LineKey,
    WaitingVisit,
    ahead_counts,
    estimate_waits,
    line_key,
    queue_for_advisor,
    serves,
)
from server.live.visit_state import LIVE_STATES
from server.live.visits import consent_times, visit_view

AdvisorStatus = Literal["free", "busy", "offline"]
RECENT_SESSIONS = 30  # how many ended sessions the wait estimate learns from


@dataclass
class RoomSnapshot:
    now: datetime
    visits: dict[int, Visit]
    waiting: list[WaitingVisit]
    online: set[int]
    topics_of: dict[int, frozenset[int]]
    recent: list[timedelta]
    consent_at: dict[int, datetime | None] = field(default_factory=dict)
    appointments: dict[int, list[AdvisorAppointmentView]] = field(default_factory=dict)

    @cached_property
    def _sessions(self) -> dict[int, Visit]:
        return {
            visit.advisor_id: visit for visit in self.visits.values()
            if visit.advisor_id is not None
            and visit.state in (VisitState.OFFERED, VisitState.ACTIVE)
        }

    @cached_property
    def _ahead(self) -> dict[int, int]:
        return ahead_counts(self.waiting)

    @cached_property
    def _waiting_by_id(self) -> dict[int, WaitingVisit]:
        return {w.visit_id: w for w in self.waiting}

    @cached_property
    def _line_lengths(self) -> Counter[LineKey]:
        return Counter(line_key(w) for w in self.waiting)

    @cached_property
    def _line_waits(self) -> dict[LineKey, list[timedelta]]:
        return {}

    def _waits(self, entry: WaitingVisit, serving: int,
               busy_for: list[timedelta]) -> list[timedelta]:
        """The estimated wait of every place in ``entry``'s line, computed once per line
        (everyone in a line has the same advisors)."""
        key = line_key(entry)
        waits = self._line_waits.get(key)
        if waits is None:
            waits = estimate_waits(self._line_lengths[key], self.recent,
                                   advisors=max(serving, 1), busy_for=busy_for)
            self._line_waits[key] = waits
        return waits

    def session_of(self, advisor_id: int) -> Visit | None:
        return self._sessions.get(advisor_id)

    def busy_for(self, advisor_id: int) -> timedelta | None:
        current = self.session_of(advisor_id)
        if current is None:
            return None
        since = current.started_at or current.accepted_at or self.now
        return self.now - since

    def advisors_for(self, entry: WaitingVisit) -> list[int]:
        return [a for a, topics in self.topics_of.items()
                if serves(a, topics, entry.advisor_id, entry.topic_id)]

    def customer_status(self, visit_id: int) -> QueueStatus | None:
        """What one waiting customer is shown; None once they no longer wait."""
        entry = self._waiting_by_id.get(visit_id)
        if entry is None:
            return None
        serving = [a for a in self.advisors_for(entry) if a in self.online]
        busy = [self.busy_for(a) for a in serving]
        busy_for = [b for b in busy if b is not None]
        status: AdvisorStatus
        if not serving:
            status = "offline"
        elif len(busy_for) == len(serving):
            status = "busy"
        else:
            status = "free"
        ahead = self._ahead[visit_id]
        wait = self._waits(entry, len(serving), busy_for)[ahead]
        return QueueStatus(advisor_status=status, place=ahead + 1,
                           estimated_wait_seconds=int(wait.total_seconds()))

    def advisor_view(self, advisor_id: int) -> WaitingRoom:
        """Who waits for this advisor, their session and today's appointments."""
        queue = queue_for_advisor(self.waiting, advisor_id,
                                  self.topics_of.get(advisor_id, frozenset()))
        current = self.session_of(advisor_id)
        return WaitingRoom(
            waiting=[visit_view(self.visits[w.visit_id], self.consent_at.get(w.visit_id))
                     for w in queue],
            session=visit_view(current, self.consent_at.get(current.id)) if current else None,
            appointments=self.appointments.get(advisor_id, []),
        )


async def take_snapshot(
    session: AsyncSession, settings: Settings, advisor_ids: Sequence[int] = ()
) -> RoomSnapshot:
    """The room as of now, with today's appointments of ``advisor_ids`` (those connected
    here)."""
    now = utcnow()
    visits = {v.id: v for v in await _live_visits(session)}
    waiting = [_waiting_entry(v) for v in visits.values() if v.state == VisitState.WAITING]
    pairs = (await session.execute(select(AdvisorTopic.advisor_id, AdvisorTopic.topic_id))).all()
    topics_of: dict[int, set[int]] = {}
    for advisor_id, topic_id in pairs:
        topics_of.setdefault(advisor_id, set()).add(topic_id)
    return RoomSnapshot(
        now=now,
        visits=visits,
        waiting=waiting,
        online=await online_advisors(session, settings, now),
        topics_of={a: frozenset(t) for a, t in topics_of.items()},
        recent=await _recent_session_lengths(session),
        consent_at=await consent_times(session, list(visits)),
        appointments=await _appointments_today(session, settings, advisor_ids, now),
    )


async def _live_visits(session: AsyncSession) -> Sequence[Visit]:
    rows = await session.scalars(
        select(Visit).where(Visit.state.in_(LIVE_STATES)).order_by(Visit.id)
    )
    return rows.unique().all()


def _waiting_entry(visit: Visit) -> WaitingVisit:
    return WaitingVisit(
        visit_id=visit.id,
        advisor_id=visit.advisor_id if visit.appointment_id is not None else None,
        topic_id=visit.topic_id,
        appointment_start=visit.appointment.starts_at if visit.appointment else None,
        waiting_since=visit.created_at,
    )


async def _recent_session_lengths(session: AsyncSession) -> list[timedelta]:
    rows = await session.execute(
        select(Visit.started_at, Visit.ended_at)
        .where(Visit.started_at.is_not(None), Visit.ended_at.is_not(None))
        .order_by(Visit.ended_at.desc()).limit(RECENT_SESSIONS)
    )
    return [end - start for start, end in rows.all() if start and end]


async def _appointments_today(
    session: AsyncSession, settings: Settings, advisor_ids: Sequence[int], now: datetime
) -> dict[int, list[AdvisorAppointmentView]]:
    """Each advisor's appointments of today (local time) with their live state."""
    if not advisor_ids:
        return {}
    today = now.astimezone(settings.zone).date()
    found: dict[int, list[AdvisorAppointmentView]] = {a: [] for a in advisor_ids}
    for appointment in await appointments_of(session, advisor_ids, today, 1, settings.zone):
        found[appointment.advisor_id].append(advisor_appointment_view(appointment))
    return found
