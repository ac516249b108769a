"""Password hashing (argon2id) and random tokens that are stored only as hashes.

Hashing a password takes about a tenth of a second of CPU on purpose. The server never
does it on its event loop: :func:`hash_password` and :func:`verify_password` run it in a
worker thread, with at most :data:`HASHING_THREADS` (the CPUs but one) running at once. A
burst of sign-ins waits for its turn without taking more threads or the loop, which
keeps answering everyone else.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.core.turns import Turns

# argon2id with the library's recommended time and memory cost, in one lane: the
# default four lanes run as four threads, which would take every CPU from the event loop.
_hasher = PasswordHasher(parallelism=1)
# Verified against when the user name is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10


def _hashing_threads() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cpus or 1) - 1)  # leave a CPU to the event loop


HASHING_THREADS = _hashing_threads()
_hashing = Turns(HASHING_THREADS)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    """The argon2id hash of ``password``, computed off the event loop."""
    async with _hashing:
        return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches, checked off the event loop. ``None`` (unknown user)
    is checked against a dummy hash, so it costs the same time as a known user."""
    async with _hashing:
        return await asyncio.to_thread(_verify, password_hash, password)


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is unacceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > 1024:
        return "the password is too long"
    return None


def new_token(nbytes: int = 16) -> str:
    """A URL-safe random token (16 bytes = 128 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """How a token is stored: SHA-256 is enough for 128+ random bits (no guessing to slow)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(left: str, right: str) -> bool:
    return hmac.compare_digest(left, right)
