"""Blocking WebSocket clients for the security tests: they keep what they receive, check
that every frame from the server is a protocol message, and tell how a connection ended."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from live_protocol.codec import parse_server_to_advisor, parse_server_to_customer

# The close codes docs/protocol.md and server/api/ws.py name: not authorised or flooding
# (1008), a frame over the server's limit (1009), too far behind (1013).
DOCUMENTED_CLOSE_CODES = {1008, 1009, 1013}


class Peer:
    def __init__(self, url: str, endpoint: str) -> None:
        self.endpoint = endpoint
        self._stack = contextlib.ExitStack()
        self.connection: ClientConnection = self._stack.enter_context(connect(
            f"{url}/ws/{endpoint}", max_size=2**22, open_timeout=10, close_timeout=2))
        self.received: list[dict[str, Any]] = []
        self._parse: Callable[[str], Any] = (
            parse_server_to_customer if endpoint == "customer" else parse_server_to_advisor)

    @property
    def close_code(self) -> int | None:
        return self.connection.protocol.close_code

    def send(self, frame: str | bytes) -> bool:
        """Send a frame; False when the server has closed the connection already."""
        try:
            self.connection.send(frame)
        except ConnectionClosed:
            return False
        return True

    def next_message(self, timeout: float) -> dict[str, Any] | None:
        """The next message, or None once the connection is closed."""
        try:
            raw = self.connection.recv(timeout=timeout)
        except ConnectionClosed:
            return None
        assert isinstance(raw, str), f"the server sent a binary frame: {raw!r}"
        message = self._parse(raw).model_dump(mode="json", by_alias=True)
        self.received.append(message)
        return message

    def expect(self, kind: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.next_message(deadline - time.monotonic())
            if message is None:
                raise AssertionError(f"closed ({self.close_code}) before {kind}; "
                                     f"received {self.received[-5:]}")
            if message["type"] == kind:
                return message
        raise AssertionError(f"no {kind} within {timeout} s; received {self.received[-5:]}")

    def ping_or_close_code(self, timeout: float = 10.0, pongs_before: int = 0) -> str | int:
        """Ping and wait: ``"pong"`` if the connection is usable, else its close code.
        ``pongs_before``: pings sent earlier whose pongs are still to come."""
        self.send('{"type": "ping"}')
        pending = pongs_before + 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.next_message(deadline - time.monotonic())
            except TimeoutError:
                break
            if message is None:
                assert self.close_code is not None
                return self.close_code
            if message["type"] == "pong":
                pending -= 1
                if pending == 0:
                    return "pong"
        raise AssertionError(f"neither pong nor a close within {timeout} s; "
                             f"received {self.received[-5:]}")

    def wait_closed(self, timeout: float = 10.0) -> int | None:
        """Read until the server closes; its close code (None if it did not)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.next_message(deadline - time.monotonic()) is None:
                    return self.close_code
            except TimeoutError:
                break
        return None

    def close(self) -> None:
        self._stack.close()
