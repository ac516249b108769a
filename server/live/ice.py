"""STUN/TURN servers for both peers, with time-limited TURN credentials.

The TURN REST scheme (coturn's ``use-auth-secret``): the user name is
``<expiry unix time>:<who>``, the password base64(HMAC-SHA1(secret, user name)); coturn
recomputes it from the same shared secret and refuses it after the expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from live_protocol.views import IceServer
from server.core.config import Settings


def turn_credentials(secret: str, who: str, expires_at: datetime) -> tuple[str, str]:
    username = f"{int(expires_at.timestamp())}:{who}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


# Long enough to gather and run the system check's few seconds of line test, too short
# to be worth taking away as a free relay.
LINE_CHECK_TTL = timedelta(minutes=2)


def ice_servers(settings: Settings, who: str, now: datetime) -> list[IceServer]:
    """What the peers may use. Empty when nothing is configured: then no STUN server is
    contacted at all (aiortc and browsers must be given this list explicitly)."""
    servers = []
    if settings.stun_urls:
        servers.append(IceServer(urls=list(settings.stun_urls)))
    servers.extend(_turn(settings, who, now + timedelta(seconds=settings.turn_ttl_seconds)))
    return servers


def line_check_servers(settings: Settings, who: str, now: datetime) -> list[IceServer]:
    """The TURN servers alone, with credentials valid for :data:`LINE_CHECK_TTL`: the
    system check measures the line through our own relay. Empty without TURN."""
    return _turn(settings, who, now + LINE_CHECK_TTL)


def _turn(settings: Settings, who: str, expires: datetime) -> list[IceServer]:
    if not (settings.turn_urls and settings.turn_secret):
        return []
    username, password = turn_credentials(settings.turn_secret, who, expires)
    return [IceServer(urls=list(settings.turn_urls), username=username, credential=password)]
