"""Crash under load, nothing lost: the scaled-out service (the shipped nginx site, two
instances, PostgreSQL, Redis) carries 40 waiting customers, 5 text sessions chatting
continuously and a stream of left messages when one piece fails. Every customer is back
in place (p99 under 5 s), and nothing anybody had acknowledged is lost or doubled.

The same scenario at full size (200 waiting, 20 sessions) is bench/reliability.py,
which writes docs/reliability.md.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.conftest import require
from tests.fixtures.crowd import Outcome, survive
from tests.fixtures.nginx import nginx_binary
from tests.fixtures.postgres import postgres_bin_dir
from tests.fixtures.redis import redis_server_binary
from tests.fixtures.stack import Stack, running_stack

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]

WAITING = 40
SESSIONS = 5


@pytest.fixture
def stack() -> Iterator[Stack]:
    for binary in (nginx_binary, redis_server_binary, postgres_bin_dir):
        require(binary)
    # Not under pytest's tmp_path: that is private to root, and PostgreSQL runs as the
    # postgres user.
    folder = Path(tempfile.mkdtemp(prefix="vb-crowd-"))
    folder.chmod(0o755)
    try:
        with running_stack(folder, advisors=SESSIONS,
                           clients=WAITING + 2 * SESSIONS + 10) as stack:
            yield stack
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _survives(stack: Stack, failure: str) -> Outcome:
    outcome = await survive(stack, failure, waiting=WAITING, sessions=SESSIONS)
    assert not outcome.problems(), outcome
    # Whatever the clients were told meanwhile was a clear "retry" (or nothing).
    assert set(outcome.errors) <= {"internal"}, outcome.errors
    return outcome


async def test_a_killed_instance_loses_no_customer_and_no_line(stack: Stack) -> None:
    outcome = await _survives(stack, "instance killed (SIGKILL)")
    assert outcome.back_in_place, "nobody was on the killed instance"


async def test_a_redis_restart_loses_no_customer_and_no_line(stack: Stack) -> None:
    outcome = await _survives(stack, "Redis restarted")
    # The instances resync their clients in place: nobody is sent away to reconnect.
    assert outcome.closes == 0, outcome


async def test_a_postgres_restart_gives_clear_errors_then_recovers(stack: Stack) -> None:
    outcome = await _survives(stack, "PostgreSQL restarted")
    assert outcome.errors.get("internal"), "nobody was told the database was away"
    # While the database was away every instance said so, quickly, and nothing hung.
    down = outcome.outage["healthz while down"]
    assert set(down) == {"503"}, down
    assert outcome.outage["slowest healthz while down (s)"] < 5
    assert outcome.outage["healthz after"] == [200, 200]
