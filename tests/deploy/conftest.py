"""Fixtures of the deployment tests: the server started as an operator starts it
(``videoberatung-server serve`` on a migrated, seeded database), with the real coturn,
nginx, PostgreSQL and Redis from Debian's packages around it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from server.cli import DEMO_ADVISOR, seed_demo
from server.core import security
from server.core.config import load_settings
from server.db import migrate
from server.db.session import Database
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, _create_database
from tests.fixtures.coturn import TurnServer, turnserver_binary
from tests.fixtures.netsim import ImpairedNetwork, require_prerequisites
from tests.fixtures.nginx import Nginx, nginx_binary, self_signed_certificate
from tests.fixtures.redis import RedisServer, redis_server_binary
from tests.fixtures.server import ServerProcess
from tests.web.conftest import BrowserProblems
from tests.web.flow import Advisor

T = TypeVar("T")


@dataclass
class Site:
    """A running service as the browser helpers of tests.web.flow see it: where it is,
    the advisor's sign-in, and the join link of an appointment starting now."""

    url: str
    advisor_credentials: dict[str, str]
    join_path: str


def off_the_test_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own: Playwright's sync API keeps an event loop
    running in the test thread, and asyncio.run() refuses to start inside it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def seed_site(database_url: str, data_dir: Path, public_url: str) -> Site:
    """Migrate the database and seed it like ``make demo``: topics, an advisor, and an
    appointment starting now whose join link points at ``public_url``."""
    return off_the_test_thread(lambda: _seed_site(database_url, data_dir, public_url))


def _seed_site(database_url: str, data_dir: Path, public_url: str) -> Site:
    migrate.upgrade(database_url)
    settings = load_settings(database_url=database_url, data_dir=data_dir,
                             public_url=public_url)
    password = security.new_token(12)

    async def seed() -> str:
        db = Database(settings.resolved_database_url)
        try:
            return await seed_demo(settings, db, password)
        finally:
            await db.dispose()

    join_link = asyncio.run(seed())
    return Site(url=public_url, join_path=urlsplit(join_link).path,
                advisor_credentials={"username": DEMO_ADVISOR, "password": password})


def require(check: Callable[[], object]) -> None:
    """Fail (never skip) with the install hint when a Debian package is missing."""
    try:
        check()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


# coturn and one instance that insists on relaying -----------------------------------


@pytest.fixture
def turn_server(tmp_path: Path) -> Iterator[TurnServer]:
    require(turnserver_binary)
    with TurnServer(tmp_path / "coturn") as server:
        yield server


@pytest.fixture
def relay_site(tmp_path: Path, turn_server: TurnServer) -> Iterator[Site]:
    """One instance on SQLite that hands out TURN credentials for ``turn_server`` and
    tells both peers to use nothing but the relay (VB_ICE_TRANSPORT_POLICY=relay)."""
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    database_url = f"sqlite+aiosqlite:///{data_dir / 'videoberatung.db'}"
    server = ServerProcess(database_url, data_dir, {})
    server.env.update(turn_server.server_env(), VB_ICE_TRANSPORT_POLICY="relay",
                      VB_PUBLIC_URL=server.url)
    site = seed_site(database_url, data_dir, server.url)
    server.start()
    try:
        yield site
    finally:
        server.stop()


# nginx in front of two instances on one PostgreSQL and one Redis ----------------------


@dataclass
class ScaledSite:
    site: Site
    instances: list[ServerProcess]
    nginx: Nginx
    database_url: str

    def instance_at(self, upstream: str) -> ServerProcess:
        """The instance behind an upstream address as nginx names it (127.0.0.1:port)."""
        return next(i for i in self.instances if upstream == f"127.0.0.1:{i.port}")


@pytest.fixture
def scaled_site(
    tmp_path: Path, postgres_server: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ScaledSite]:
    require(nginx_binary)
    require(redis_server_binary)
    database_url = off_the_test_thread(lambda: asyncio.run(_create_database(postgres_server)))
    with RedisServer(tmp_path / "redis") as redis:
        instances = [ServerProcess(database_url, tmp_path / name, {})
                     for name in ("instance-a", "instance-b")]
        nginx = Nginx(tmp_path / "nginx", [instance.port for instance in instances])
        for instance in instances:
            instance.data_dir.mkdir()
            instance.env.update(VB_REDIS_URL=redis.url, VB_PUBLIC_URL=nginx.url,
                                VB_GRACE_SECONDS="60")
        site = seed_site(database_url, instances[0].data_dir, nginx.url)
        try:
            with ThreadPoolExecutor(len(instances)) as pool:
                list(pool.map(lambda instance: instance.start(), instances))
            nginx.start()
            # This process's clients (the advisor engine, walk-ins) trust the test's
            # certificate as browsers trust Let's Encrypt's.
            assert nginx.cert is not None
            for variable in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
                monkeypatch.setenv(variable, str(nginx.cert))
            yield ScaledSite(site=site, instances=instances, nginx=nginx,
                             database_url=database_url)
        finally:
            nginx.stop()
            for instance in instances:
                instance.stop()


# The browser and the advisor --------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Chromium for this module only. Playwright's sync API keeps an event loop running
    while it is started; the session-wide browser of tests/conftest.py would stay up from
    here (tests/deploy sorts before tests/server) and break every asyncio test after."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/bootstrap (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def customer_page(chromium: Browser) -> Iterator[Page]:
    """A customer's tab that accepts the test's self-signed certificate."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE",
                                   ignore_https_errors=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def problems(customer_page: Page) -> BrowserProblems:
    return BrowserProblems(customer_page)


def advisor_for(site: Site) -> Iterator[Advisor]:
    advisor = Advisor(site)
    try:
        yield advisor
    finally:
        advisor.close()


@pytest.fixture
def relay_advisor(relay_site: Site) -> Iterator[Advisor]:
    yield from advisor_for(relay_site)


@pytest.fixture
def scaled_advisor(scaled_site: ScaledSite) -> Iterator[Advisor]:
    yield from advisor_for(scaled_site.site)



# An impaired network: the customer's Chromium behind a router namespace ----------------


@dataclass
class NetworkSite:
    """A server on the root namespace's side of an impaired network, the Chromium that
    reaches it from the customer's namespace, and the network itself."""

    site: Site
    network: ImpairedNetwork
    server: ServerProcess


@pytest.fixture(scope="module")
def network() -> Iterator[ImpairedNetwork]:
    """One impaired network per module; each test leaves it good and connected."""
    require(require_prerequisites)
    with ImpairedNetwork() as network:
        yield network


@pytest.fixture(scope="module")
def network_port() -> int:
    """The port of every test server of the module, on the network's own address: 80, as
    a strict firewall lets through. The browser treats exactly this origin as secure
    (getUserMedia needs a secure context)."""
    return 80


@pytest.fixture(scope="module")
def chromium_behind_network(network: ImpairedNetwork, network_port: int,
                            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/bootstrap (apt-get install chromium)")
    wrapper = network.browser_wrapper(tmp_path_factory.mktemp("browser"), CHROMIUM)
    origin = f"http://{network.server_address}:{network_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(wrapper), headless=True,
            # coturn's certificate for TURN over TLS is self-signed here (Let's Encrypt's
            # in production): without the last flag Chromium drops the TLS connection.
            args=[*CHROMIUM_ARGS, f"--unsafely-treat-insecure-origin-as-secure={origin}",
                  "--ignore-certificate-errors"])
        yield browser
        browser.close()


@pytest.fixture
def impaired_page(chromium_behind_network: Browser) -> Iterator[Page]:
    context = chromium_behind_network.new_context(viewport={"width": 1280, "height": 900},
                                                  locale="de-DE")
    yield context.new_page()
    context.close()


@contextlib.contextmanager
def running_network_site(tmp_path: Path, network: ImpairedNetwork, port: int,
                         env: dict[str, str]) -> Iterator[NetworkSite]:
    """Our server on the harness's server address with ``env``; stopped, and the network
    good again, afterwards."""
    data_dir = tmp_path / "var"
    data_dir.mkdir()
    database_url = f"sqlite+aiosqlite:///{data_dir / 'videoberatung.db'}"
    server = ServerProcess(database_url, data_dir, {}, host=network.server_address, port=port)
    server.env.update(env, VB_PUBLIC_URL=server.url)
    site = seed_site(database_url, data_dir, server.url)
    server.start()
    try:
        yield NetworkSite(site, network, server)
    finally:
        server.stop()
        network.clear()


@pytest.fixture
def network_site(tmp_path: Path, network: ImpairedNetwork,
                 network_port: int) -> Iterator[NetworkSite]:
    """Our server where the operator has it; the network good again afterwards."""
    with running_network_site(tmp_path, network, network_port, {}) as site:
        yield site


@pytest.fixture
def network_advisor(network_site: NetworkSite) -> Iterator[Advisor]:
    yield from advisor_for(network_site.site)


TURN_TLS_PORT = 443  # what the strictest firewalls let through


@pytest.fixture
def network_turn_site(tmp_path: Path, network: ImpairedNetwork,
                      network_port: int) -> Iterator[NetworkSite]:
    """As :func:`network_site`, with coturn beside the server: TURN over UDP and TCP on
    its own port and over TLS on 443, its certificate self-signed for the address."""
    require(turnserver_binary)
    address = network.server_address
    cert, key = self_signed_certificate(tmp_path / "tls", address)
    with TurnServer(tmp_path / "coturn", address=address, tls=(TURN_TLS_PORT, cert, key),
                    allowed_peer=address) as turn, \
            running_network_site(tmp_path, network, network_port, turn.server_env()) as site:
        yield site


@pytest.fixture
def network_turn_advisor(network_turn_site: NetworkSite) -> Iterator[Advisor]:
    yield from advisor_for(network_turn_site.site)
