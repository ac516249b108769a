"""The two WebSocket endpoints. They only move text between the socket and a party."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from live_protocol import ErrorCode
from server.live.hub import LiveHub, SendQueue
from server.live.parties import AdvisorParty, BaseParty, CustomerParty
from server.live.ratelimit import TokenBucket

log = logging.getLogger(__name__)
router = APIRouter()

STRIKES_BEFORE_CLOSE = 100  # messages refused for rate before we give up on a client


def _hub(websocket: WebSocket) -> LiveHub:
    hub: LiveHub = websocket.app.state.services.hub
    return hub


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    # The writer task may have found the client gone already (a send failed); then
    # there is nothing left to close.
    if websocket.application_state == WebSocketState.CONNECTED:
        await websocket.close(code=code, reason=reason)


async def _receive_loop(websocket: WebSocket, party: BaseParty, hub: LiveHub) -> None:
    bucket = TokenBucket(rate=hub.settings.ws_messages_per_second,
                         burst=hub.settings.ws_burst)
    strikes = 0
    silence = hub.settings.heartbeat_seconds * 3
    while not party.queue.overflowed.is_set():
        # receive(), not receive_text(): it still hears the client's disconnect after a
        # failed send, and a binary frame arrives as a message instead of a KeyError.
        try:
            frame = await asyncio.wait_for(websocket.receive(), timeout=silence)
        except TimeoutError:
            await _close(websocket, 1001, "no heartbeat")
            return
        if frame["type"] == "websocket.disconnect":
            return
        raw = frame.get("text")
        if raw is None:
            party.refuse(ErrorCode.INVALID_JSON, "send text frames with JSON")
            if party.authenticated:
                continue
            keep_open = False
        elif not bucket.allow(time.monotonic()):
            strikes += 1
            party.refuse(ErrorCode.RATE_LIMITED, "too many messages; slow down")
            if strikes > STRIKES_BEFORE_CLOSE:
                await _close(websocket, 1008, "rate limit")
                return
            continue
        else:
            try:
                keep_open = await party.handle(raw)
            except Exception:
                log.exception("live message failed")
                party.refuse(ErrorCode.INTERNAL,
                             "something went wrong on our side; please retry")
                keep_open = True
        if not keep_open:
            await asyncio.sleep(0.05)  # let the error reach the client before closing
            await _close(websocket, 1008, "not authorised")
            return
    await _close(websocket, 1013, "too far behind; reconnect")


async def _serve(websocket: WebSocket, party_type: type[BaseParty]) -> None:
    hub = _hub(websocket)
    address = websocket.client.host if websocket.client else "unknown"
    if not hub.addresses.acquire(address):
        await websocket.close(code=1008, reason="too many connections from this address")
        return
    try:
        await websocket.accept()
        queue = SendQueue(websocket.send_text)
        party = party_type(hub, queue)
        writer = asyncio.create_task(queue.run())
        hub.parties.add(party)
        try:
            await _receive_loop(websocket, party, hub)
        except WebSocketDisconnect:
            pass
        finally:
            hub.parties.discard(party)
            queue.close()
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
            await party.close()
    finally:
        hub.addresses.release(address)


@router.websocket("/ws/customer")
async def customer_socket(websocket: WebSocket) -> None:
    await _serve(websocket, CustomerParty)


@router.websocket("/ws/advisor")
async def advisor_socket(websocket: WebSocket) -> None:
    await _serve(websocket, AdvisorParty)
