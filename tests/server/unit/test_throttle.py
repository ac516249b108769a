from datetime import UTC, datetime, timedelta

from server.accounts.throttle import Attempt, ThrottlePolicy, retry_after

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
POLICY = ThrottlePolicy(per_account_and_address=3, per_address=5, per_account=8,
                        window=timedelta(minutes=15))
HOME = "192.0.2.10"


def attempt(username: str = "anna", address: str = HOME, ago: float = 0) -> Attempt:
    return Attempt(username, address, NOW - timedelta(minutes=ago))


def test_a_few_failures_do_not_lock() -> None:
    assert retry_after([attempt(ago=1)] * 2, attempt(), POLICY) is None


def test_too_many_failures_lock_until_the_oldest_leaves_the_window() -> None:
    failures = [attempt(ago=10), attempt(ago=5), attempt()]
    assert retry_after(failures, attempt(), POLICY) == timedelta(minutes=5)


def test_old_failures_are_forgotten() -> None:
    assert retry_after([attempt(ago=20)] * 10, attempt(), POLICY) is None


def test_failures_from_one_address_do_not_lock_the_account_elsewhere() -> None:
    failures = [attempt(address="203.0.113.66", ago=1)] * 3
    assert retry_after(failures, attempt(address="203.0.113.66"), POLICY) is not None
    assert retry_after(failures, attempt(), POLICY) is None


def test_an_address_spraying_user_names_is_limited_across_accounts() -> None:
    failures = [attempt(username=f"guess-{n}", ago=1) for n in range(5)]
    assert retry_after(failures, attempt(username="guess-new"), POLICY) == timedelta(minutes=14)
    assert retry_after(failures, attempt(username="guess-new", address="198.51.100.7"),
                       POLICY) is None


def test_the_account_ceiling_counts_every_address() -> None:
    failures = [attempt(address=f"198.51.100.{n}", ago=2) for n in range(8)]
    assert retry_after(failures, attempt(), POLICY) == timedelta(minutes=13)
    assert retry_after(failures, attempt(username="ben"), POLICY) is None


def test_a_ceiling_of_zero_is_no_ceiling() -> None:
    failures = [attempt(address=f"198.51.100.{n}", ago=2) for n in range(50)]
    assert retry_after(failures, attempt(), ThrottlePolicy(per_account=0)) is None


def test_the_longest_wait_of_all_scopes_applies() -> None:
    failures = [attempt(ago=1), attempt(ago=2), attempt(ago=3)] + [
        attempt(username=f"guess-{n}", ago=10) for n in range(2)]
    # The account+address scope unlocks in 12 min; the address scope (5) in 5 min.
    assert retry_after(failures, attempt(), POLICY) == timedelta(minutes=12)


def test_a_parallel_attempt_stamped_a_moment_later_never_makes_the_wait_exceed_the_window(
) -> None:
    failures = [attempt(ago=-0.01)] * 3
    assert retry_after(failures, attempt(), POLICY) == POLICY.window
