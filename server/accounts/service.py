"""Advisor accounts: creation, sign-in with throttling, bearer tokens, sign-out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.throttle import Attempt, ThrottlePolicy, retry_after
from server.core import security
from server.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, Throttled
from server.core.turns import Turns
from server.db.audit import audit
from server.db.models import Advisor, AuthToken, Role, SignInFailure, utcnow

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
# Sign-ins of this process recording their attempt at once: a burst waits here, in
# memory, instead of holding the connection pool (and SQLite's write lock) from everyone.
_bookkeeping = Turns(2)


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not 2 <= len(name) <= 64 or not set(name) <= USERNAME_CHARS:
        raise InvalidInput(
            "a user name has 2–64 characters: letters a–z, digits, '.', '_' or '-'", "username"
        )
    return name


async def create_advisor(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    display_name: str,
    email: str,
    role: Role = Role.ADVISOR,
    slot_minutes: int = 30,
) -> Advisor:
    username = normalise_username(username)
    problem = security.password_problem(password)
    if problem:
        raise InvalidInput(problem, "password")
    if not display_name.strip():
        raise InvalidInput("the display name must not be empty", "display_name")
    existing = await session.scalar(select(Advisor.id).where(Advisor.username == username))
    if existing is not None:
        raise Conflict(f"the user name {username!r} is taken")
    advisor = Advisor(
        username=username,
        password_hash=await security.hash_password(password),
        display_name=display_name.strip(),
        email=email,
        role=role,
        slot_minutes=slot_minutes,
    )
    session.add(advisor)
    await session.flush()
    audit(session, "system", "advisor.created", f"advisor:{advisor.id}", role=role.value)
    return advisor


@dataclass(frozen=True)
class SignIn:
    token: str
    expires_at: datetime
    advisor: Advisor


async def sign_in(
    session: AsyncSession,
    username: str,
    password: str,
    *,
    address: str,
    lifetime: timedelta,
    policy: ThrottlePolicy,
    now: datetime | None = None,
) -> SignIn:
    """Check the password and issue a bearer token; throttle repeated failures.

    The attempt is recorded as a failure and committed *before* the limits are checked,
    so attempts running at the same time, on any server instance, count each other: an
    attempt goes ahead only if fewer than the limit were recorded before it, and of any
    number of parallel attempts at most the limit reach the password check. A refused
    attempt is taken off the record again (it guessed nothing), and a successful one
    clears its account's failures from its address.
    """
    now = now or utcnow()
    key = username.strip().lower()[:64]
    async with _bookkeeping:
        attempt = SignInFailure(username=key, address=address[:64], at=now)
        await session.execute(delete(SignInFailure).where(SignInFailure.at < now - policy.window))
        session.add(attempt)
        await session.commit()
        earlier = (await session.execute(
            select(SignInFailure.username, SignInFailure.address, SignInFailure.at).where(
                SignInFailure.id != attempt.id,
                SignInFailure.at > now - policy.window,
                or_(SignInFailure.username == key, SignInFailure.address == attempt.address),
            )
        )).all()
        wait = retry_after([Attempt(*row) for row in earlier],
                           Attempt(key, attempt.address, now), policy)
        advisor = None
        if wait is None:
            advisor = await session.scalar(select(Advisor).where(Advisor.username == key))
        else:
            await session.delete(attempt)
        # End the transaction so its connection goes back to the pool while the password
        # check waits for its turn: a burst of sign-ins must not hold every connection.
        await session.commit()
    if wait is not None:
        seconds = math.ceil(wait.total_seconds())
        raise Throttled(
            f"too many failed sign-ins; try again in {max(1, math.ceil(seconds / 60))} minute(s)",
            seconds,
        )
    valid = await security.verify_password(advisor.password_hash if advisor else None, password)
    if advisor is None or not valid or not advisor.active:
        raise NotAuthenticated("wrong user name or password")

    if security.password_needs_rehash(advisor.password_hash):
        advisor.password_hash = await security.hash_password(password)
    await session.execute(delete(SignInFailure).where(
        SignInFailure.username == key, SignInFailure.address == attempt.address))
    token = security.new_token(32)
    expires_at = now + lifetime
    session.add(
        AuthToken(
            advisor_id=advisor.id,
            token_hash=security.token_hash(token),
            created_at=now,
            expires_at=expires_at,
        )
    )
    audit(session, f"advisor:{advisor.id}", "advisor.signed_in", f"advisor:{advisor.id}")
    return SignIn(token=token, expires_at=expires_at, advisor=advisor)


class EndOfSignIn(StrEnum):
    """Why a sign-in no longer holds."""

    SIGNED_OUT = "signed out"
    EXPIRED = "sign-in expired"
    DEACTIVATED = "account deactivated"


def _why_ended(row: AuthToken | None, now: datetime) -> EndOfSignIn | None:
    if row is None:
        return EndOfSignIn.SIGNED_OUT
    if not row.advisor.active:
        return EndOfSignIn.DEACTIVATED
    if row.revoked_at is not None:
        return EndOfSignIn.SIGNED_OUT
    if row.expires_at <= now:
        return EndOfSignIn.EXPIRED
    return None


async def sign_in_for_token(
    session: AsyncSession, token: str, now: datetime | None = None
) -> AuthToken:
    """The sign-in (with its advisor) behind a bearer token, or :class:`NotAuthenticated`."""
    row = await session.scalar(
        select(AuthToken).where(AuthToken.token_hash == security.token_hash(token))
    )
    ended = _why_ended(row, now or utcnow())
    if ended is EndOfSignIn.DEACTIVATED:
        raise NotAuthenticated("this account is disabled")
    if ended is not None or row is None:
        raise NotAuthenticated("not signed in, or the sign-in has expired")
    return row


async def advisor_for_token(
    session: AsyncSession, token: str, now: datetime | None = None
) -> Advisor:
    """The signed-in advisor behind a bearer token, or :class:`NotAuthenticated`."""
    return (await sign_in_for_token(session, token, now)).advisor


async def sign_in_ended(
    session: AsyncSession, sign_in_id: int, now: datetime | None = None
) -> EndOfSignIn | None:
    """Why the sign-in ``sign_in_id`` no longer holds, or None while it does."""
    row = await session.get(AuthToken, sign_in_id, populate_existing=True)
    return _why_ended(row, now or utcnow())


async def sign_out(session: AsyncSession, token: str) -> int | None:
    """Revoke the sign-in of ``token``; returns its id (None if it was not valid)."""
    revoked = await session.scalar(
        update(AuthToken)
        .where(AuthToken.token_hash == security.token_hash(token), AuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(AuthToken.id)
    )
    return revoked


async def deactivate_advisor(
    session: AsyncSession, advisor_id: int, *, by: Advisor | None
) -> Advisor:
    """Disable an account and revoke all its sign-ins. ``by`` is the administrator (None
    for the command line), who cannot deactivate themselves."""
    advisor = await session.get(Advisor, advisor_id)
    if advisor is None:
        raise NotFound("there is no such advisor")
    if by is not None and by.id == advisor.id:
        raise Conflict("you cannot deactivate your own account")
    advisor.active = False
    await session.execute(
        update(AuthToken)
        .where(AuthToken.advisor_id == advisor.id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit(session, f"advisor:{by.id}" if by else "system", "advisor.deactivated",
          f"advisor:{advisor.id}")
    return advisor
