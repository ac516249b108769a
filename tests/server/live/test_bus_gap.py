"""Redis restarts under two instances: the events lost in the gap are made good from the
database. A text session carries on without anybody reconnecting; a video session, whose
signalling may be lost, is sent away to resume at once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.live import Live, LiveClient, two_instances_on
from tests.fixtures.redis import RedisServer
from tests.fixtures.server import ServerProcess
from tests.server.conftest import Seeded

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


@pytest.fixture
async def two_instances(
    db: Any, seeded: Seeded, database_url: str, restartable_redis: RedisServer, tmp_path: Path
) -> Any:
    async with two_instances_on(db, database_url, restartable_redis.url, tmp_path) as both:
        yield both


async def _session(live: Live, a: ServerProcess, b: ServerProcess,
                   mode: str) -> tuple[LiveClient, LiveClient, int]:
    """A customer on instance a and the advisor on b, in a session of ``mode``."""
    customer, signed_in = await live.customer(await live.appointment_now(), server=a)
    visit_id = signed_in["visit"]["id"]
    advisor, _ = await live.advisor("anna", server=b)
    await advisor.send(type="accept", visit_id=visit_id)
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode=mode)
    await advisor.expect("session_started")
    await customer.expect("session_started")
    return customer, advisor, visit_id


async def _restart(redis: RedisServer) -> None:
    await asyncio.to_thread(redis.stop)
    await asyncio.sleep(0.5)
    await asyncio.to_thread(redis.start)


async def test_a_line_stored_while_redis_is_away_arrives_without_a_reconnect(
    two_instances: Any, restartable_redis: RedisServer
) -> None:
    live, (a, b) = two_instances
    customer, advisor, visit_id = await _session(live, a, b, "text")
    await asyncio.to_thread(restartable_redis.stop)
    # Stored, but it cannot be published: the advisor is told to retry.
    await advisor.send(type="chat", visit_id=visit_id, text="Noch da?", client_id="1")
    assert (await advisor.expect("error"))["code"] == "internal"
    await asyncio.to_thread(restartable_redis.start)

    line = (await customer.expect("chat_message", timeout=15))["line"]
    assert line["text"] == "Noch da?"
    assert (await advisor.expect("chat_message"))["line"]["id"] == line["id"]  # its echo
    await customer.send(type="chat", text="Ja", client_id="1")
    assert (await advisor.expect("chat_message"))["line"]["text"] == "Ja"
    assert not customer.closed.is_set() and not advisor.closed.is_set()


async def test_a_video_session_is_sent_to_resume_after_a_gap(
    two_instances: Any, restartable_redis: RedisServer
) -> None:
    live, (a, b) = two_instances
    customer, advisor, _ = await _session(live, a, b, "video")
    await _restart(restartable_redis)
    # Neither client says anything: the server closes both once it has noticed the gap.
    for client in (customer, advisor):
        await asyncio.wait_for(client.closed.wait(), timeout=15)
        assert client.connection.close_code == 1013
