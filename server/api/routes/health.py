from __future__ import annotations

import asyncio
import logging
from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter, Response
from sqlalchemy import text

from server.api.deps import ServicesDep
from server.api.schemas import COMMON_ERRORS, HealthOut, error_responses

log = logging.getLogger(__name__)
router = APIRouter()

DATABASE_TIMEOUT = 3.0
"""Seconds the database may take to answer before the instance counts as unhealthy: a
load balancer's check must get an answer, not hang with the database."""

try:
    VERSION = version("videoberatung")
except PackageNotFoundError:  # running from a source tree without installation
    VERSION = "0+source"


@router.get("/healthz", response_model=HealthOut, tags=["operations"],
            responses={**error_responses(*COMMON_ERRORS),
                       503: {"model": HealthOut, "description": "the database does not answer"}})
async def healthz(services: ServicesDep, response: Response) -> HealthOut:
    """Liveness and readiness: 200 while the database answers, else 503 (within
    DATABASE_TIMEOUT seconds) with ``database: unreachable``."""
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT), services.db.session() as session:
            await session.execute(text("SELECT 1"))
    except Exception as error:  # whatever the driver raises, the answer is the same
        log.warning("health check: the database does not answer (%s)", type(error).__name__)
        response.status_code = 503
        return HealthOut(status="unavailable", database="unreachable", version=VERSION)
    return HealthOut(status="ok", database="ok", version=VERSION)
