"""The per-address limit rules, without a server."""

from __future__ import annotations

import pytest

from server.core.config import load_settings
from server.core.errors import Throttled
from server.live.ratelimit import AddressLimits, PublicLimit, Rate, SlidingWindow, rates_from


def test_at_most_count_in_any_window_then_the_wait_until_the_oldest_leaves() -> None:
    window = SlidingWindow(Rate(count=3, seconds=60))
    assert [window.hit("a", t) for t in (0, 10, 20)] == [None, None, None]
    assert window.hit("a", 30) == 30  # the hit at 0 leaves the window at 60
    assert window.hit("a", 59.5) == pytest.approx(0.5)
    assert window.hit("a", 60) is None
    assert window.hit("a", 61) == 9  # now the hit at 10 is the oldest


def test_refused_attempts_do_not_extend_the_wait() -> None:
    window = SlidingWindow(Rate(count=1, seconds=60))
    assert window.hit("a", 0) is None
    for t in range(1, 60):
        assert window.hit("a", t) == 60 - t
    assert window.hit("a", 60) is None


def test_another_address_is_unaffected() -> None:
    window = SlidingWindow(Rate(count=1, seconds=3600))
    assert window.hit("203.0.113.7", 0) is None
    assert window.hit("203.0.113.7", 1) is not None
    assert window.hit("198.51.100.23", 1) is None


def test_quiet_addresses_are_forgotten() -> None:
    window = SlidingWindow(Rate(count=2, seconds=60))
    for n in range(1000):
        window.hit(f"10.0.{n // 256}.{n % 256}", 0)
    assert len(window) == 1000
    window.hit("192.0.2.1", 61)
    assert len(window) == 1


def test_limits_raise_throttled_with_retry_after_per_kind() -> None:
    limits = AddressLimits(rates_from(load_settings()))
    for _ in range(5):
        limits.check(PublicLimit.BOOKING, "203.0.113.7", 100.0)
    with pytest.raises(Throttled) as refused:
        limits.check(PublicLimit.BOOKING, "203.0.113.7", 160.0)
    assert refused.value.retry_after_seconds == 3540
    assert "bookings" in refused.value.message and "59 minutes" in refused.value.message
    limits.check(PublicLimit.LEFT_MESSAGE, "203.0.113.7", 160.0)  # counted apart


def test_the_defaults_a_bank_can_defend() -> None:
    assert rates_from(load_settings()) == {
        PublicLimit.BOOKING: Rate(5, 3600), PublicLimit.LEFT_MESSAGE: Rate(5, 3600),
        PublicLimit.WALK_IN: Rate(10, 3600), PublicLimit.CHANGE: Rate(10, 3600),
        PublicLimit.PUBLIC: Rate(120, 60), PublicLimit.LINE_CHECK: Rate(10, 3600)}
