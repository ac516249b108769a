"""Silent connections are closed; both sides get the configured STUN/TURN servers with
time-limited TURN credentials."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time

import httpx
import pytest

from tests.fixtures.live import Live
from tests.server.conftest import PASSWORD, Seeded

SECRET = "turn-shared-secret-for-tests"


@pytest.fixture
def live_env() -> dict[str, str]:
    return {
        "VB_HEARTBEAT_SECONDS": "1",
        "VB_STUN_URLS": '["stun:127.0.0.1:3478"]',
        "VB_TURN_URLS": '["turn:127.0.0.1:3478?transport=udp"]',
        "VB_TURN_SECRET": SECRET,
        "VB_TURN_TTL_SECONDS": "600",
    }


def _check_turn(entry: dict[str, object], who: str) -> None:
    username = str(entry["username"])
    expiry, name = username.split(":")
    assert name == who
    assert 500 < int(expiry) - time.time() <= 600
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), username.encode(), hashlib.sha1).digest()).decode()
    assert entry["credential"] == expected


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_both_sides_get_stun_and_turn_with_fresh_credentials(
    live: Live, seeded: Seeded
) -> None:
    customer = await live.connect("/ws/customer")
    await customer.send(type="hello", protocol=1, topic_id=seeded.topic_id)
    welcome = await customer.expect("welcome")
    stun, turn = welcome["ice_servers"]
    assert stun == {"urls": ["stun:127.0.0.1:3478"]}
    _check_turn(turn, "customer")

    _, advisor_welcome = await live.advisor("anna")
    _check_turn(advisor_welcome["ice_servers"][1], f"advisor-{seeded.advisor_id}")
    headers = {"Authorization": f"Bearer {await live.token_for('anna', PASSWORD)}"}
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        listed = (await http.get("/api/v1/ice-servers", headers=headers)).json()
        assert (await http.get("/api/v1/ice-servers")).status_code == 401
    _check_turn(listed[1], f"advisor-{seeded.advisor_id}")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_silent_connection_is_closed_and_a_pinging_one_kept(
    live: Live, seeded: Seeded
) -> None:
    silent, _ = await live.customer(topic_id=seeded.topic_id)
    chatty, _ = await live.customer(topic_id=seeded.topic_id, name="Pingt")
    # The heartbeat is 1 s: after three silent seconds a connection is closed. The chatty
    # customer pings twice a second until then.
    deadline = time.monotonic() + 10
    while not silent.closed.is_set():
        assert time.monotonic() < deadline, "the silent connection is still open after 10 s"
        await chatty.send(type="ping")
        await asyncio.sleep(0.5)
    assert silent.connection.close_code == 1001
    await chatty.send(type="ping")
    await chatty.expect("pong")
    assert not chatty.closed.is_set()
