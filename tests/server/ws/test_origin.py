"""Only pages of an allowed origin (or of this server itself) may open the WebSockets;
clients that send no Origin (the console, tools) may too."""

from __future__ import annotations

from typing import Any

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.fixtures.live import run_apart

ALLOWED = "https://beratung.example.de"


async def handshake(url: str, origin: str | None) -> int:
    """The HTTP status of the WebSocket handshake (101 when the socket opened)."""
    headers = {"Origin": origin} if origin else {}
    try:
        async with websockets.connect(url, additional_headers=headers, open_timeout=10):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


@pytest.mark.server_env(VB_ALLOWED_ORIGINS=f"{ALLOWED}, https://filiale.example.de")
@pytest.mark.parametrize("endpoint", ["/ws/customer", "/ws/advisor"])
def test_a_foreign_origin_is_refused_before_the_socket_opens(
    live_server: Any, endpoint: str
) -> None:
    url = live_server.url.replace("http://", "ws://") + endpoint

    async def statuses() -> dict[str | None, int]:
        origins = ["https://evil.example", "https://beratung.example.de.evil.example",
                   "null", ALLOWED, "https://filiale.example.de", live_server.url, None]
        return {origin: await handshake(url, origin) for origin in origins}

    assert run_apart(statuses()) == {
        "https://evil.example": 403,
        "https://beratung.example.de.evil.example": 403,
        "null": 403,  # a sandboxed frame or a file: page
        ALLOWED: 101,
        "https://filiale.example.de": 101,
        live_server.url: 101,  # the server's own pages
        None: 101,  # the console and other non-browser clients
    }


@pytest.mark.parametrize("endpoint", ["/ws/customer", "/ws/advisor"])
def test_by_default_the_public_url_and_the_own_host_are_allowed(
    live_server: Any, endpoint: str
) -> None:
    url = live_server.url.replace("http://", "ws://") + endpoint
    port = live_server.url.rsplit(":", 1)[1]

    async def statuses() -> list[int]:
        return [await handshake(url, origin) for origin in (
            f"http://localhost:{port}",  # the demo's public URL
            live_server.url, "https://evil.example")]

    assert run_apart(statuses()) == [101, 101, 403]
