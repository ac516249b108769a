"""Two real server instances on one PostgreSQL and one Redis: a customer on one and the
advisor on the other see each other, chat and signal; a crashed instance loses nothing;
signing out on one closes the console's connection on the other."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.live import two_instances_on
from tests.server.conftest import PASSWORD, Seeded


@pytest.fixture
async def two_instances(
    db: Any, seeded: Seeded, database_url: str, redis_server: str, tmp_path: Path
) -> Any:
    async with two_instances_on(db, database_url, redis_server, tmp_path) as both:
        yield both


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_customer_and_advisor_on_different_instances(two_instances: Any) -> None:
    live, (a, b) = two_instances
    customer, signed_in = await live.customer(await live.appointment_now(), server=a)
    visit_id = signed_in["visit"]["id"]
    advisor, _ = await live.advisor("anna", server=b)
    room = await advisor.expect("waiting_room")
    assert [v["id"] for v in room["waiting"]] == [visit_id]
    await customer.expect("queue_status", advisor_status="free")

    await advisor.send(type="accept", visit_id=visit_id)
    await customer.expect("offered")
    await customer.send(type="choose_connection", mode="video", see_advisor=True, show_me=True)
    await advisor.expect("session_started")
    await customer.send(type="signal", description={"type": "offer", "sdp": "v=0 a"})
    assert (await advisor.expect("signal"))["description"]["sdp"] == "v=0 a"
    await advisor.send(type="signal", visit_id=visit_id,
                       description={"type": "answer", "sdp": "v=0 b"})
    assert (await customer.expect("signal"))["description"]["sdp"] == "v=0 b"
    await customer.send(type="chat", text="Über zwei Server", client_id="1")
    assert (await advisor.expect("chat_message"))["line"]["text"] == "Über zwei Server"
    await advisor.send(type="chat", visit_id=visit_id, text="Angekommen", client_id="1")
    await customer.expect("chat_message")
    assert (await customer.expect("chat_message"))["line"]["text"] == "Angekommen"


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_customers_of_a_crashed_instance_resume_on_the_other(two_instances: Any) -> None:
    live, (a, b) = two_instances
    first, first_in = await live.customer(await live.appointment_now(), server=a)
    second, second_in = await live.customer(await live.appointment_now(minutes=30),
                                            name="Zweite", server=a)
    advisor, _ = await live.advisor("anna", server=b)
    room = await advisor.expect("waiting_room")
    assert [v["customer_name"] for v in room["waiting"]] == ["Erika Mustermann", "Zweite"]

    await asyncio.to_thread(a.kill)
    for signed_in, place in ((second_in, 2), (first_in, 1)):
        client = await live.connect("/ws/customer", server=b)
        await client.send(type="hello", protocol=1, visit_token=signed_in["visit_token"])
        await client.expect("welcome", step="visit")
        assert (await client.expect("queue_status"))["place"] == place
    rooms = [m for m in advisor.received if m["type"] == "waiting_room"]
    assert [v["customer_name"] for v in rooms[-1]["waiting"]] == ["Erika Mustermann", "Zweite"]
    assert [v["disconnected"] for v in rooms[-1]["waiting"]] == [False, False]
    del first, second


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_customers_of_a_crashed_instance_count_as_disconnected(
    two_instances: Any,
) -> None:
    live, (a, b) = two_instances
    _, signed_in = await live.customer(await live.appointment_now(), server=a)
    advisor, _ = await live.advisor("anna", server=b)
    await advisor.expect("waiting_room")
    await asyncio.to_thread(a.kill)
    # B notices that A stopped beating and starts the grace period for A's customer.
    room = await advisor.expect("waiting_room", timeout=30)
    assert room["waiting"][0]["id"] == signed_in["visit"]["id"]
    assert room["waiting"][0]["disconnected"] is True


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_signing_out_on_one_instance_closes_the_console_on_the_other(
    two_instances: Any,
) -> None:
    live, (a, b) = two_instances
    token = await live.token_for("anna", PASSWORD)
    advisor, _ = await live.advisor(server=b, token=token)
    await advisor.expect("waiting_room")
    async with httpx.AsyncClient(base_url=a.url) as http:
        response = await http.post("/api/v1/auth/sign-out",
                                   headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    await asyncio.wait_for(advisor.closed.wait(), 1.0)
    assert advisor.connection.close_code == 1008
