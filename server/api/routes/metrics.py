"""``GET /metrics`` for Prometheus, and the middleware that counts server errors for it.

Who may read it: with ``VB_METRICS_TOKEN`` set, whoever sends
``Authorization: Bearer <token>``; without it, only clients on the loopback interface
(a scraper on the same host). Behind nginx the client address is the forwarded one, so
the figures stay private unless a token is configured.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.deps import ServicesDep
from server.api.routes.health import VERSION
from server.core.counters import InstanceCounters
from server.core.errors import Forbidden, NotAuthenticated
from server.db.models import utcnow
from server.operations.metrics import (
    CONTENT_TYPE,
    build_families,
    read_shared_figures,
    render,
)

router = APIRouter(tags=["operations"])


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_metrics_access(request: Request, token: str | None) -> None:
    """Raise unless the request may read the figures (see the module's docstring)."""
    if token is None:
        if not is_loopback(request.client.host if request.client else None):
            raise Forbidden("metrics are served to local clients only (or set VB_METRICS_TOKEN)")
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(),
                                                             token.encode()):
        raise NotAuthenticated("send Authorization: Bearer <VB_METRICS_TOKEN>")


# Not in /openapi.json: it is no part of the REST API, and it has its own access rule
# (above) instead of the advisors' sign-in. README documents it.
@router.get("/metrics", response_class=PlainTextResponse, include_in_schema=False)
async def metrics(request: Request, services: ServicesDep) -> PlainTextResponse:
    """Figures for Prometheus: waiting customers, sessions, connections, mail, errors."""
    check_metrics_access(request, services.settings.metrics_token)
    async with services.db.session() as session:
        shared = await read_shared_figures(session, services.settings, utcnow())
    hub = services.hub
    body = render(build_families(shared, hub.connections(), hub.counters, VERSION))
    return PlainTextResponse(body, media_type=CONTENT_TYPE,
                             headers={"Cache-Control": "no-store"})


class ServerErrorCounter:
    """Counts HTTP responses with a 5xx status, including unhandled exceptions (which the
    outermost error handler turns into a 500 after they passed through here)."""

    def __init__(self, app: ASGIApp, counters: InstanceCounters) -> None:
        self.app = app
        self.counters = counters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        counted = False

        async def counting_send(message: Message) -> None:
            nonlocal counted
            if message["type"] == "http.response.start" and message["status"] >= 500:
                counted = True
                self.counters.http_server_errors += 1
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        except Exception:
            if not counted:
                self.counters.http_server_errors += 1
            raise
