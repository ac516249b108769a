"""A console runs all day; TURN credentials last hours: the engine asks for fresh ones
before each answer, and only when TURN is in use."""

from __future__ import annotations

from typing import Any

from advisor_app.headless import HeadlessAdvisor
from advisor_app.net.rest import ServerError
from live_protocol.views import IceServer

STALE = [{"urls": ["turn:turn.example.de:3478"], "username": "1700000000:advisor-1",
          "credential": "old"}]
FRESH = [{"urls": ["turn:turn.example.de:3478"], "username": "1800000000:advisor-1",
          "credential": "new"}]


class Rest:
    server_url = "http://127.0.0.1:9"
    token = "signed-in"

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def get(self, path: str, **params: Any) -> Any:
        self.asked.append(path)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


async def test_fresh_turn_credentials_are_fetched_before_answering() -> None:
    rest = Rest(FRESH)
    engine = HeadlessAdvisor(rest.server_url, "anna", "", rest=rest)  # type: ignore[arg-type]
    engine.ice_servers = [IceServer.model_validate(entry) for entry in STALE]
    await engine._refresh_turn_credentials()
    assert rest.asked == ["/api/v1/ice-servers"]
    assert [entry.model_dump() for entry in engine.ice_servers] == FRESH


async def test_without_turn_nothing_is_asked_and_a_failure_keeps_what_there_is() -> None:
    rest = Rest(FRESH)
    engine = HeadlessAdvisor(rest.server_url, "anna", "", rest=rest)  # type: ignore[arg-type]
    engine.ice_servers = [IceServer(urls=["stun:stun.example.de:3478"])]
    await engine._refresh_turn_credentials()
    assert rest.asked == []

    failing = Rest(ServerError("unreachable", "the server is not reachable"))
    engine = HeadlessAdvisor(failing.server_url, "anna", "", rest=failing)  # type: ignore[arg-type]
    engine.ice_servers = [IceServer.model_validate(entry) for entry in STALE]
    await engine._refresh_turn_credentials()
    assert [entry.model_dump() for entry in engine.ice_servers] == STALE
