"""Delivery of finished messages: an outbox folder (default) or an SMTP server.

A transport either accepts a message or raises :class:`MailDeliveryError`; the mail
queue decides about retries. Error messages name the failure, never the mail's
content or the SMTP password.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import ssl
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from server.core.config import Settings

DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
JOIN_LINK = re.compile(rb"https?://[^\s\"<>]+/join/[A-Za-z0-9_-]+")

log = logging.getLogger(__name__)


class MailDeliveryError(Exception):
    """A message could not be handed over; the text says why, briefly."""


class MailTransport(Protocol):
    async def send(self, message: bytes, *, sender: str, recipients: list[str]) -> None:
        """Hand ``message`` over for delivery, or raise :class:`MailDeliveryError`."""
        ...


class OutboxFolderTransport:
    """Writes each message as an ``.eml`` file, for demos and for a pickup by other tools."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: bytes, *, sender: str, recipients: list[str]) -> None:
        """Store ``message`` as ``<UTC time>-<random>.eml``; the envelope is not kept."""
        try:
            path = await asyncio.to_thread(self._write, message)
        except OSError as error:
            raise MailDeliveryError(
                f"cannot write to outbox folder {self.folder}: {error.strerror or error}"
            ) from error
        # Without a mail server (the demo), the log is where the join link is found.
        link = JOIN_LINK.search(message)
        log.info("mail written to %s%s", path,
                 f"; join link: {link.group().decode()}" if link else "")

    def _write(self, message: bytes) -> Path:
        # 0700/0600: the mails carry customers' names and personal links.
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        target = self.folder / f"{stamp}-{secrets.token_hex(4)}.eml"
        temporary = target.with_suffix(".tmp")
        # Readers of the folder must never see half a mail: write aside, then rename.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(message)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _fsync_folder(self.folder)
        return target


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class SmtpTransport:
    """Sends through an SMTP server given as ``smtp://user:pass@host:587`` or ``smtps://…``.

    ``smtp://`` requires STARTTLS; ``?starttls=no`` turns it off, for a local relay
    without credentials only. ``smtps://`` uses TLS from the first byte.
    Certificates are always verified (system CAs plus ``ca_file``).
    """

    def __init__(self, url: str, *, ca_file: Path | None, timeout: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError("SMTP URL must look like smtp://user:password@host:587")
        self.hostname = parts.hostname
        self.port = parts.port or DEFAULT_PORTS[parts.scheme]
        self.implicit_tls = parts.scheme == "smtps"
        starttls_off = parse_qs(parts.query).get("starttls") == ["no"]
        self.starttls = not self.implicit_tls and not starttls_off
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        if self._username and not (self.implicit_tls or self.starttls):
            raise ValueError("refusing to send SMTP credentials without TLS (starttls=no)")
        self.ca_file = ca_file
        self.timeout = timeout

    def __repr__(self) -> str:
        tls = self.implicit_tls or self.starttls
        return f"SmtpTransport({self.hostname}:{self.port}, tls={tls})"

    async def send(self, message: bytes, *, sender: str, recipients: list[str]) -> None:
        """Deliver ``message`` to the server; raise :class:`MailDeliveryError` on any failure."""
        try:
            await aiosmtplib.send(
                message,
                sender=sender,
                recipients=recipients,
                hostname=self.hostname,
                port=self.port,
                username=self._username,
                password=self._password,
                use_tls=self.implicit_tls,
                start_tls=self.starttls,
                tls_context=self._tls_context() if self.implicit_tls or self.starttls else None,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise MailDeliveryError(
                f"SMTP delivery via {self.hostname}:{self.port} failed: {_reason(error)}"
            ) from error

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.ca_file is not None:
            context.load_verify_locations(cafile=self.ca_file)
        return context


def _reason(error: BaseException) -> str:
    """A short, password-free description of an SMTP failure."""
    if isinstance(error, aiosmtplib.SMTPAuthenticationError):
        return f"authentication rejected ({error.code})"
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return "all recipients refused"
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"server replied {error.code} {error.message[:200]}"
    if isinstance(error, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return "timed out"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"TLS error ({error.reason})"
    return str(error)[:200] or type(error).__name__


def transport_from_settings(settings: Settings) -> MailTransport:
    """SMTP when ``VB_SMTP_URL`` is set, otherwise the outbox folder in the data folder."""
    if settings.smtp_url:
        return SmtpTransport(
            settings.smtp_url, ca_file=settings.smtp_ca_file, timeout=settings.smtp_timeout_seconds
        )
    return OutboxFolderTransport(settings.outbox_dir)
