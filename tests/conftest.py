"""Shared fixtures: settings, databases (SQLite and a real PostgreSQL), the API in-process,
a live server in a subprocess, and real headless Chromium through Playwright."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.core.config import Settings, load_settings
from server.db import migrate
from server.db.session import Database
from tests.fixtures.postgres import running_postgres
from tests.fixtures.server import CHEAP_HASHING, GENEROUS_LIMITS, ServerProcess, hash_cheaply
from tests.fixtures.waiting import eventually_blocking

pytest_plugins = ["tests.fixtures.live", "tests.fixtures.pulseaudio"]


_exit_status = 0


def pytest_configure(config: pytest.Config) -> None:
    """This process hashes passwords (seeding advisors) as the servers under test do."""
    hash_cheaply()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Fail loudly, instead of hanging at interpreter exit, when a test leaves a
    non-daemon thread running (an unclosed aiortc peer keeps its decoder threads)."""
    import threading

    deadline = time.monotonic() + 10
    leftover = [thread for thread in threading.enumerate()
                if not thread.daemon and thread is not threading.main_thread()]
    for thread in leftover:
        thread.join(max(0.0, deadline - time.monotonic()))
    alive = [thread.name for thread in leftover if thread.is_alive()]
    if alive:
        sys.stderr.write(f"\nthreads still running after the tests: {', '.join(alive)}\n")
        sys.stderr.flush()
        os._exit(_exit_status or 3)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


# Settings and databases -------------------------------------------------------------

# Every test client comes from 127.0.0.1, so the per-address limits would count all the
# tests of one server as one visitor; they are raised here and tested on their own
# (tests/server/api/test_address_limits.py sets them back to the defaults).



@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "var", public_url="https://beratung.example.de")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    # Not under pytest's tmp_path: that is private to root, and PostgreSQL runs as
    # the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="vb-postgres-"))
    try:
        with running_postgres(folder) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _create_database(server_url: str) -> str:
    import asyncpg

    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = server_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: once SQLite, once a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    return await _create_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database on both engines."""
    await asyncio.to_thread(migrate.upgrade, database_url)
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def db_settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "var", public_url="https://beratung.example.de",
                         database_url=database_url, **GENEROUS_LIMITS, **CHEAP_HASHING)


# The API in-process ---------------------------------------------------------------


@dataclass
class Api:
    client: httpx.AsyncClient
    app: Any

    @property
    def services(self) -> Any:
        return self.app.state.services

    async def sign_in(self, username: str, password: str) -> dict[str, str]:
        response = await self.client.post(
            "/api/v1/auth/sign-in", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
async def api(db: Database, db_settings: Settings) -> AsyncIterator[Api]:
    """The real app over ASGI (no sockets), on a migrated database of each kind."""
    from server.api.app import create_app

    app = create_app(db_settings, background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client=client, app=app)
    await app.state.services.db.dispose()


# A live server in a subprocess ------------------------------------------------------


@contextlib.contextmanager
def running_demo_server(folder: Path, extra: dict[str, str] | None = None
                        ) -> Iterator[ServerProcess]:
    """``videoberatung-server demo`` in a subprocess, its data and log in ``folder``."""
    server = ServerProcess(None, folder / "var", env=dict(extra or {}), command="demo")
    server.start()
    try:
        # The demo's own confirmation mail lands first, so tests that count mails start
        # from a settled outbox.
        eventually_blocking(server.outbox_messages, "the demo's confirmation mail",
                            timeout=30)
        yield server
    finally:
        server.stop()


@pytest.fixture
def live_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """``videoberatung-server demo`` in a subprocess: seeded like the demo, fresh SQLite;
    ``@pytest.mark.server_env(VB_…="…")`` sets more of its environment."""
    marker = request.node.get_closest_marker("server_env")
    with running_demo_server(tmp_path, dict(marker.kwargs) if marker else None) as server:
        yield server


# Real Chromium --------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/bootstrap (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    yield page
    context.close()
