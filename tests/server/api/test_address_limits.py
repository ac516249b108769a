"""Per-address limits on what anonymous visitors may do, against a running server with
the default limits. Addresses are told to it the way nginx does (X-Forwarded-For from
127.0.0.1, which uvicorn trusts)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import websockets

from server.core.config import Settings
from server.legal import load_legal_text
from tests.fixtures.live import LiveClient, run_apart

DEFAULT_LIMITS = {f"VB_{name.upper()}": str(field.default)
                  for name, field in Settings.model_fields.items() if name.startswith("limit_")}
with_default_limits = pytest.mark.server_env(**DEFAULT_LIMITS)
ALICE, BOB = "203.0.113.7", "198.51.100.23"


def default(name: str) -> int:
    return int(DEFAULT_LIMITS[f"VB_LIMIT_{name.upper()}"])


def http_from(server: Any, address: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"X-Forwarded-For": address}, timeout=30)


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "throttled"
    assert int(response.headers["Retry-After"]) >= 1


@with_default_limits
def test_bookings_per_address(live_server: Any) -> None:
    with http_from(live_server, ALICE) as alice, http_from(live_server, BOB) as bob:
        topic = alice.get("/api/v1/public/topics").json()[0]["id"]
        slots = alice.get("/api/v1/public/slots", params={"topic_id": topic, "days": 7}
                          ).json()["slots"]
        privacy = alice.get("/api/v1/public/legal/privacy").json()["sha256"]

        def body(slot: dict[str, Any], name: str) -> dict[str, Any]:
            return {"topic_id": topic, "starts_at": slot["starts_at"], "name": name,
                    "email": "kunde@example.com", "phone": "030 1234567",
                    "privacy_sha256": privacy}

        allowed = default("bookings_per_hour")
        for slot in slots[:allowed]:
            assert alice.post("/api/v1/public/bookings", json=body(slot, "Alice")
                              ).status_code == 201
        refused = alice.post("/api/v1/public/bookings", json=body(slots[allowed], "Alice"))
        assert_throttled(refused)
        assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
        assert bob.post("/api/v1/public/bookings", json=body(slots[allowed], "Bob")
                        ).status_code == 201


@with_default_limits
def test_public_requests_per_address(live_server: Any) -> None:
    with http_from(live_server, ALICE) as alice, http_from(live_server, BOB) as bob:
        for _ in range(default("public_per_minute")):
            assert alice.get("/api/v1/public/config").status_code == 200
        for path in ("/api/v1/public/config", "/book", "/legal/privacy",
                     "/api/v1/public/legal/terms", "/join/" + "x" * 32):
            assert_throttled(alice.get(path))
        assert int(alice.get("/book").headers["Retry-After"]) <= 60
        assert bob.get("/book").status_code == 200
        assert bob.get("/api/v1/public/config").status_code == 200


@with_default_limits
def test_changes_by_manage_link_per_address(live_server: Any) -> None:
    with http_from(live_server, ALICE) as alice, http_from(live_server, BOB) as bob:
        unknown = "/api/v1/public/manage/" + "x" * 32 + "/cancel"
        for _ in range(default("changes_per_hour")):
            assert alice.post(unknown).status_code == 404
        assert_throttled(alice.post(unknown))
        assert bob.post(unknown).status_code == 404


# The waiting room ----------------------------------------------------------------------


class Walk:
    """Customers of the demo's first topic, without appointment, from given addresses."""

    def __init__(self, server: Any) -> None:
        self.ws_url = server.url.replace("http://", "ws://") + "/ws/customer"
        with httpx.Client(base_url=server.url) as http:
            self.topic_id = http.get("/api/v1/public/topics").json()[0]["id"]
        self.consent = {f"{doc}_sha256": load_legal_text(doc, "de", server.data_dir).sha256
                        for doc in ("privacy", "terms", "security")}
        self.clients: list[LiveClient] = []

    async def sign_in(self, address: str) -> tuple[LiveClient, dict[str, Any]]:
        """Hello and sign-in; returns the client and the answer to sign_in."""
        client = LiveClient(await websockets.connect(
            self.ws_url, additional_headers={"X-Forwarded-For": address}))
        self.clients.append(client)
        await client.send(type="hello", protocol=1, topic_id=self.topic_id)
        await client.expect("welcome")
        await client.send(type="sign_in", name="Erika Mustermann", phone="030 1234567",
                          language="de", consent=self.consent)
        while True:
            answer = await client.expect_any(("signed_in", "error"))
            if answer["type"] == "signed_in" or answer.get("in_reply_to") == "sign_in":
                return client, answer

    async def close(self) -> None:
        for client in self.clients:
            await client.close()


@with_default_limits
def test_walk_ins_per_address(live_server: Any) -> None:
    async def run() -> None:
        walk = Walk(live_server)
        try:
            for _ in range(default("walk_ins_per_hour")):
                _, answer = await walk.sign_in(ALICE)
                assert answer["type"] == "signed_in"
            _, refused = await walk.sign_in(ALICE)
            assert refused["type"] == "error" and refused["code"] == "throttled", refused
            _, other = await walk.sign_in(BOB)
            assert other["type"] == "signed_in"
        finally:
            await walk.close()

    run_apart(run())


@with_default_limits
def test_left_messages_per_address(live_server: Any) -> None:
    async def leave(walk: Walk, address: str) -> dict[str, Any]:
        client, answer = await walk.sign_in(address)
        assert answer["type"] == "signed_in"
        await client.send(type="leave_message", text="Bitte rufen Sie mich an.",
                          phone="030 1234567")
        return await client.expect_any(("message_received", "error"))

    async def run() -> None:
        walk = Walk(live_server)
        try:
            for _ in range(default("messages_per_hour")):
                assert (await leave(walk, ALICE))["type"] == "message_received"
            refused = await leave(walk, ALICE)
            assert refused["type"] == "error" and refused["code"] == "throttled", refused
            assert refused["in_reply_to"] == "leave_message"
            assert (await leave(walk, BOB))["type"] == "message_received"
        finally:
            await walk.close()

    run_apart(run())
