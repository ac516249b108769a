"""Which browser pages may open the WebSockets. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit


def origin_allowed(origin: str | None, host: str | None, allowed: Sequence[str]) -> bool:
    """True for a page of an allowed origin or of this very server (its ``Host``).

    A missing ``Origin`` is allowed: browsers always send one on a WebSocket, so only
    non-browser clients (the console's ``websockets`` client, tools) omit it, and they
    are not the cross-site threat the check exists for — a foreign page in a customer's
    browser can't drop the header. Both sockets authenticate inside the protocol anyway.
    """
    if origin is None:
        return True
    origin = origin.rstrip("/").lower()
    if origin in (a.lower() for a in allowed):
        return True
    parts = urlsplit(origin)
    return bool(host) and parts.scheme in ("http", "https") and parts.netloc == (host or "").lower()
