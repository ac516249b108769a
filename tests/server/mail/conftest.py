"""A real SMTP server (aiosmtpd) with STARTTLS and AUTH, and a self-signed certificate."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from server.core.config import Settings, load_settings
from server.mail.compose import AppointmentMail, MailKind

SMTP_USER = "mailer"
SMTP_PASSWORD = "s3cret pässword/with:odd@chars"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path,
        public_url="https://beratung.example.de",
        organisation_name="Musterbank eG",
        phone_number="+49 30 9876543",
        mail_from="Musterbank Online-Beratung <beratung@musterbank.example>",
    )


@pytest.fixture
def make_mail(settings: Settings) -> Callable[..., AppointmentMail]:
    """Factory for an appointment mail; keyword arguments override the defaults."""

    def make(**overrides: Any) -> AppointmentMail:
        cancelled = overrides.get("kind") is MailKind.CANCELLATION
        values: dict[str, Any] = {
            "kind": MailKind.CONFIRMATION,
            "language": "de",
            "customer_name": "Jörg Müller",
            "customer_email": "joerg.mueller@example.de",
            "advisor_name": "Anna Schmidt",
            "topic_name": "Baufinanzierung",
            "starts_at": dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC),
            "ends_at": dt.datetime(2026, 12, 1, 9, 45, tzinfo=dt.UTC),
            "ics_uid": "appointment-42@beratung.example.de",
            "ics_sequence": 0,
            "join_link": None if cancelled else settings.join_link("join-token-123"),
            "manage_link": None if cancelled else settings.manage_link("manage-token-456"),
            "booking_link": "https://beratung.example.de/book",
        }
        return AppointmentMail(**(values | overrides))

    return make


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path


@pytest.fixture
def certificate(tmp_path: Path) -> Certificate:
    """A self-signed certificate for localhost and 127.0.0.1; clients trust it via ca_file."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file = tmp_path / "smtp-cert.pem"
    key_file = tmp_path / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_file, key_file)


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: list[str]
    content: bytes


@dataclass
class CollectingHandler:
    messages: list[ReceivedMail] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    accepted = isinstance(data, LoginPassword) and (
        data.login.decode() == SMTP_USER and data.password.decode() == SMTP_PASSWORD
    )
    return AuthResult(success=accepted, handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpTestServer:
    """An aiosmtpd server on a fixed port that can be stopped and started again."""

    def __init__(self, certificate: Certificate, *, implicit_tls: bool) -> None:
        self.port = _free_port()
        self.implicit_tls = implicit_tls
        self.handler = CollectingHandler()
        self._tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._tls.load_cert_chain(certificate.cert_file, certificate.key_file)
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[ReceivedMail]:
        return self.handler.messages

    def url(self, user: str = SMTP_USER, password: str = SMTP_PASSWORD) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@127.0.0.1:{self.port}"

    def start(self) -> None:
        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls, so with implicit
        # TLS (already encrypted from the first byte) that check has to be off.
        tls_options: dict[str, Any] = (
            {"ssl_context": self._tls, "auth_require_tls": False}
            if self.implicit_tls
            else {"tls_context": self._tls, "require_starttls": True, "auth_require_tls": True}
        )
        self._controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=_authenticate,
            auth_required=True,
            **tls_options,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(certificate: Certificate) -> Iterator[Callable[..., SmtpTestServer]]:
    """Factory: ``smtp_server()`` starts a STARTTLS server, ``implicit_tls=True`` an SMTPS one."""
    servers: list[SmtpTestServer] = []

    def start(*, implicit_tls: bool = False) -> SmtpTestServer:
        server = SmtpTestServer(certificate, implicit_tls=implicit_tls)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
