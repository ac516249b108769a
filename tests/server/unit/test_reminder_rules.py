from datetime import UTC, datetime, timedelta

from server.mail.compose import MailKind
from server.workflows.reminders import due_reminder

START = datetime(2026, 12, 10, 10, tzinfo=UTC)
BOOKED_EARLY = START - timedelta(days=7)


def test_nothing_is_due_more_than_a_day_ahead() -> None:
    assert due_reminder(START, BOOKED_EARLY, START - timedelta(hours=25)) is None


def test_the_day_before_reminder() -> None:
    assert due_reminder(START, BOOKED_EARLY, START - timedelta(hours=23)) == MailKind.REMINDER_24H


def test_the_hour_before_reminder_replaces_a_missed_day_before() -> None:
    assert due_reminder(START, BOOKED_EARLY, START - timedelta(minutes=50)) == MailKind.REMINDER_1H


def test_no_reminder_for_a_time_agreed_after_its_moment() -> None:
    booked_late = START - timedelta(hours=3)
    assert due_reminder(START, booked_late, START - timedelta(hours=2)) is None
    assert due_reminder(START, booked_late, START - timedelta(minutes=30)) == MailKind.REMINDER_1H
    just_now = START - timedelta(minutes=20)
    assert due_reminder(START, just_now, START - timedelta(minutes=10)) is None


def test_nothing_after_the_start() -> None:
    assert due_reminder(START, BOOKED_EARLY, START + timedelta(minutes=1)) is None
