"""The body limit holds however a body is sent: with a length, or chunked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from server.api.middleware import MAX_BODY_BYTES

CHUNK = 16 * 1024


def chunks(total: int) -> Iterator[bytes]:
    """A JSON-looking body of ``total`` bytes, sent in pieces (no Content-Length)."""
    yield b'{"name": "'
    sent = 10
    while sent < total - 2:
        piece = b"x" * min(CHUNK, total - 2 - sent)
        sent += len(piece)
        yield piece
    yield b'"}'


def post_chunked(url: str, total: int) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=30) as client:
        request = client.build_request("POST", "/api/v1/public/bookings",
                                       content=chunks(total),
                                       headers={"Content-Type": "application/json"})
        assert "content-length" not in request.headers
        assert request.headers["transfer-encoding"] == "chunked"
        return client.send(request)


def test_a_chunked_body_over_the_limit_is_refused(live_server: Any) -> None:
    response = post_chunked(live_server.url, MAX_BODY_BYTES + CHUNK)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_chunked_body_under_the_limit_reaches_the_route(live_server: Any) -> None:
    response = post_chunked(live_server.url, MAX_BODY_BYTES - 100)
    assert response.status_code == 422  # read whole and validated: not a booking
    assert response.json()["error"]["code"] == "invalid"
