"""Free appointment slots: weekly availability minus bookings. Pure functions.

Availability is given in local wall-clock time of one time zone. Each day's window is
turned into two real instants (start and end), and slots are cut between them in real
time. That keeps every slot exactly ``slot_minutes`` long across a DST change: the
spring-forward day simply has fewer slots inside a window spanning 02:00, the
fall-back day more, and the next day starts at the same wall-clock time again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class WeeklyWindow:
    """Available from ``start`` to ``end`` (local time) on ``weekday`` (0 = Monday).

    ``end`` of 00:00 means midnight at the end of the day.
    """

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) … 6 (Sunday)")
        if self.end != time(0) and self.end <= self.start:
            raise ValueError("a window must end after it starts")


@dataclass(frozen=True, order=True)
class Interval:
    """A half-open stretch of real time [start, end), aware datetimes."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


def local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The real instant of a wall-clock time on ``day`` in ``zone``, as UTC.

    A time that does not exist (skipped by spring-forward) moves forward past the gap;
    an ambiguous one (repeated by fall-back) takes its first occurrence.
    """
    # zoneinfo reads a skipped time with the offset from before the gap, which lands
    # after the gap; fold=0 picks the first of two repeated times.
    return datetime.combine(day, wall, tzinfo=zone).replace(fold=0).astimezone(UTC)


def local_days(first: date, days: int, zone: ZoneInfo) -> Interval:
    """From the start of local day ``first`` to the start of the day ``days`` later."""
    return Interval(local_instant(first, time(0), zone),
                    local_instant(first + timedelta(days=days), time(0), zone))


def window_interval(day: date, window: WeeklyWindow, zone: ZoneInfo) -> Interval:
    start = local_instant(day, window.start, zone)
    if window.end == time(0):
        end = local_instant(day + timedelta(days=1), time(0), zone)
    else:
        end = local_instant(day, window.end, zone)
    return Interval(start, end)


def slots_in(interval: Interval, length: timedelta) -> Iterator[Interval]:
    start = interval.start
    while start + length <= interval.end:
        yield Interval(start, start + length)
        start += length


def candidate_slots(
    windows: Iterable[WeeklyWindow],
    slot_minutes: int,
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
) -> list[Interval]:
    """Every slot the weekly windows offer on the days ``first_day`` … ``last_day``."""
    if slot_minutes <= 0:
        raise ValueError("slot_minutes must be positive")
    length = timedelta(minutes=slot_minutes)
    by_weekday: dict[int, list[WeeklyWindow]] = {}
    for window in windows:
        by_weekday.setdefault(window.weekday, []).append(window)
    slots: set[Interval] = set()
    day = first_day
    while day <= last_day:
        for window in by_weekday.get(day.weekday(), []):
            slots.update(slots_in(window_interval(day, window, zone), length))
        day += timedelta(days=1)
    return sorted(slots)


def free_slots(
    windows: Iterable[WeeklyWindow],
    slot_minutes: int,
    busy: Sequence[Interval],
    first_day: date,
    last_day: date,
    zone: ZoneInfo,
    not_before: datetime,
) -> list[Interval]:
    """Slots from the weekly windows that start at or after ``not_before`` and overlap
    no busy interval (existing bookings)."""
    busy_sorted = sorted(busy)
    return [
        slot
        for slot in candidate_slots(windows, slot_minutes, first_day, last_day, zone)
        if slot.start >= not_before and not any(slot.overlaps(b) for b in busy_sorted)
    ]


def is_offered(
    windows: Iterable[WeeklyWindow], slot_minutes: int, start: datetime, zone: ZoneInfo
) -> bool:
    """Whether ``start`` is the start of a slot of these windows (ignoring bookings)."""
    local_day = start.astimezone(zone).date()
    # A window may run past midnight only up to 24:00, so the day before cannot hold it.
    candidates = candidate_slots(windows, slot_minutes, local_day, local_day, zone)
    return any(slot.start == start for slot in candidates)
