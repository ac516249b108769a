"""Advisor sign-in and sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from server.accounts import service as accounts
from server.api.deps import AdvisorDep, ServicesDep, SessionDep, TokenDep
from server.api.schemas import (
    SIGNED_IN_ERRORS,
    AdvisorOut,
    SignInRequest,
    SignInResponse,
    error_responses,
)
from server.live.hub import SignInsEnded

router = APIRouter(prefix="/api/v1/auth", tags=["accounts"],
                   responses=error_responses(*SIGNED_IN_ERRORS))


@router.post("/sign-in", response_model=SignInResponse)
async def sign_in(
    body: SignInRequest, request: Request, session: SessionDep, services: ServicesDep
) -> SignInResponse:
    result = await accounts.sign_in(
        session,
        body.username,
        body.password,
        # Behind the reverse proxy this is the forwarded address (uvicorn's proxy_headers).
        address=request.client.host if request.client else "unknown",
        lifetime=services.settings.session_lifetime,
        policy=services.throttle_policy,
    )
    await session.commit()  # the token must work the moment the client has it
    return SignInResponse(
        token=result.token, expires_at=result.expires_at, advisor=AdvisorOut.of(result.advisor)
    )


@router.post("/sign-out", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out(
    advisor: AdvisorDep, token: TokenDep, session: SessionDep, services: ServicesDep
) -> None:
    sign_in_id = await accounts.sign_out(session, token)
    await session.commit()
    if sign_in_id is not None:
        await services.hub.sign_ins_ended(SignInsEnded(
            advisor.id, accounts.EndOfSignIn.SIGNED_OUT, (sign_in_id,)))


@router.get("/me", response_model=AdvisorOut)
async def me(advisor: AdvisorDep) -> AdvisorOut:
    return AdvisorOut.of(advisor)
