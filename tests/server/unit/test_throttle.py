from datetime import UTC, datetime, timedelta

from server.accounts.throttle import ThrottlePolicy, retry_after

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
POLICY = ThrottlePolicy(max_failures=3, window=timedelta(minutes=15))


def test_a_few_failures_do_not_lock() -> None:
    assert retry_after([NOW - timedelta(minutes=1)] * 2, NOW, POLICY) is None


def test_too_many_failures_lock_until_the_oldest_leaves_the_window() -> None:
    failures = [NOW - timedelta(minutes=10), NOW - timedelta(minutes=5), NOW]
    assert retry_after(failures, NOW, POLICY) == timedelta(minutes=5)


def test_old_failures_are_forgotten() -> None:
    failures = [NOW - timedelta(minutes=20)] * 10
    assert retry_after(failures, NOW, POLICY) is None
