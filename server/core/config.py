"""The one settings object of the server, read from ``VB_*`` environment variables.

A ``.env`` file in the working directory is read too. A bad value stops start-up with
one line naming the variable (see :func:`load_settings`).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from live_protocol.messages import HEARTBEAT_SECONDS, IceTransportPolicy

ENV_PREFIX = "VB_"

Language = Literal["de", "en"]
# pydantic-settings would decode a list from JSON only, and a plain value would end in a
# traceback; NoDecode hands the raw text to ``_list_value`` instead.
TextList = Annotated[list[str], NoDecode]
HOST_PATTERN = re.compile(r"^[A-Za-z0-9._:-]+$|^\[[0-9A-Fa-f:.]+\]$")


class ConfigError(Exception):
    """A configuration value is unusable; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    data_dir: Path = Field(Path("var"), description="Folder for the SQLite database and outbox.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default SQLite in the data folder."
    )
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    public_url: str | None = Field(
        None, description="How customers reach the server, e.g. https://beratung.example.de"
    )

    organisation_name: str = Field("Videoberatung", min_length=1, max_length=120)
    phone_number: str = Field(
        "+49 30 1234567", description="Number customers call for a confirmation by phone."
    )
    timezone: str = "Europe/Berlin"
    default_language: Language = "de"

    mail_from: str = "Videoberatung <beratung@localhost>"
    smtp_url: str | None = Field(
        None, description="smtp://user:pass@host:587 (STARTTLS) or smtps://…:465 (TLS)"
    )
    smtp_ca_file: Path | None = Field(None, description="Extra CA bundle to trust for SMTP TLS.")
    smtp_timeout_seconds: float = Field(30.0, gt=0)

    session_hours: float = Field(12.0, gt=0, le=24 * 30, description="Advisor sign-in lifetime.")
    sign_in_max_failures: int = Field(
        5, ge=1, le=100, description="failed sign-ins of one account from one address per window"
    )
    sign_in_max_failures_per_address: int = Field(
        20, ge=1, le=10_000, description="failed sign-ins from one address, all accounts"
    )
    sign_in_max_failures_per_account: int = Field(
        100, ge=0, le=100_000,
        description="failed sign-ins of one account from all addresses; 0: no ceiling",
    )
    sign_in_window_minutes: int = Field(15, ge=1, le=24 * 60)

    booking_horizon_days: int = Field(60, ge=1, le=365)
    booking_min_notice_minutes: int = Field(60, ge=0, le=7 * 24 * 60)
    join_opens_minutes_before: int = Field(30, ge=0, le=24 * 60)
    join_closes_hours_after: float = Field(2.0, gt=0, le=48)

    mail_poll_seconds: float = Field(5.0, gt=0, le=3600)
    reminder_poll_seconds: float = Field(60.0, gt=0, le=3600)

    redis_url: str | None = Field(None, description="redis://host:6379/0 for several instances")
    stun_urls: TextList = Field(default_factory=list, description="e.g. stun:turn.example.de:3478")
    turn_urls: TextList = Field(
        default_factory=list, description="e.g. turn:turn.example.de:3478?transport=udp"
    )
    turn_secret: str | None = Field(None, min_length=16, description="coturn static-auth-secret")
    turn_ttl_seconds: int = Field(6 * 3600, ge=60, le=48 * 3600)
    ice_transport_policy: IceTransportPolicy = Field(
        "all", description="relay: both peers send media only through the TURN server"
    )

    grace_seconds: float = Field(60.0, gt=0, le=3600,
                                 description="how long a vanished customer keeps their place")
    heartbeat_seconds: float = Field(
        HEARTBEAT_SECONDS, ge=1, le=300,
        description="how often clients ping (told to them in welcome); 3 silent beats close",
    )
    chat_max_chars: int = Field(2000, ge=100, le=4000)
    ws_messages_per_second: float = Field(10.0, gt=0, description="per live connection")
    ws_burst: float = Field(40.0, ge=1, description="messages a connection may send at once")
    allowed_origins: TextList = Field(
        default_factory=list,
        description="Origins whose pages may open the WebSockets; default the public URL's",
    )

    # Per client address and instance (see server/live/ratelimit.py); nginx limits the whole.
    limit_bookings_per_hour: int = Field(5, ge=1, le=10_000)
    limit_messages_per_hour: int = Field(5, ge=1, le=10_000, description="left messages")
    limit_walk_ins_per_hour: int = Field(10, ge=1, le=10_000,
                                         description="sign-ins without an appointment")
    limit_changes_per_hour: int = Field(10, ge=1, le=10_000,
                                        description="cancellations and reschedulings by link")
    limit_public_per_minute: int = Field(120, ge=1, le=100_000,
                                         description="every other public request")
    limit_line_checks_per_hour: int = Field(
        10, ge=1, le=10_000, description="TURN credentials for the system check's line test")

    # argon2id's cost per password (server/core/security.py); the default is the library's
    # recommendation, below OWASP's minimum the server warns at start-up.
    password_hash_time_cost: int = Field(3, ge=1, le=20, description="argon2id passes")
    password_hash_memory_kib: int = Field(65536, ge=8, le=4_194_304,
                                          description="argon2id memory per hash, KiB")

    log_json: bool = False
    metrics_token: str | None = Field(
        None, min_length=16,
        description="Bearer token for GET /metrics; unset: only loopback clients may read it",
    )
    retention_days: int = Field(
        90, ge=0, le=3650,
        description="Erase customers' personal data this many days after the visit; 0 never",
    )

    @field_validator("stun_urls", "turn_urls", "allowed_origins", mode="before")
    @classmethod
    def _list_value(cls, value: object) -> object:
        """A JSON list, or comma-separated values."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError:
                raise ValueError("is neither a JSON list nor comma-separated values") from None
            if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
                raise ValueError("must be a JSON list of strings")
            return parsed
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not HOST_PATTERN.match(value):
            raise ValueError(f"not a host name or IP address: {value!r}")
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str) -> str:
        _, address = parseaddr(value)
        if "@" not in address or any(c.isspace() for c in address):
            raise ValueError(f"not a mail address like 'Name <name@example.de>': {value!r}")
        return value

    @field_validator("data_dir")
    @classmethod
    def _folder(cls, value: Path) -> Path:
        if not str(value).strip() or (value.exists() and not value.is_dir()):
            raise ValueError(f"must be a folder, got {str(value)!r}")
        return value

    @field_validator("smtp_ca_file")
    @classmethod
    def _existing_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {str(value)!r}")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or (
                parts.path or parts.query or parts.fragment
            ):
                raise ValueError(f"{origin!r} is not an origin like https://beratung.example.de")
        return [origin.rstrip("/") for origin in origins]

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use e.g. Europe/Berlin)") from None
        return value

    @field_validator("phone_number")
    @classmethod
    def _valid_phone(cls, value: str) -> str:
        try:
            parsed = phonenumbers.parse(value, "DE")
        except phonenumbers.NumberParseException:
            raise ValueError(f"not a phone number: {value!r}") from None
        if not phonenumbers.is_possible_number(parsed):
            raise ValueError(f"not a possible phone number: {value!r}")
        return value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an http:// or https:// URL, got {value!r}")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or fragment")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = value.split("://", 1)[0]
        aliases = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg",
                   "sqlite": "sqlite+aiosqlite"}
        if scheme in aliases:
            return aliases[scheme] + value[len(scheme):]
        if scheme not in ("postgresql+asyncpg", "sqlite+aiosqlite"):
            raise ValueError(
                f"unsupported database {scheme!r}: use sqlite:///path or postgresql://…"
            )
        return value

    @field_validator("stun_urls", "turn_urls")
    @classmethod
    def _ice_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("stun:", "turn:", "turns:")):
                raise ValueError(f"{url!r} is not a stun:, turn: or turns: URL")
        return urls

    @field_validator("ice_transport_policy")
    @classmethod
    def _relay_needs_turn(cls, value: str, info: ValidationInfo) -> str:
        if value == "relay" and not (info.data.get("turn_urls") and info.data.get("turn_secret")):
            raise ValueError("relay needs a TURN server: set VB_TURN_URLS and VB_TURN_SECRET")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("must look like redis://host:6379/0")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("must look like smtp://user:password@host:587 or smtps://host:465")
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise ValueError("has an invalid port") from None
        return value

    # Derived values ---------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'videoberatung.db').resolve()}"

    @property
    def resolved_public_url(self) -> str:
        if self.public_url:
            return self.public_url
        host = "localhost" if self.host in ("127.0.0.1", "0.0.0.0", "::") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def websocket_origins(self) -> list[str]:
        """Origins whose pages may open the WebSockets (besides the server's own host)."""
        if self.allowed_origins:
            return list(self.allowed_origins)
        parts = urlsplit(self.resolved_public_url)
        return [f"{parts.scheme}://{parts.netloc}"]

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    def join_link(self, token: str) -> str:
        return f"{self.resolved_public_url}/join/{token}"

    def manage_link(self, token: str) -> str:
        return f"{self.resolved_public_url}/manage/{token}"


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    message = first["msg"].removeprefix("Value error, ")
    value = first.get("input")
    # Our own validators name the value already; never echo a URL that may hold a password.
    secret = field in ("smtp_url", "database_url", "redis_url", "turn_secret", "metrics_token")
    echo = first["type"] != "value_error" and not secret
    shown = f" (got {value!r})" if echo and isinstance(value, str | int | float) else ""
    return f"{ENV_PREFIX}{field.upper()}: {message}{shown}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise :class:`ConfigError` with a one-line message when invalid."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


def load_settings_or_exit(**overrides: object) -> Settings:
    """For command-line entry points: print one line and exit with status 2 on bad config."""
    try:
        return load_settings(**overrides)
    except ConfigError as error:
        print(f"videoberatung: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
