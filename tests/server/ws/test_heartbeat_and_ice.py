"""Silent connections are closed; both sides get the configured STUN/TURN servers with
time-limited TURN credentials."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
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
async def test_the_advisor_gets_stun_and_turn_with_fresh_credentials(
    live: Live, seeded: Seeded
) -> None:
    _, advisor_welcome = await live.advisor("anna")
    stun, turn = advisor_welcome["ice_servers"]
    assert stun == {"urls": ["stun:127.0.0.1:3478"]}
    _check_turn(turn, f"advisor-{seeded.advisor_id}")
    headers = {"Authorization": f"Bearer {await live.token_for('anna', PASSWORD)}"}
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        listed = (await http.get("/api/v1/ice-servers", headers=headers)).json()
        assert (await http.get("/api/v1/ice-servers")).status_code == 401
    _check_turn(listed[1], f"advisor-{seeded.advisor_id}")


def _credentials_in(messages: list[dict[str, object]]) -> bool:
    return "credential" in json.dumps(messages)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_customer_gets_turn_credentials_only_when_a_video_session_starts(
    live: Live, seeded: Seeded
) -> None:
    anonymous = await live.connect("/ws/customer")
    await anonymous.send(type="hello", protocol=1, topic_id=seeded.topic_id)
    welcome = await anonymous.expect("welcome", step="sign_in")
    assert "ice_servers" not in welcome

    customer, signed_in = await live.customer(topic_id=seeded.topic_id)
    visit_id = signed_in["visit"]["id"]
    await customer.expect("queue_status")
    advisor, _ = await live.advisor("anna")
    await advisor.send(type="accept", visit_id=visit_id)
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode="text")
    await customer.expect("session_started")
    await customer.nothing_of("media_config", within=0.5)
    assert not _credentials_in(anonymous.received + customer.received)

    # Switching to picture and sound: the relay comes first, then the session.
    await customer.send(type="choose_connection", mode="video", see_advisor=True, show_me=True)
    config = await customer.expect("media_config")
    started = await customer.expect("session_started")
    assert started["visit"]["mode"] == "video"
    stun, turn = config["ice_servers"]
    assert stun == {"urls": ["stun:127.0.0.1:3478"]}
    _check_turn(turn, f"visit-{visit_id}")
    assert config["ice_transport_policy"] == "all"

    # A reload resumes the video session: fresh credentials before the welcome.
    token = signed_in["visit_token"]
    await customer.close()
    again = await live.connect("/ws/customer")
    await again.send(type="hello", protocol=1, visit_token=token)
    await again.expect("welcome", step="visit")
    assert [m["type"] for m in again.received[:2]] == ["media_config", "welcome"]
    _check_turn(again.received[0]["ice_servers"][1], f"visit-{visit_id}")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_resumed_visit_without_video_gets_no_turn_credentials(
    live: Live, seeded: Seeded
) -> None:
    customer, signed_in = await live.customer(topic_id=seeded.topic_id)
    await customer.close()
    again = await live.connect("/ws/customer")
    await again.send(type="hello", protocol=1, visit_token=signed_in["visit_token"])
    await again.expect("welcome", step="visit")
    await again.nothing_of("media_config", within=0.5)
    assert not _credentials_in(customer.received + again.received)


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


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_line_test_gets_turn_alone_for_two_minutes_and_never_anonymously(
    live: Live, seeded: Seeded
) -> None:
    anonymous = await live.connect("/ws/customer")
    await anonymous.send(type="hello", protocol=1, topic_id=seeded.topic_id)
    await anonymous.expect("welcome", step="sign_in")
    await anonymous.send(type="line_check")
    await anonymous.expect("error", code="wrong_step")
    assert not _credentials_in(anonymous.received)

    customer, signed_in = await live.customer(topic_id=seeded.topic_id)
    await customer.close()
    again = await live.connect("/ws/customer")
    await again.send(type="hello", protocol=1, visit_token=signed_in["visit_token"])
    await again.expect("welcome", step="visit")
    await again.send(type="line_check")
    (turn,) = (await again.expect("line_check_servers"))["ice_servers"]
    assert turn["urls"] == ["turn:127.0.0.1:3478?transport=udp"]
    expiry, who = str(turn["username"]).split(":")
    assert who == f"check-visit-{signed_in['visit']['id']}"
    assert 60 < int(expiry) - time.time() <= 120
