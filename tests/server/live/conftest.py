"""Fixtures for the live side: a real Redis server on loopback."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.redis import RedisServer, redis_server_binary


def _require_redis() -> None:
    try:
        redis_server_binary()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """The URL of a Redis server shared by the session's tests (give each test its own
    channel prefix)."""
    _require_redis()
    folder = Path(tempfile.mkdtemp(prefix="vb-redis-"))
    try:
        with RedisServer(folder) as server:
            yield server.url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def restartable_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of the test's own, which the test may stop and start again."""
    _require_redis()
    with RedisServer(tmp_path / "redis") as server:
        yield server
