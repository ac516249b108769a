"""When repeated failed sign-ins make the next attempt wait. Pure rules.

Failures are counted in three scopes, each over the same sliding window:

- one account from one address (``per_account_and_address``): guessing one advisor's
  password. Failures from one address never lock the advisor out at another address.
- one address across all accounts (``per_address``): spraying guessed user names.
- one account from every address (``per_account``, 0 for none): a ceiling on what a
  distributed attacker may try against one advisor. It is the one limit an attacker can
  use to lock an advisor out (from at least ``per_account / per_account_and_address``
  addresses), so it is set well above the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    per_account_and_address: int = 5
    per_address: int = 20
    per_account: int = 100
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt that counts as failed unless it succeeded."""

    username: str
    address: str
    at: datetime


def retry_after(
    earlier: Sequence[Attempt], attempt: Attempt, policy: ThrottlePolicy
) -> timedelta | None:
    """How long ``attempt`` must wait, or None if its password may be checked now.

    ``earlier`` are the other failed (or still undecided) attempts on record. In each
    scope, once ``limit`` of them fall inside the window, the next attempt waits until
    the oldest of those leaves it, so a steady attacker gets ``limit`` guesses per window
    and no more.
    """
    scopes: list[tuple[int, Callable[[Attempt], bool]]] = [
        (policy.per_account_and_address,
         lambda a: a.username == attempt.username and a.address == attempt.address),
        (policy.per_address, lambda a: a.address == attempt.address),
        (policy.per_account, lambda a: a.username == attempt.username),
    ]
    waits = [
        wait for limit, matches in scopes if limit > 0
        if (wait := _wait([a.at for a in earlier if matches(a)], attempt.at, limit,
                          policy.window)) is not None
    ]
    return max(waits, default=None)


def _wait(failures: Sequence[datetime], now: datetime, limit: int,
          window: timedelta) -> timedelta | None:
    recent = sorted(at for at in failures if now - at < window)
    if len(recent) < limit:
        return None
    unlock_at = recent[-limit] + window
    # A parallel attempt may carry a timestamp a moment after ``now``: never more than
    # one window.
    return min(max(unlock_at - now, timedelta(seconds=1)), window)
