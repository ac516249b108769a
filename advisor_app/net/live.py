"""The console's WebSocket to the server: hello, heartbeat, and reconnecting by itself.

Incoming messages land in ``events`` (an asyncio queue); after a reconnect the server's
``welcome`` carries the whole state again, so nothing needs replaying here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import websockets

from server.live.protocol import PROTOCOL_VERSION

log = logging.getLogger(__name__)

FATAL_CODES = {"not_authenticated", "unsupported_protocol"}


class AdvisorConnection:
    def __init__(self, ws_url: str, token: str, *, heartbeat_seconds: float = 15.0) -> None:
        self.url = f"{ws_url.rstrip('/')}/ws/advisor"
        self.token = token
        self.heartbeat_seconds = heartbeat_seconds
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connected = asyncio.Event()
        self.failed: str | None = None  # set when the server refuses us for good
        self._socket: Any = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="advisor-connection")

    async def send(self, **message: Any) -> None:
        await self.connected.wait()
        await self._socket.send(json.dumps(message))

    async def _run(self) -> None:
        pause = 0.5
        while self.failed is None:
            try:
                async with websockets.connect(self.url, max_size=2**20) as socket:
                    self._socket = socket
                    await socket.send(json.dumps(
                        {"type": "hello", "protocol": PROTOCOL_VERSION, "token": self.token}))
                    pause = 0.5
                    beat = asyncio.create_task(self._heartbeat(socket))
                    try:
                        async for raw in socket:
                            message = json.loads(raw)
                            if message.get("type") == "welcome":
                                self.connected.set()
                            elif (message.get("type") == "error"
                                  and message.get("code") in FATAL_CODES):
                                self.failed = message["code"]
                            await self.events.put(message)
                    finally:
                        beat.cancel()
            except (OSError, websockets.WebSocketException) as problem:
                log.info("connection to the server lost (%s); retrying", problem)
            self.connected.clear()
            if self.failed is None:
                await self.events.put({"type": "disconnected"})
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10.0)

    async def _heartbeat(self, socket: Any) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            await socket.send(json.dumps({"type": "ping"}))

    async def close(self) -> None:
        self.failed = self.failed or "closed"
        if self._socket is not None:
            await self._socket.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
