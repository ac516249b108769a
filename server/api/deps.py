"""FastAPI dependencies: the database session, the signed-in advisor and the per-address
limits."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.service import advisor_for_token
from server.core.errors import Forbidden, NotAuthenticated
from server.db.models import Advisor, Role
from server.live.ratelimit import PublicLimit
from server.services import Services

_bearer = HTTPBearer(auto_error=False)


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_session(services: ServicesDep) -> AsyncIterator[AsyncSession]:
    async with services.db.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("sign in first (Authorization: Bearer <token>)")
    return credentials.credentials


TokenDep = Annotated[str, Depends(bearer_token)]


async def current_advisor(session: SessionDep, token: TokenDep) -> Advisor:
    return await advisor_for_token(session, token)


AdvisorDep = Annotated[Advisor, Depends(current_advisor)]


async def current_admin(advisor: AdvisorDep) -> Advisor:
    if advisor.role != Role.ADMIN:
        raise Forbidden("this needs an administrator")
    return advisor


AdminDep = Annotated[Advisor, Depends(current_admin)]


def limited(limit: PublicLimit) -> Any:
    """A dependency that counts ``limit`` for the client's address: 429 with Retry-After
    once over (the address is the proxy's X-Forwarded-For when uvicorn trusts it)."""

    async def check(request: Request, services: ServicesDep) -> None:
        address = request.client.host if request.client else "unknown"
        services.hub.limits.check(limit, address, time.monotonic())

    return Depends(check)
