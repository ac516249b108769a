"""Token buckets for message rates per connection, open connections per address, and
sliding windows for what one address may do per hour or minute. Pure."""

from __future__ import annotations

import enum
import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from server.core.config import Settings
from server.core.errors import Throttled


@dataclass
class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def allow(self, now: float, cost: float = 1.0) -> bool:
        if self.updated is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= cost:
            self.tokens -= cost
            return True
        return False


class ConnectionCounter:
    """Open connections per address, to cap what one address can hold open."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[str, int] = {}

    def acquire(self, address: str) -> bool:
        if self._open.get(address, 0) >= self.limit:
            return False
        self._open[address] = self._open.get(address, 0) + 1
        return True

    def release(self, address: str) -> None:
        left = self._open.get(address, 0) - 1
        if left > 0:
            self._open[address] = left
        else:
            self._open.pop(address, None)


# Per-address limits on what anonymous visitors may do ------------------------------


class PublicLimit(enum.StrEnum):
    """What one client address may do at most so often, without an account."""

    BOOKING = "booking"  # POST /api/v1/public/bookings: a mail to any address, a slot gone
    LEFT_MESSAGE = "left_message"  # lands in the advisors' inbox
    WALK_IN = "walk_in"  # a sign-in without an appointment: a place in the waiting room
    CHANGE = "change"  # cancel or reschedule by manage link: mails, slots freed and taken
    PUBLIC = "public"  # every public page, public REST call and customer hello
    LINE_CHECK = "line_check"  # short-lived TURN credentials: relay traffic for a test


EXCEEDED = {
    PublicLimit.BOOKING: "too many bookings from your address",
    PublicLimit.LEFT_MESSAGE: "too many messages from your address",
    PublicLimit.WALK_IN: "too many sign-ins without an appointment from your address",
    PublicLimit.CHANGE: "too many changes to appointments from your address",
    PublicLimit.PUBLIC: "too many requests from your address",
    PublicLimit.LINE_CHECK: "too many line tests from your address",
}


@dataclass(frozen=True)
class Rate:
    """At most ``count`` in any ``seconds``."""

    count: int
    seconds: float


def rates_from(settings: Settings) -> dict[PublicLimit, Rate]:
    hour, minute = 3600.0, 60.0
    return {
        PublicLimit.BOOKING: Rate(settings.limit_bookings_per_hour, hour),
        PublicLimit.LEFT_MESSAGE: Rate(settings.limit_messages_per_hour, hour),
        PublicLimit.WALK_IN: Rate(settings.limit_walk_ins_per_hour, hour),
        PublicLimit.CHANGE: Rate(settings.limit_changes_per_hour, hour),
        PublicLimit.PUBLIC: Rate(settings.limit_public_per_minute, minute),
        PublicLimit.LINE_CHECK: Rate(settings.limit_line_checks_per_hour, hour),
    }


class SlidingWindow:
    """The times of each key's recent hits; a hit that would exceed the rate is refused
    (and not recorded), so a client that keeps trying is not locked out for longer."""

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self._hits: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

    def __len__(self) -> int:
        """How many keys are remembered."""
        return len(self._hits)

    def hit(self, key: str, now: float) -> float | None:
        """Record a hit; None if allowed, else the seconds until the next one would be."""
        self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.rate.seconds:
            hits.popleft()
        if len(hits) >= self.rate.count:
            return hits[0] + self.rate.seconds - now
        hits.append(now)
        return None

    def _sweep(self, now: float) -> None:
        """Forget addresses that were quiet for a whole window (memory stays bounded by
        the addresses of one window)."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.rate.seconds
        quiet = [key for key, hits in self._hits.items()
                 if not hits or hits[-1] <= now - self.rate.seconds]
        for key in quiet:
            del self._hits[key]


class AddressLimits:
    """One instance's per-address limits (each instance counts alone)."""

    def __init__(self, rates: Mapping[PublicLimit, Rate]) -> None:
        self._windows = {limit: SlidingWindow(rate) for limit, rate in rates.items()}

    def check(self, limit: PublicLimit, address: str, now: float) -> None:
        """Count one more ``limit`` for ``address``, or raise :class:`Throttled`."""
        wait = self._windows[limit].hit(address, now)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            later = f"{math.ceil(seconds / 60)} minutes" if seconds > 90 else f"{seconds} s"
            raise Throttled(f"{EXCEEDED[limit]}; please try again in {later}", seconds)
