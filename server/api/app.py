"""The FastAPI application: routes, error handling, and the background loops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.staticfiles import StaticFiles

from server.api import ws
from server.api.deps import current_admin
from server.api.errors import install_error_handlers
from server.api.middleware import SecurityMiddleware
from server.api.routes import (
    advisors,
    appointments,
    auth,
    health,
    live,
    metrics,
    pages,
    public,
)
from server.booking.service import mark_missed
from server.core.config import Settings
from server.core.paths import CUSTOMER_WEB_DIR
from server.db.models import utcnow
from server.operations.retention import retention_loop
from server.services import Services
from server.workflows.reminders import send_due_reminders

log = logging.getLogger(__name__)


async def _reminder_loop(services: Services) -> None:
    while True:
        try:
            if await send_due_reminders(services.db, services.settings):
                services.mail.wake()
            async with services.db.session() as session:
                await mark_missed(session, services.settings, utcnow())
        except Exception:  # keep reminding even after a database hiccup
            log.exception("reminder round failed")
        await asyncio.sleep(services.settings.reminder_poll_seconds)


def create_app(settings: Settings, *, background: bool = True) -> FastAPI:
    """Build the app. ``background=False`` skips the mail, reminder and retention loops
    (tests)."""
    services = Services.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks = []
        await services.hub.start()
        if background:
            tasks = [
                asyncio.create_task(services.mail.run(), name="mail-dispatcher"),
                asyncio.create_task(_reminder_loop(services), name="reminders"),
            ]
            if settings.retention_days:
                tasks.append(asyncio.create_task(
                    retention_loop(services.db, settings), name="retention"))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await services.hub.stop()
            await services.bus.close()
            await services.db.dispose()

    app = FastAPI(
        title="Videoberatung",
        summary="Video consultations: booking, waiting room and advisor console API.",
        version="1",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI needs a CDN and inline script; /openapi.json is enough
        redoc_url=None,
    )
    app.state.services = services
    install_error_handlers(app)
    app.add_middleware(SecurityMiddleware)
    app.add_middleware(metrics.ServerErrorCounter, counters=services.hub.counters)
    # Pages and scripts shrink to a third: it matters on a weak phone on a slow line.
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    for module in (health, metrics, auth, public, appointments, advisors, live, pages, ws):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=CUSTOMER_WEB_DIR), name="static")
    app.openapi = lambda: published_schema(app)  # type: ignore[method-assign]
    return app


def http_operations(app: FastAPI) -> list[RouteContext]:
    """Every REST operation of ``app``, with the routers it is included through resolved
    (path, methods, dependant)."""
    return [context for context in iter_route_contexts(app.routes)
            if isinstance(context.original_route, APIRoute)]


def needs_admin(dependant: Dependant) -> bool:
    return any(d.call is current_admin or needs_admin(d) for d in dependant.dependencies)


def published_schema(app: FastAPI) -> dict[str, Any]:
    """``/openapi.json``: every operation except the administrators' (creating advisors and
    topics, deactivating accounts), which the internet need not be shown."""
    if app.openapi_schema is None:
        routes = [context for context in http_operations(app)
                  if not needs_admin(context.dependant)]
        app.openapi_schema = get_openapi(title=app.title, version=app.version,
                                         summary=app.summary, routes=routes)
    return app.openapi_schema
