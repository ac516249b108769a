"""A burst of failed sign-ins against a real server process does not stall anyone else:
the password checks run off the event loop."""

from __future__ import annotations

import asyncio
import secrets
import time

import httpx
import pytest

from tests.fixtures.live import Live
from tests.server.conftest import Seeded

BUDGET = 0.2  # seconds for /healthz and for a customer's ping → pong during the burst


@pytest.fixture
def live_env() -> dict[str, str]:
    # Throttling must not spare the server any password check in this burst, and each
    # costs what it does in production (the server's default, not the tests' cheap one).
    return {"VB_GRACE_SECONDS": "60", "VB_HEARTBEAT_SECONDS": "15",
            "VB_SIGN_IN_MAX_FAILURES": "100", "VB_SIGN_IN_MAX_FAILURES_PER_ADDRESS": "100",
            "VB_PASSWORD_HASH_TIME_COST": "3", "VB_PASSWORD_HASH_MEMORY_KIB": "65536"}


async def test_a_burst_of_failed_sign_ins_leaves_health_and_live_connections_responsive(
    live: Live, seeded: Seeded
) -> None:
    customer, _ = await live.customer(topic_id=seeded.topic_id)
    names = [f"nobody-{secrets.token_hex(4)}" for _ in range(15)] + [seeded.username] * 5

    async with httpx.AsyncClient(base_url=live.server.url, timeout=60) as attacker, \
            httpx.AsyncClient(base_url=live.server.url, timeout=10) as monitor:
        # Every connection is open before the burst: the probes time the server, not the
        # client setting up twenty connections.
        await monitor.get("/healthz")
        await asyncio.gather(*(attacker.get("/healthz") for _ in names))

        async def fail(username: str) -> int:
            response = await attacker.post("/api/v1/auth/sign-in", json={
                "username": username, "password": "not the password"})
            return response.status_code

        started = time.perf_counter()
        burst = asyncio.gather(*(fail(name) for name in names))
        health: list[float] = []
        pongs: list[float] = []
        while not burst.done():
            began = time.perf_counter()
            assert (await monitor.get("/healthz")).status_code == 200
            health.append(time.perf_counter() - began)
            began = time.perf_counter()
            await customer.send(type="ping")
            await customer.expect("pong", timeout=10)
            pongs.append(time.perf_counter() - began)
            await asyncio.sleep(0.05)
        statuses = await burst
        duration = time.perf_counter() - started

    assert statuses == [401] * len(names)
    # Twenty argon2 checks take seconds of CPU: the probes really ran while they did.
    assert duration > 1.0 and len(health) >= 5, (duration, len(health))
    assert max(health) < BUDGET, f"/healthz took up to {max(health):.3f} s: {health}"
    assert max(pongs) < BUDGET, f"ping → pong took up to {max(pongs):.3f} s: {pongs}"
