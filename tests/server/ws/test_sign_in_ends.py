"""When an advisor's sign-in ends — sign-out, expiry, deactivation — the server closes
their live connection with 1008 within a second, and no customer's data reaches it
afterwards (a real server process, on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from server.core.security import token_hash
from server.db.models import AuditEntry, AuthToken, utcnow
from tests.fixtures.live import Live, LiveClient
from tests.server.conftest import PASSWORD, Seeded

WALK_IN = "Walter Walkin"


async def _closed_for_good(live: Live, advisor: LiveClient, seeded: Seeded,
                           within: float = 1.0) -> None:
    """``advisor`` is closed with 1008 within ``within`` seconds, its last word saying why,
    and a customer who walks in afterwards never shows up on it."""
    began = time.perf_counter()
    await asyncio.wait_for(advisor.closed.wait(), within)
    assert time.perf_counter() - began < within
    assert advisor.connection.close_code == 1008
    last = advisor.received[-1]
    assert last["type"] == "error" and last["code"] == "not_authenticated", last

    customer, _ = await live.customer(topic_id=seeded.topic_id, name=WALK_IN)
    await customer.expect("queue_status")
    await asyncio.sleep(0.5)
    assert WALK_IN not in json.dumps(advisor.received)


async def test_signing_out_closes_the_advisors_live_connection(
    live: Live, seeded: Seeded
) -> None:
    token = await live.token_for(seeded.username, PASSWORD)
    advisor, _ = await live.advisor(token=token)
    await advisor.expect("waiting_room")
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        response = await http.post("/api/v1/auth/sign-out",
                                   headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    await _closed_for_good(live, advisor, seeded)


async def test_signing_out_one_console_leaves_another_sign_in_connected(
    live: Live, seeded: Seeded
) -> None:
    leaving = await live.token_for(seeded.username, PASSWORD)
    staying, _ = await live.advisor()
    await staying.expect("waiting_room")
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        await http.post("/api/v1/auth/sign-out", headers={"Authorization": f"Bearer {leaving}"})
    await live.customer(topic_id=seeded.topic_id, name=WALK_IN)
    room = await staying.expect("waiting_room", timeout=5)
    while not room["waiting"]:
        room = await staying.expect("waiting_room", timeout=5)
    assert room["waiting"][0]["customer_name"] == WALK_IN
    assert not staying.closed.is_set()


async def test_an_expiring_sign_in_closes_the_advisors_live_connection(
    live: Live, seeded: Seeded
) -> None:
    token = await live.token_for(seeded.username, PASSWORD)
    expires_at = utcnow() + timedelta(seconds=2)
    async with live.db.session() as session:
        await session.execute(update(AuthToken).where(
            AuthToken.token_hash == token_hash(token)).values(expires_at=expires_at))
    advisor, _ = await live.advisor(token=token)
    await advisor.expect("waiting_room")
    await asyncio.sleep(max(0.0, (expires_at - utcnow()).total_seconds()))
    await _closed_for_good(live, advisor, seeded)


async def test_deactivating_an_advisor_closes_their_live_connection(
    live: Live, seeded: Seeded
) -> None:
    advisor, _ = await live.advisor()
    await advisor.expect("waiting_room")
    admin = await live.token_for(seeded.admin_username, PASSWORD)
    async with httpx.AsyncClient(base_url=live.server.url) as http:
        response = await http.post(f"/api/v1/advisors/{seeded.advisor_id}/deactivate",
                                   headers={"Authorization": f"Bearer {admin}"})
        assert response.status_code == 200, response.text
        assert response.json()["active"] is False
        await _closed_for_good(live, advisor, seeded)
        again = await http.post("/api/v1/auth/sign-in", json={
            "username": seeded.username, "password": PASSWORD})
        assert again.status_code == 401
    async with live.db.session() as session:
        entry = await session.scalar(select(AuditEntry).where(
            AuditEntry.action == "advisor.deactivated"))
    assert entry is not None and entry.subject == f"advisor:{seeded.advisor_id}"
