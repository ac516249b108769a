"""The two WebSocket endpoints. They only move text between the socket and a party."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from live_protocol import ErrorCode
from server.core.origins import origin_allowed
from server.live.hub import LiveHub, SendQueue
from server.live.parties import AdvisorParty, BaseParty, CustomerParty
from server.live.ratelimit import TokenBucket

log = logging.getLogger(__name__)
router = APIRouter()

STRIKES_BEFORE_CLOSE = 100  # messages refused for rate before we give up on a client


def _hub(websocket: WebSocket) -> LiveHub:
    hub: LiveHub = websocket.app.state.services.hub
    return hub


async def _receive_loop(websocket: WebSocket, party: BaseParty, hub: LiveHub) -> None:
    bucket = TokenBucket(rate=hub.settings.ws_messages_per_second,
                         burst=hub.settings.ws_burst)
    strikes = 0
    silence = hub.settings.heartbeat_seconds * 3
    while True:
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


async def _close_when_behind(websocket: WebSocket, queue: SendQueue) -> None:
    """Close a connection as soon as its live events were lost (its send queue overflowed,
    or the bus dropped its subscription), not at the client's next message: a waiting
    customer speaks only every heartbeat, and must not sit that long on a stale view.
    The client reconnects and resumes from the database."""
    await queue.overflowed.wait()
    await _close(websocket, 1013, "too far behind; reconnect")


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    """Close once, whoever closes first (the receive loop or the watch on the queue)."""
    if websocket.application_state == WebSocketState.DISCONNECTED:
        return
    with contextlib.suppress(RuntimeError):  # the other side was a moment faster
        await websocket.close(code=code, reason=reason)

async def _close_as_asked(websocket: WebSocket, party: BaseParty,
                          receiving: asyncio.Task[None], writer: asyncio.Task[None]) -> None:
    """The party asked to close (e.g. the advisor's sign-in ended): stop reading, send
    what is queued (its last word), then close with the party's code."""
    request = party.close_request
    assert request is not None
    receiving.cancel()
    with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
        await receiving
    party.queue.close()
    await asyncio.wait((writer,), timeout=1.0)
    with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
        await websocket.close(code=request.code, reason=request.reason)


async def _serve(websocket: WebSocket, party_type: type[BaseParty]) -> None:
    hub = _hub(websocket)
    if not origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"),
                          hub.settings.websocket_origins):
        await websocket.close(code=1008, reason="origin not allowed")  # before accept: 403
        return
    address = websocket.client.host if websocket.client else "unknown"
    if not hub.addresses.acquire(address):
        await websocket.close(code=1008, reason="too many connections from this address")
        return
    try:
        await websocket.accept()
        queue = SendQueue(websocket.send_text)
        party = party_type(hub, queue)
        party.address = address
        writer = asyncio.create_task(queue.run())
        watch = asyncio.create_task(_close_when_behind(websocket, queue))
        hub.parties.add(party)
        receiving = asyncio.create_task(_receive_loop(websocket, party, hub))
        asked = asyncio.create_task(party.close_requested.wait())
        try:
            await asyncio.wait((receiving, asked), return_when=asyncio.FIRST_COMPLETED)
            if receiving.done():
                receiving.result()
            else:
                await _close_as_asked(websocket, party, receiving, writer)
        except WebSocketDisconnect:
            pass
        finally:
            for task in (receiving, asked):
                task.cancel()
            hub.parties.discard(party)
            queue.close()
            for task in (writer, watch):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await party.close()
    finally:
        hub.addresses.release(address)


@router.websocket("/ws/customer")
async def customer_socket(websocket: WebSocket) -> None:
    await _serve(websocket, CustomerParty)


@router.websocket("/ws/advisor")
async def advisor_socket(websocket: WebSocket) -> None:
    await _serve(websocket, AdvisorParty)
