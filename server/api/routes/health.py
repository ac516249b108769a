from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter
from sqlalchemy import text

from server.api.deps import SessionDep
from server.api.schemas import COMMON_ERRORS, HealthOut, error_responses

router = APIRouter()

try:
    VERSION = version("videoberatung")
except PackageNotFoundError:  # running from a source tree without installation
    VERSION = "0+source"


@router.get("/healthz", response_model=HealthOut, tags=["operations"],
            responses=error_responses(*COMMON_ERRORS))
async def healthz(session: SessionDep) -> HealthOut:
    """Liveness and readiness: answers only if the database answers."""
    await session.execute(text("SELECT 1"))
    return HealthOut(status="ok", database="ok", version=VERSION)
