"""When repeated failed sign-ins lock an account for a while. Pure rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


def retry_after(
    failures: Sequence[datetime], now: datetime, policy: ThrottlePolicy
) -> timedelta | None:
    """How long the user must wait before the next attempt, or None if they may try now.

    After ``max_failures`` failures inside the window the account is locked until the
    oldest of those failures leaves the window, so a steady attacker gets
    ``max_failures`` guesses per window and no more.
    """
    recent = sorted(at for at in failures if now - at < policy.window)
    if len(recent) < policy.max_failures:
        return None
    unlock_at = recent[-policy.max_failures] + policy.window
    return max(unlock_at - now, timedelta(seconds=1))
