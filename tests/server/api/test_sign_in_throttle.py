"""Failed sign-ins are throttled per account and address, per address and per account,
and the count holds when the attempts arrive all at once (a real server process, on
SQLite and PostgreSQL; addresses come through X-Forwarded-For as behind the proxy)."""

from __future__ import annotations

import asyncio
import secrets

import httpx

from tests.conftest import Api
from tests.fixtures.live import Live
from tests.server.conftest import PASSWORD, Seeded

ATTACKER = {"X-Forwarded-For": "203.0.113.66"}
OFFICE = {"X-Forwarded-For": "198.51.100.20"}


async def test_parallel_wrong_passwords_get_at_most_the_limit_and_lock_only_their_address(
    live: Live, seeded: Seeded
) -> None:
    async with httpx.AsyncClient(base_url=live.server.url, timeout=60) as http:
        async def guess(password: str, headers: dict[str, str]) -> httpx.Response:
            return await http.post("/api/v1/auth/sign-in", headers=headers,
                                   json={"username": seeded.username, "password": password})

        answers = await asyncio.gather(*(guess(f"guess number {n}", ATTACKER)
                                         for n in range(20)))
        statuses = [a.status_code for a in answers]
        assert statuses.count(401) <= 5, statuses
        assert statuses.count(401) + statuses.count(429) == 20, statuses
        for refused in (a for a in answers if a.status_code == 429):
            assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
        # Attempts refused in the crowd do not count, so a few guesses may be left: never
        # more than the limit in all.
        guessed = statuses.count(401)
        while (await guess(f"guess number {guessed + 20}", ATTACKER)).status_code == 401:
            guessed += 1
        assert guessed == 5

        # The attacker's address is locked even with the right password ...
        assert (await guess(PASSWORD, ATTACKER)).status_code == 429
        # ... while the advisor signs in from the office.
        assert (await guess(PASSWORD, OFFICE)).status_code == 200


async def test_an_address_spraying_user_names_is_throttled_but_others_are_not(
    api: Api, seeded: Seeded
) -> None:
    limit = api.services.settings.sign_in_max_failures_per_address
    for _ in range(limit):
        response = await api.client.post("/api/v1/auth/sign-in", json={
            "username": f"guess-{secrets.token_hex(4)}", "password": "not the password"})
        assert response.status_code == 401
    response = await api.client.post(
        "/api/v1/auth/sign-in", json={"username": "ben", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"

    elsewhere = httpx.ASGITransport(app=api.app, client=("192.0.2.50", 40000))
    async with httpx.AsyncClient(transport=elsewhere, base_url="http://testserver") as other:
        response = await other.post(
            "/api/v1/auth/sign-in", json={"username": "ben", "password": PASSWORD})
    assert response.status_code == 200, response.text
