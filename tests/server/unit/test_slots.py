from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.booking.slots import (
    Interval,
    WeeklyWindow,
    candidate_slots,
    free_slots,
    is_offered,
    local_instant,
)

BERLIN = ZoneInfo("Europe/Berlin")
SPRING_FORWARD = date(2026, 3, 29)  # Sunday: 02:00 CET → 03:00 CEST
FALL_BACK = date(2026, 10, 25)  # Sunday: 03:00 CEST → 02:00 CET
EVERY_DAY_9_TO_12 = [WeeklyWindow(d, time(9), time(12)) for d in range(7)]


def local(slot: Interval) -> str:
    return slot.start.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M %Z")


def test_slots_follow_the_weekly_windows_in_local_time() -> None:
    monday = date(2026, 11, 30)
    windows = [WeeklyWindow(0, time(9), time(10, 30)), WeeklyWindow(1, time(14), time(15))]
    slots = candidate_slots(windows, 30, monday, monday + timedelta(days=1), BERLIN)
    assert [local(s) for s in slots] == [
        "2026-11-30 09:00 CET", "2026-11-30 09:30 CET", "2026-11-30 10:00 CET",
        "2026-12-01 14:00 CET", "2026-12-01 14:30 CET",
    ]
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)


def test_a_slot_that_does_not_fit_the_window_is_not_offered() -> None:
    monday = date(2026, 11, 30)
    slots = candidate_slots([WeeklyWindow(0, time(9), time(9, 50))], 30, monday, monday, BERLIN)
    assert [local(s) for s in slots] == ["2026-11-30 09:00 CET"]


def test_spring_forward_day_keeps_wall_clock_times_and_slot_lengths() -> None:
    days = candidate_slots(EVERY_DAY_9_TO_12, 60, SPRING_FORWARD - timedelta(days=1),
                           SPRING_FORWARD + timedelta(days=1), BERLIN)
    assert [local(s) for s in days] == [
        "2026-03-28 09:00 CET", "2026-03-28 10:00 CET", "2026-03-28 11:00 CET",
        "2026-03-29 09:00 CEST", "2026-03-29 10:00 CEST", "2026-03-29 11:00 CEST",
        "2026-03-30 09:00 CEST", "2026-03-30 10:00 CEST", "2026-03-30 11:00 CEST",
    ]
    # 09:00 CEST is 07:00 UTC, one hour earlier in UTC than the day before.
    assert days[3].start == datetime(2026, 3, 29, 7, tzinfo=UTC)
    assert days[0].start == datetime(2026, 3, 28, 8, tzinfo=UTC)


def test_window_across_the_spring_gap_has_one_slot_less() -> None:
    night = [WeeklyWindow(6, time(1), time(4))]
    slots = candidate_slots(night, 60, SPRING_FORWARD, SPRING_FORWARD, BERLIN)
    assert [local(s) for s in slots] == ["2026-03-29 01:00 CET", "2026-03-29 03:00 CEST"]
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)


def test_window_across_the_autumn_repeat_has_one_slot_more() -> None:
    night = [WeeklyWindow(6, time(1), time(4))]
    slots = candidate_slots(night, 60, FALL_BACK, FALL_BACK, BERLIN)
    assert [local(s) for s in slots] == [
        "2026-10-25 01:00 CEST", "2026-10-25 02:00 CEST", "2026-10-25 02:00 CET",
        "2026-10-25 03:00 CET",
    ]
    starts = [s.start for s in slots]
    assert len(set(starts)) == 4, "the repeated 02:00 is two different instants"


def test_fall_back_day_keeps_office_hours() -> None:
    slots = candidate_slots(EVERY_DAY_9_TO_12, 60, FALL_BACK, FALL_BACK + timedelta(days=1),
                            BERLIN)
    assert [local(s) for s in slots][:3] == [
        "2026-10-25 09:00 CET", "2026-10-25 10:00 CET", "2026-10-25 11:00 CET",
    ]
    assert slots[0].start == datetime(2026, 10, 25, 8, tzinfo=UTC)


def test_a_nonexistent_local_time_moves_past_the_gap() -> None:
    assert local_instant(SPRING_FORWARD, time(2, 30), BERLIN).astimezone(BERLIN).hour == 3


def test_window_until_midnight() -> None:
    day = date(2026, 12, 1)
    slots = candidate_slots([WeeklyWindow(1, time(23), time(0))], 30, day, day, BERLIN)
    assert [local(s) for s in slots] == ["2026-12-01 23:00 CET", "2026-12-01 23:30 CET"]


def test_bookings_and_the_past_are_not_free() -> None:
    monday = date(2026, 11, 30)
    nine = local_instant(monday, time(9), BERLIN)
    booked = [Interval(nine + timedelta(hours=1), nine + timedelta(hours=1, minutes=30))]
    slots = free_slots(EVERY_DAY_9_TO_12, 30, booked, monday, monday, BERLIN,
                       not_before=nine + timedelta(minutes=30))
    assert [local(s) for s in slots] == [
        "2026-11-30 09:30 CET", "2026-11-30 10:30 CET", "2026-11-30 11:00 CET",
        "2026-11-30 11:30 CET",
    ]


def test_a_longer_booking_blocks_every_slot_it_overlaps() -> None:
    monday = date(2026, 11, 30)
    nine = local_instant(monday, time(9), BERLIN)
    booked = [Interval(nine + timedelta(minutes=15), nine + timedelta(minutes=75))]
    slots = free_slots(EVERY_DAY_9_TO_12, 30, booked, monday, monday, BERLIN, not_before=nine)
    assert [local(s)[11:16] for s in slots] == ["10:30", "11:00", "11:30"]


def test_is_offered_checks_the_grid() -> None:
    nine = local_instant(date(2026, 11, 30), time(9), BERLIN)
    assert is_offered(EVERY_DAY_9_TO_12, 30, nine + timedelta(minutes=30), BERLIN)
    assert not is_offered(EVERY_DAY_9_TO_12, 30, nine + timedelta(minutes=10), BERLIN)
    assert not is_offered(EVERY_DAY_9_TO_12, 30, nine + timedelta(hours=3), BERLIN)


def test_bad_windows_are_refused() -> None:
    with pytest.raises(ValueError, match="end after"):
        WeeklyWindow(0, time(10), time(9))
    with pytest.raises(ValueError, match="weekday"):
        WeeklyWindow(7, time(9), time(10))
