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
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.booking.slots import local_instant
from server.core.config import Settings
from server.db.models import AdvisorTopic, Appointment, Visit, VisitState, utcnow
from server.live import service
from server.live.queue import (
    LineKey,
    WaitingVisit,
    ahead_counts,
    estimate_waits,
    line_key,
    queue_for_advisor,
)

AdvisorStatus = Literal["free", "busy", "offline"]


@dataclass
class RoomSnapshot:
    now: datetime
    visits: dict[int, Visit]
    waiting: list[WaitingVisit]
    online: set[int]
    topics_of: dict[int, frozenset[int]]
    recent: list[timedelta]
    consent_at: dict[int, datetime | None] = field(default_factory=dict)
    appointments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

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
        if entry.advisor_id is not None:
            return [entry.advisor_id]
        return [a for a, topics in self.topics_of.items() if entry.topic_id in topics]

    def customer_status(self, visit_id: int) -> dict[str, Any]:
        """``queue_status`` for one waiting customer."""
        entry = self._waiting_by_id.get(visit_id)
        if entry is None:
            return {}
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
        return {
            "type": "queue_status",
            "advisor_status": status,
            "place": ahead + 1,
            "estimated_wait_seconds": int(wait.total_seconds()),
        }

    def advisor_view(self, advisor_id: int) -> dict[str, Any]:
        """``waiting_room`` for one advisor: who waits for them, and their session."""
        queue = queue_for_advisor(self.waiting, advisor_id,
                                  self.topics_of.get(advisor_id, frozenset()))
        current = self.session_of(advisor_id)
        return {
            "type": "waiting_room",
            "waiting": [
                service.visit_view(self.visits[w.visit_id],
                                   self.consent_at.get(w.visit_id)).model_dump(mode="json")
                for w in queue
            ],
            "session": service.visit_view(current, self.consent_at.get(current.id))
            .model_dump(mode="json") if current else None,
            "appointments": self.appointments.get(advisor_id, []),
        }


async def take_snapshot(
    session: AsyncSession, settings: Settings, advisor_ids: Sequence[int] = ()
) -> RoomSnapshot:
    """The room as of now, with today's appointments of ``advisor_ids`` (those connected
    here)."""
    now = utcnow()
    visits = {v.id: v for v in await service.live_visits(session)}
    waiting = [service.waiting_entry(v) for v in visits.values()
               if v.state == VisitState.WAITING]
    pairs = (await session.execute(select(AdvisorTopic.advisor_id, AdvisorTopic.topic_id))).all()
    topics_of: dict[int, set[int]] = {}
    for advisor_id, topic_id in pairs:
        topics_of.setdefault(advisor_id, set()).add(topic_id)
    consent = await service.consent_times(session, list(visits))
    return RoomSnapshot(
        now=now,
        visits=visits,
        waiting=waiting,
        online=await service.online_advisors(session, settings, now),
        topics_of={a: frozenset(t) for a, t in topics_of.items()},
        recent=await service.recent_session_lengths(session),
        consent_at=consent,
        appointments=await appointments_today(session, settings, advisor_ids),
    )


async def appointments_today(
    session: AsyncSession, settings: Settings, advisor_ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """Each advisor's appointments of today (local time) with their live state."""
    if not advisor_ids:
        return {}
    zone = settings.zone
    today = utcnow().astimezone(zone).date()
    start = local_instant(today, datetime.min.time(), zone)
    end = local_instant(today + timedelta(days=1), datetime.min.time(), zone)
    rows: Sequence[Appointment] = (await session.scalars(
        select(Appointment).where(Appointment.advisor_id.in_(advisor_ids),
                                  Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.starts_at)
    )).unique().all()
    found: dict[int, list[dict[str, Any]]] = {advisor_id: [] for advisor_id in advisor_ids}
    for a in rows:
        found[a.advisor_id].append({
            "id": a.id, "starts_at": a.starts_at.isoformat(), "ends_at": a.ends_at.isoformat(),
            "state": a.state.value, "customer_name": a.customer.name,
        })
    return found
