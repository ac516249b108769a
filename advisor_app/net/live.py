"""The console's WebSocket to the server: hello, heartbeat, and reconnecting by itself.

Incoming frames are parsed into :mod:`live_protocol` models and land in ``events`` (an
asyncio queue), with a :class:`Disconnected` marker whenever the connection drops; after
a reconnect the server's ``welcome`` carries the whole state again, so nothing needs
replaying here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import websockets

from live_protocol import (
    HEARTBEAT_SECONDS,
    PROTOCOL_VERSION,
    ErrorCode,
    ProtocolError,
    messages as m,
)
from live_protocol.codec import parse_server_to_advisor

log = logging.getLogger(__name__)

FATAL_CODES = {ErrorCode.NOT_AUTHENTICATED, ErrorCode.UNSUPPORTED_PROTOCOL}


@dataclass(frozen=True)
class Disconnected:
    """The connection to the server dropped; it is being re-established."""

    type: str = "disconnected"


AdvisorEvent = m.ServerToAdvisor | Disconnected


class AdvisorConnection:
    def __init__(self, ws_url: str, token: str) -> None:
        self.url = f"{ws_url.rstrip('/')}/ws/advisor"
        self.token = token
        self.heartbeat_seconds = HEARTBEAT_SECONDS  # until the server names its own
        self.events: asyncio.Queue[AdvisorEvent] = asyncio.Queue()
        self.connected = asyncio.Event()
        self.failed: str | None = None  # set when the server refuses us for good
        self._socket: Any = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="advisor-connection")

    async def send(self, message: m.AdvisorToServer) -> None:
        await self.connected.wait()
        await self._socket.send(message.model_dump_json(exclude_none=True))

    async def _run(self) -> None:
        pause = 0.5
        while self.failed is None:
            try:
                async with websockets.connect(self.url, max_size=2**20) as socket:
                    self._socket = socket
                    hello = m.AdvisorHello(type="hello", protocol=PROTOCOL_VERSION,
                                           token=self.token)
                    await socket.send(hello.model_dump_json())
                    pause = 0.5
                    beat: asyncio.Task[None] | None = None
                    try:
                        async for raw in socket:
                            message = self._parse(raw)
                            if message is None:
                                continue
                            if isinstance(message, m.AdvisorWelcome):
                                self.heartbeat_seconds = message.heartbeat_seconds
                                if beat is None:
                                    beat = asyncio.create_task(self._heartbeat(socket))
                                self.connected.set()
                            elif (isinstance(message, m.ErrorMessage)
                                  and message.code in FATAL_CODES):
                                self.failed = message.code
                            await self.events.put(message)
                    finally:
                        if beat is not None:
                            beat.cancel()
            except (OSError, websockets.WebSocketException) as problem:
                log.info("connection to the server lost (%s); retrying", problem)
            self.connected.clear()
            if self.failed is None:
                await self.events.put(Disconnected())
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10.0)

    @staticmethod
    def _parse(raw: str | bytes) -> m.ServerToAdvisor | None:
        try:
            return parse_server_to_advisor(raw)
        except ProtocolError as problem:
            # A newer server may say more than this console knows: skip, don't fail.
            log.warning("ignoring a message from the server: %s", problem.message)
            return None

    async def _heartbeat(self, socket: Any) -> None:
        ping = m.Ping(type="ping").model_dump_json()
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            await socket.send(ping)

    async def close(self) -> None:
        self.failed = self.failed or "closed"
        if self._socket is not None:
            await self._socket.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
