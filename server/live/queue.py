"""Who is next, what place a customer has, and how long they will probably wait. Pure.

An advisor serves, in this order: customers of their own appointments (earliest
appointment first), then walk-ins of their topics (longest waiting first). A walk-in's
place counts every walk-in of the same topic ahead of them.
"""

from __future__ import annotations

import heapq
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_SESSION_LENGTH = timedelta(minutes=20)
MIN_REMAINING = timedelta(minutes=1)


@dataclass(frozen=True)
class WaitingVisit:
    visit_id: int
    advisor_id: int | None  # set for appointment customers
    topic_id: int | None
    appointment_start: datetime | None
    waiting_since: datetime


def _order_key(visit: WaitingVisit) -> tuple[int, datetime, datetime, int]:
    if visit.appointment_start is not None:
        return (0, visit.appointment_start, visit.waiting_since, visit.visit_id)
    return (1, visit.waiting_since, visit.waiting_since, visit.visit_id)


def queue_for_advisor(
    waiting: Sequence[WaitingVisit], advisor_id: int, topic_ids: frozenset[int]
) -> list[WaitingVisit]:
    """Everyone this advisor may accept, in the order they should be served."""
    mine = [v for v in waiting if serves(advisor_id, topic_ids, v.advisor_id, v.topic_id)]
    return sorted(mine, key=_order_key)


def serves(advisor_id: int, advisor_topics: frozenset[int], owner_id: int | None,
           topic_id: int | None) -> bool:
    """An advisor serves their own customers (``owner_id``) and nobody's of their topics."""
    return owner_id == advisor_id or (owner_id is None and topic_id in advisor_topics)


LineKey = tuple[str, int | None]


def line_key(visit: WaitingVisit) -> LineKey:
    """The line a visit queues in: its advisor's (an appointment) or its topic's."""
    if visit.advisor_id is not None:
        return ("advisor", visit.advisor_id)
    return ("topic", visit.topic_id)


def ahead_counts(waiting: Sequence[WaitingVisit]) -> dict[int, int]:
    """For every waiting visit, how many will be served before it: appointment customers
    queue per advisor, walk-ins per topic. One sort for the whole room."""
    lines: dict[LineKey, list[WaitingVisit]] = {}
    for visit in waiting:
        lines.setdefault(line_key(visit), []).append(visit)
    counts: dict[int, int] = {}
    for line in lines.values():
        for place, visit in enumerate(sorted(line, key=_order_key)):
            counts[visit.visit_id] = place
    return counts


def ahead_of(visit: WaitingVisit, waiting: Sequence[WaitingVisit]) -> int:
    """How many waiting customers will be served before ``visit``."""
    return ahead_counts(waiting)[visit.visit_id]


def typical_session_length(recent: Sequence[timedelta]) -> timedelta:
    """The median of recent session lengths (a robust guess), or 20 minutes without any."""
    if not recent:
        return DEFAULT_SESSION_LENGTH
    return timedelta(seconds=statistics.median(d.total_seconds() for d in recent))


def estimate_wait(
    ahead: int,
    recent_sessions: Sequence[timedelta],
    *,
    advisors: int = 1,
    busy_for: Sequence[timedelta] = (),
) -> timedelta:
    """Estimated wait for a customer with ``ahead`` people before them.

    ``advisors`` serve the queue in parallel; ``busy_for`` are how long the advisors'
    current sessions have run (each is assumed to last a typical session, at least one
    more minute). No advisor free and nobody ahead still means waiting for the first
    current session to end.
    """
    return estimate_waits(ahead + 1, recent_sessions, advisors=advisors,
                          busy_for=busy_for)[ahead]


def estimate_waits(
    count: int,
    recent_sessions: Sequence[timedelta],
    *,
    advisors: int = 1,
    busy_for: Sequence[timedelta] = (),
) -> list[timedelta]:
    """:func:`estimate_wait` for 0, 1, … ``count - 1`` people ahead, in one pass.

    A whole queue line shares its advisors, so the room computes every place's wait
    at once instead of replaying the line for each customer (quadratic in its length).
    """
    typical = typical_session_length(recent_sessions)
    # When each advisor is next free; every customer takes the earliest free advisor.
    free_at = [max(typical - elapsed, MIN_REMAINING) for elapsed in busy_for]
    free_at += [timedelta(0)] * max(max(advisors, 1) - len(free_at), 0)
    heapq.heapify(free_at)
    waits = []
    for _ in range(count):
        waits.append(free_at[0])
        heapq.heappush(free_at, heapq.heappop(free_at) + typical)
    return waits
