"""A demo server shared by a module's tests, and the people who use it: two customers
with their link tokens, two advisors of different topics, an administrator and an
advisor who signed out; and the server tests' seeded database."""

from __future__ import annotations

import itertools
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import running_demo_server
from tests.fixtures.server import ServerProcess
from tests.server.conftest import seeded  # noqa: F401 - a fixture, found by name

PASSWORD = "fuzzing-password-1"
_TOKEN = r"([A-Za-z0-9_-]{16,128})"


@dataclass
class Customer:
    """A customer as their confirmation e-mail knows them."""

    appointment_id: int
    join_token: str
    manage_token: str


@dataclass
class World:
    server: ServerProcess
    http: httpx.Client
    admin_token: str
    topic_ids: dict[str, int]
    advisor_ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def next_number(self) -> int:
        return next(self._numbers)

    @property
    def ws_url(self) -> str:
        return self.server.url.replace("http://", "ws://")

    def headers(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    def sign_in(self, username: str, password: str = PASSWORD) -> str:
        response = self.http.post("/api/v1/auth/sign-in",
                                  json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return str(response.json()["token"])

    def add_advisor(self, username: str, topic: str) -> str:
        """Create an advisor of ``topic`` (through the admin route); returns their token."""
        response = self.http.post(
            "/api/v1/advisors", headers=self.headers(self.admin_token),
            json={"username": username, "password": PASSWORD, "display_name": username.title(),
                  "email": f"{username}@example.com", "topic_ids": [self.topic_ids[topic]]})
        assert response.status_code == 201, response.text
        self.advisor_ids[username] = int(response.json()["id"])
        token = self.sign_in(username)
        self.tokens[username] = token
        return token

    def book(self, advisor_token: str, topic: str = "baufinanzierung",
             start: datetime | None = None) -> Customer:
        """Book an appointment (as the advisor, on the phone), by default at a time
        nobody else has, and read the customer's tokens from the confirmation e-mail."""
        email = f"kunde-{uuid.uuid4().hex[:10]}@example.com"
        start = start or (datetime.now(UTC) + timedelta(days=20, minutes=30 * self.next_number())
                          ).replace(second=0, microsecond=0)
        response = self.http.post(
            "/api/v1/appointments", headers=self.headers(advisor_token),
            json={"name": "Kundin Test", "email": email, "phone": "030 1234567",
                  "topic_id": self.topic_ids[topic], "starts_at": start.isoformat()})
        assert response.status_code == 201, response.text
        join, manage = self._tokens_mailed_to(email)
        return Customer(int(response.json()["id"]), join, manage)

    def _tokens_mailed_to(self, address: str) -> tuple[str, str]:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for message in self.server.outbox_messages():
                if address in str(message["To"]):
                    body = message.get_body(preferencelist=("plain",))
                    assert body is not None
                    text = body.get_content()
                    join = re.search(r"/join/" + _TOKEN, text)
                    manage = re.search(r"/manage/" + _TOKEN, text)
                    assert join and manage, text
                    return join.group(1), manage.group(1)
            time.sleep(0.1)
        raise AssertionError(f"no confirmation mail to {address}")

    def book_now(self, advisor_token: str, topic: str) -> Customer:
        """An appointment starting now (its join link works at once)."""
        return self.book(advisor_token, topic, start=datetime.now(UTC).replace(
            second=0, microsecond=0))

    def demo_customer(self) -> str:
        """The join token of the demo's appointment (with the administrator, now)."""
        first = self.server.outbox_messages()[0].get_body(preferencelist=("plain",))
        assert first is not None
        found = re.search(r"/join/" + _TOKEN, first.get_content())
        assert found, "the demo's confirmation mail has no join link"
        return found.group(1)

    def consent(self) -> dict[str, str]:
        return {f"{document}_sha256": self.http.get(f"/api/v1/public/legal/{document}",
                                                    params={"lang": "de"}).json()["sha256"]
                for document in ("privacy", "terms", "security")}

    def sign_in_customer(self, peer: Any, **hello: Any) -> dict[str, Any]:
        """Say hello on a customer peer and sign in; returns ``signed_in``."""
        peer.send(json.dumps({"type": "hello", "protocol": 1, **hello}))
        peer.expect("welcome")
        peer.send(json.dumps({"type": "sign_in", "name": "Erika Nachbarin",
                              "phone": "030 1234567", "consent": self.consent()}))
        signed_in: dict[str, Any] = peer.expect("signed_in")
        return signed_in

    def server_log_problems(self) -> list[str]:
        """Lines of the server's log that tell of an unhandled exception or an error."""
        lines = self.server.log_path.read_text(errors="replace").splitlines()
        return [line for line in lines if "Traceback" in line or " ERROR " in line
                or line.startswith("ERROR")]


# Generated sign-ins fail by the hundred from 127.0.0.1; the throttle has tests of its own
# (tests/server/api/test_sign_in_throttle.py) and must not stop the other rows here.
UNTHROTTLED_SIGN_IN = {"VB_SIGN_IN_MAX_FAILURES": "100",
                       "VB_SIGN_IN_MAX_FAILURES_PER_ADDRESS": "10000",
                       "VB_SIGN_IN_MAX_FAILURES_PER_ACCOUNT": "0"}


def open_world(folder: Path) -> Iterator[World]:
    with running_demo_server(folder, UNTHROTTLED_SIGN_IN) as server, httpx.Client(
            base_url=server.url, timeout=30) as http:
        credentials = server.advisor_credentials
        token = http.post("/api/v1/auth/sign-in", json={
            "username": credentials["username"], "password": credentials["password"]}
        ).json()["token"]
        topics = {t["slug"]: t["id"] for t in http.get("/api/v1/public/topics").json()}
        world = World(server=server, http=http, admin_token=token, topic_ids=topics)
        world.tokens["admin"] = token
        yield world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from open_world(tmp_path_factory.mktemp("world"))


def json_or_text(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
