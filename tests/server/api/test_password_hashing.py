"""Passwords are hashed with argon2id at the library's recommended cost unless the
operator sets another; a password hashed at another cost is hashed again at its next
sign-in; a cost below OWASP's minimum is warned about at start-up.

(The other tests hash at a small part of the real cost: tests/fixtures/server.py.)"""

from __future__ import annotations

import logging

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from server.api.app import create_app
from server.core import security
from server.core.config import load_settings
from server.db.models import Advisor
from server.db.session import Database
from tests.conftest import Api
from tests.fixtures.server import GENEROUS_LIMITS, hash_cheaply
from tests.server.conftest import PASSWORD, Seeded

# argon2-cffi's recommendation (RFC 9106's second choice): 64 MiB, three passes, and
# one lane here (four would take every CPU from the event loop).
RECOMMENDED = "$argon2id$v=19$m=65536,t=3,p=1$"


async def stored_hash(db: Database, username: str) -> str:
    async with db.session() as session:
        value = await session.scalar(select(Advisor.password_hash)
                                     .where(Advisor.username == username))
    assert value is not None
    return value


async def sign_in(app: object, username: str) -> int:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post("/api/v1/auth/sign-in",
                                     json={"username": username, "password": PASSWORD})
    return response.status_code


@pytest.fixture
def restore_cheap_hashing() -> object:
    yield None
    hash_cheaply()


async def test_by_default_a_sign_in_leaves_the_password_hashed_at_the_recommended_cost(
    db: Database, seeded: Seeded, database_url: str, tmp_path: object,
    restore_cheap_hashing: object, caplog: pytest.LogCaptureFixture,
) -> None:
    # Seeded at the tests' cheap cost; the server as an operator runs it, by default.
    assert not (await stored_hash(db, seeded.username)).startswith(RECOMMENDED)
    settings = load_settings(data_dir=tmp_path, database_url=database_url,  # type: ignore[arg-type]
                             **GENEROUS_LIMITS)
    with caplog.at_level(logging.WARNING, logger="server.core.security"):
        app = create_app(settings, background=False)
    assert caplog.records == []  # the recommended cost is above OWASP's minimum
    assert security.password_hash_cost() == (3, 65536)
    assert await sign_in(app, seeded.username) == 200
    assert (await stored_hash(db, seeded.username)).startswith(RECOMMENDED)
    await app.state.services.db.dispose()


async def test_a_password_hashed_at_another_cost_is_hashed_again_at_its_next_sign_in(
    api: Api, db: Database, seeded: Seeded,
) -> None:
    old = PasswordHasher(time_cost=2, memory_cost=32768, parallelism=1).hash(PASSWORD)
    async with db.session() as session:
        await session.execute(update(Advisor).where(Advisor.username == seeded.username)
                              .values(password_hash=old))
        await session.commit()
    assert await sign_in(api.app, seeded.username) == 200
    new = await stored_hash(db, seeded.username)
    time_cost, memory_kib = security.password_hash_cost()
    assert new.startswith(f"$argon2id$v=19$m={memory_kib},t={time_cost},p=1$"), new
    assert new != old
    # The new hash holds the same password.
    assert await sign_in(api.app, seeded.username) == 200


@pytest.mark.parametrize(("memory_kib", "warned"), [(16384, True), (19456, False)])
def test_a_cost_below_owasps_minimum_is_warned_about_at_start_up(
    tmp_path: object, restore_cheap_hashing: object, caplog: pytest.LogCaptureFixture,
    memory_kib: int, warned: bool,
) -> None:
    settings = load_settings(data_dir=tmp_path, password_hash_time_cost=2,  # type: ignore[arg-type]
                             password_hash_memory_kib=memory_kib)
    with caplog.at_level(logging.WARNING, logger="server.core.security"):
        create_app(settings, background=False)
    assert security.password_hash_cost() == (2, memory_kib)
    expected = [f"password hashing below OWASP's minimum for argon2id ({memory_kib} KiB, "
                "2 passes): fit for tests only"] if warned else []
    assert [record.getMessage() for record in caplog.records] == expected
