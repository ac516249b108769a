"""``GET /healthz``: what a load balancer and an operator's monitoring ask."""

from __future__ import annotations

from pathlib import Path

import httpx

from server.api.app import create_app
from server.core.config import load_settings
from tests.conftest import Api
from tests.fixtures.processes import free_port


async def test_healthy_while_the_database_answers(api: Api) -> None:
    response = await api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


async def test_unhealthy_at_once_when_the_database_is_away(tmp_path: Path) -> None:
    nothing_listens = f"postgresql+asyncpg://vb@127.0.0.1:{free_port()}/videoberatung"
    app = create_app(load_settings(data_dir=tmp_path, database_url=nothing_listens),
                     background=False)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     timeout=10) as client:
            response = await client.get("/healthz")
    finally:
        await app.state.services.db.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "unreachable"
