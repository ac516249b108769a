"""Password hashing (argon2id) and random tokens that are stored only as hashes.

Hashing a password takes about a fifth of a second of CPU on purpose (argon2-cffi's
recommended cost: 64 MiB, three passes; the operator may set another with
``VB_PASSWORD_HASH_MEMORY_KIB`` and ``VB_PASSWORD_HASH_TIME_COST``, and a password
hashed at another cost is hashed again at the next sign-in). The server never
does it on its event loop: :func:`hash_password` and :func:`verify_password` run it in a
worker thread, with at most :data:`HASHING_THREADS` (the CPUs but one) running at once. A
burst of sign-ins waits for its turn without taking more threads or the loop, which
keeps answering everyone else.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import secrets
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.core.turns import Turns

if TYPE_CHECKING:
    from server.core.config import Settings

log = logging.getLogger(__name__)

# OWASP's smallest argon2id memory (KiB) for each number of passes (Password Storage
# Cheat Sheet); five passes or more: the last.
OWASP_MINIMUM_KIB = {1: 47104, 2: 19456, 3: 12288, 4: 9216, 5: 7168}

# argon2id in one lane: the default four lanes run as four threads, which would take
# every CPU from the event loop.
_hasher = PasswordHasher(parallelism=1)
# Verified against when the user name is unknown, so both paths cost the same time;
# made at start-up (configure_password_hashing) or on first need, not on import.
_dummy_hash: str | None = None


def configure_password_hashing(*, time_cost: int, memory_kib: int) -> None:
    """Hash at this cost from now on (the settings', at start-up)."""
    global _hasher, _dummy_hash
    if (_hasher.time_cost, _hasher.memory_cost) != (time_cost, memory_kib):
        _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        _dummy_hash = None
    _dummy()


def configure_password_hashing_from(settings: Settings) -> None:
    """The settings' cost (VB_PASSWORD_HASH_*), at start-up."""
    configure_password_hashing(time_cost=settings.password_hash_time_cost,
                               memory_kib=settings.password_hash_memory_kib)


def warn_if_weak_password_hashing() -> None:
    """Log a warning when new hashes are cheaper than OWASP's minimum (the server's start)."""
    time_cost, memory_kib = password_hash_cost()
    if memory_kib < OWASP_MINIMUM_KIB[min(time_cost, 5)]:
        log.warning("password hashing below OWASP's minimum for argon2id "
                    "(%d KiB, %d passes): fit for tests only", memory_kib, time_cost)


def password_hash_cost() -> tuple[int, int]:
    """(passes, memory in KiB) new hashes are made with."""
    return _hasher.time_cost, _hasher.memory_cost


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hash


MIN_PASSWORD_LENGTH = 10


def _hashing_threads() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cpus or 1) - 1)  # leave a CPU to the event loop


HASHING_THREADS = _hashing_threads()
_hashing = Turns(HASHING_THREADS)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy(), password) and password_hash is not None
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
