"""Reloads, network drops, the grace period, restarts, bad input and foreign visits."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from server.db.models import Visit, VisitState
from server.live.visits import VISIT_TOKEN_AFTER_END
from tests.fixtures.live import Live, LiveClient
from tests.fixtures.waiting import eventually
from tests.server.conftest import Seeded


async def _state(live: Live, visit_id: int) -> VisitState:
    async with live.db.session() as session:
        visit = await session.get(Visit, visit_id)
    assert visit is not None
    return visit.state


async def _resume(live: Live, token: str) -> tuple[LiveClient, dict[str, object]]:
    client = await live.connect("/ws/customer")
    await client.send(type="hello", protocol=1, visit_token=token)
    return client, await client.expect("welcome", step="visit")


async def test_a_reload_while_waiting_keeps_the_place(live: Live, seeded: Seeded) -> None:
    first, first_in = await live.customer(await live.appointment_now())
    second, _ = await live.customer(await live.appointment_now(minutes=30), name="Zwei")
    assert (await second.expect("queue_status"))["place"] == 2
    advisor, _ = await live.advisor("anna")
    room = await advisor.expect("waiting_room")
    assert [v["customer_name"] for v in room["waiting"]] == ["Erika Mustermann", "Zwei"]

    await first.close()  # the browser reloads
    room = await advisor.expect("waiting_room")
    assert room["waiting"][0]["disconnected"] is True
    again, welcome = await _resume(live, first_in["visit_token"])
    assert welcome["visit"]["id"] == first_in["visit"]["id"]  # type: ignore[index]
    assert (await again.expect("queue_status"))["place"] == 1
    assert (await second.expect("queue_status"))["place"] == 2
    room = await advisor.expect("waiting_room")
    assert [v["disconnected"] for v in room["waiting"]] == [False, False]


async def test_a_visit_token_stops_working_a_while_after_the_end(
    live: Live, seeded: Seeded
) -> None:
    customer, signed_in = await live.customer(await live.appointment_now())
    await customer.send(type="give_up")
    await customer.expect("ended")
    await customer.close()
    token, visit_id = signed_in["visit_token"], signed_in["visit"]["id"]
    again, _ = await _resume(live, token)  # soon after the end: to rate, to reload
    await again.close()

    async with live.db.session() as session:
        visit = await session.get(Visit, visit_id)
        assert visit is not None and visit.ended_at is not None
        visit.ended_at -= VISIT_TOKEN_AFTER_END + timedelta(seconds=1)
        await session.commit()
    late = await live.connect("/ws/customer")
    await late.send(type="hello", protocol=1, visit_token=token)
    refused = await late.expect("error")
    assert refused["code"] == "gone"
    assert "Erika" not in str(late.received)  # no name, phone or chat for a stale token
    await late.closed.wait()


async def test_chat_history_is_replayed_after_a_network_drop(live: Live, seeded: Seeded) -> None:
    customer, signed_in = await live.customer(await live.appointment_now())
    visit_id = signed_in["visit"]["id"]
    advisor, _ = await live.advisor("anna")
    await advisor.send(type="accept", visit_id=visit_id)
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode="text")
    await advisor.expect("session_started")
    await customer.send(type="chat", text="Guten Tag", client_id="1")
    await advisor.expect("chat_message")
    await advisor.send(type="chat", visit_id=visit_id, text="Hallo!", client_id="1")
    await advisor.expect("chat_message")  # the echo of its own line
    await customer.expect("chat_message")  # its own line's echo
    await customer.expect("chat_message")

    await customer.close()
    await advisor.send(type="chat", visit_id=visit_id, text="Sind Sie noch da?", client_id="2")
    await advisor.expect("chat_message")
    again, welcome = await _resume(live, signed_in["visit_token"])
    history = welcome["chat_history"]
    assert [line["text"] for line in history] == [  # type: ignore[union-attr]
        "Guten Tag", "Hallo!", "Sind Sie noch da?"]
    assert welcome["visit"]["state"] == "active"  # type: ignore[index]
    await again.send(type="chat", text="Ja!", client_id="2")
    assert (await advisor.expect("chat_message"))["line"]["text"] == "Ja!"


@pytest.fixture
def live_env() -> dict[str, str]:
    return {"VB_GRACE_SECONDS": "1", "VB_HEARTBEAT_SECONDS": "15"}


async def test_a_customer_gone_longer_than_the_grace_period_is_abandoned(
    live: Live, seeded: Seeded
) -> None:
    customer, signed_in = await live.customer(await live.appointment_now())
    visit_id = signed_in["visit"]["id"]
    advisor, _ = await live.advisor("anna")
    assert len((await advisor.expect("waiting_room"))["waiting"]) == 1
    await customer.close()
    room = await advisor.expect("waiting_room", timeout=10, waiting=[])
    assert room["waiting"] == []
    assert await _state(live, visit_id) == VisitState.ABANDONED
    _, welcome = await _resume(live, signed_in["visit_token"])
    assert welcome["visit"]["state"] == "abandoned"  # type: ignore[index]


async def test_a_server_restart_loses_no_visit_chat_or_message(
    live: Live, seeded: Seeded
) -> None:
    customer, signed_in = await live.customer(await live.appointment_now())
    visit_id = signed_in["visit"]["id"]
    _, waiting_in = await live.customer(await live.appointment_now(minutes=30),
                                              name="Wartend")
    token = await live.token_for("anna", "correct horse battery")
    advisor, _ = await live.advisor("anna", token=token)
    await advisor.send(type="accept", visit_id=visit_id)
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode="text")
    await customer.send(type="chat", text="Vor dem Neustart", client_id="1")
    await advisor.expect("chat_message")

    await asyncio.to_thread(live.server.kill)
    await asyncio.to_thread(live.server.start)

    advisor, welcome = await live.advisor("anna", token=token)
    assert welcome["session"]["id"] == visit_id
    assert [line["text"] for line in welcome["chat_history"]] == ["Vor dem Neustart"]
    _, resumed = await _resume(live, signed_in["visit_token"])
    assert resumed["visit"]["state"] == "active"  # type: ignore[index]
    still, _ = await _resume(live, waiting_in["visit_token"])
    room = await advisor.expect("waiting_room")
    assert [v["customer_name"] for v in room["waiting"]] == ["Wartend"]
    await still.send(type="leave_message", text="Bitte zurückrufen")
    await still.expect("message_received")
    assert (await advisor.expect("messages_unread"))["count"] == 1


async def test_bad_messages_get_an_error_and_the_connection_stays(
    live: Live, seeded: Seeded
) -> None:
    customer, _ = await live.customer(await live.appointment_now())
    neighbour, _ = await live.customer(await live.appointment_now(minutes=30), name="Nachbar")
    for raw in ["{oops", '{"type": "teleport"}', '["list"]', '{"type": "chat"}',
                '{"type": "chat", "text": "x", "client_id": "1", "visit_id": 7}',
                '{"type": "sign_in"}', '{"type": "hello", "protocol": 1, "topic_id": 1}',
                '{"type": "chat", "text": "' + "x" * 40_000 + '", "client_id": "1"}']:
        await customer.send_raw(raw)
        error = await customer.expect("error")
        assert error["message"]
    await customer.send_raw(b"\x00\x01binary")
    assert (await customer.expect("error"))["code"] == "invalid_json"
    await customer.send(type="ping")
    await customer.expect("pong")
    await neighbour.send(type="ping")
    await neighbour.expect("pong")
    assert not customer.closed.is_set() and not neighbour.closed.is_set()


async def test_a_flood_is_rate_limited_without_closing_at_once(live: Live, seeded: Seeded) -> None:
    customer, _ = await live.customer(await live.appointment_now())
    for _ in range(80):
        await customer.send(type="ping")
    limited = await customer.expect("error", code="rate_limited")
    assert "slow down" in limited["message"]
    # Slowed down to two messages a second, the client is served again on the same
    # connection as soon as its allowance has refilled.
    async def answered() -> bool:
        await customer.send(type="ping")
        try:
            await customer.expect("pong", timeout=0.5)
        except AssertionError:
            return False
        return True

    await eventually(answered, "a pong on the limited connection", timeout=10)
    assert not customer.closed.is_set()


async def test_nobody_acts_on_a_visit_that_is_not_theirs(live: Live, seeded: Seeded) -> None:
    customer, signed_in = await live.customer(await live.appointment_now("anna"))
    visit_id = signed_in["visit"]["id"]
    ben, _ = await live.advisor("ben")
    # Anna's appointment customer: Ben does not see them and may not take them.
    assert (await ben.expect("waiting_room"))["waiting"] == []
    await ben.send(type="accept", visit_id=visit_id)
    assert (await ben.expect("error"))["code"] == "forbidden"
    # A customer cannot chat or signal before an advisor accepted.
    await customer.send(type="chat", text="Hallo?", client_id="1")
    assert (await customer.expect("error"))["code"] == "conflict"
    await customer.send(type="choose_connection", mode="text")
    assert (await customer.expect("error"))["code"] == "conflict"
    # Wrong or foreign tokens end the connection.
    for hello in ({"join_token": "A" * 22}, {"visit_token": "B" * 32},
                  {"join_token": "A" * 22, "topic_id": 1}, {"topic_id": 999}):
        stranger = await live.connect("/ws/customer")
        await stranger.send(type="hello", protocol=1, **hello)
        assert (await stranger.expect("error"))["code"] in ("not_found", "wrong_step")
        await asyncio.wait_for(stranger.closed.wait(), 5)
    impostor = await live.connect("/ws/advisor")
    await impostor.send(type="hello", protocol=1, token="x" * 43)
    assert (await impostor.expect("error"))["code"] == "not_authenticated"
    await asyncio.wait_for(impostor.closed.wait(), 5)
    nobody = await live.connect("/ws/advisor")
    await nobody.send(type="accept", visit_id=visit_id)
    assert (await nobody.expect("error"))["code"] == "hello_first"
    await asyncio.wait_for(nobody.closed.wait(), 5)
    assert await _state(live, visit_id) == VisitState.WAITING


async def test_one_address_cannot_hold_unlimited_connections(live: Live, seeded: Seeded) -> None:
    import websockets

    from server.live.hub import MAX_CONNECTIONS_PER_ADDRESS

    held = [await live.connect("/ws/customer") for _ in range(MAX_CONNECTIONS_PER_ADDRESS)]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await live.connect("/ws/customer")
    assert refused.value.response.status_code == 403
    await held[0].close()

    # The address may open another as soon as the server has counted the close.
    admitted: list[LiveClient] = []

    async def another_admitted() -> bool:
        try:
            admitted.append(await live.connect("/ws/customer"))
        except websockets.InvalidStatus:
            return False
        return True

    await eventually(another_admitted, "a connection admitted once one was closed", timeout=5)
    [again] = admitted
    await again.send(type="hello", protocol=1, topic_id=seeded.topic_id)
    await again.expect("welcome")
