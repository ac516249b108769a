from __future__ import annotations

import asyncio
import email
import email.policy
import os
import stat
import time
from collections.abc import AsyncIterator, Callable
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest

from server.core.config import Settings, load_settings
from server.mail.compose import AppointmentMail, compose_appointment_mail
from server.mail.transport import (
    MailDeliveryError,
    OutboxFolderTransport,
    SmtpTransport,
    transport_from_settings,
)

from .conftest import SMTP_PASSWORD, Certificate, SmtpTestServer

MakeMail = Callable[..., AppointmentMail]
StartServer = Callable[..., SmtpTestServer]
JOIN_LINK = "https://beratung.example.de/join/join-token-123"
SENDER = "beratung@musterbank.example"
RECIPIENT = "joerg.mueller@example.de"


@pytest.fixture
def message(make_mail: MakeMail, settings: Settings) -> bytes:
    return compose_appointment_mail(make_mail(), settings).as_bytes()


def parse(data: bytes) -> EmailMessage:
    result = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(result, EmailMessage)
    return result


async def send(transport: SmtpTransport | OutboxFolderTransport, message: bytes) -> None:
    await transport.send(message, sender=SENDER, recipients=[RECIPIENT])


async def test_mail_arrives_intact_over_starttls_with_auth(
    smtp_server: StartServer, certificate: Certificate, message: bytes
) -> None:
    server = smtp_server()
    transport = SmtpTransport(server.url(), ca_file=certificate.cert_file, timeout=5)

    await send(transport, message)

    [received] = server.messages
    assert (received.sender, received.recipients) == (SENDER, [RECIPIENT])
    mail = parse(received.content)
    assert mail["Subject"] == "Ihre Video-Beratung am Di., 1. Dez. 2026 um 10:00 Uhr"
    for subtype in ("plain", "html"):
        body = mail.get_body((subtype,))
        assert body is not None and JOIN_LINK in body.get_content()
    [attachment] = mail.iter_attachments()
    assert attachment.get_filename() == "einladung.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert calendar.events[0]["uid"] == "appointment-42@beratung.example.de"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_mail_arrives_over_implicit_tls(
    smtp_server: StartServer, certificate: Certificate, message: bytes
) -> None:
    server = smtp_server(implicit_tls=True)
    transport = SmtpTransport(server.url(), ca_file=certificate.cert_file, timeout=5)

    await send(transport, message)

    assert len(server.messages) == 1


async def test_wrong_password_is_a_delivery_error_without_the_password(
    smtp_server: StartServer, certificate: Certificate, message: bytes
) -> None:
    server = smtp_server()
    wrong = "wrong-password-4711"
    transport = SmtpTransport(server.url(password=wrong), ca_file=certificate.cert_file, timeout=5)

    with pytest.raises(MailDeliveryError, match="authentication rejected") as caught:
        await send(transport, message)

    assert wrong not in str(caught.value) and wrong not in repr(transport)
    assert SMTP_PASSWORD not in str(caught.value)
    assert server.messages == []


async def test_untrusted_certificate_is_a_delivery_error(
    smtp_server: StartServer, message: bytes
) -> None:
    server = smtp_server()
    transport = SmtpTransport(server.url(), ca_file=None, timeout=5)

    with pytest.raises(MailDeliveryError, match="certificate"):
        await send(transport, message)


async def test_server_down_for_a_while(
    smtp_server: StartServer, certificate: Certificate, message: bytes
) -> None:
    server = smtp_server()
    transport = SmtpTransport(server.url(), ca_file=certificate.cert_file, timeout=2)
    server.stop()

    started = time.monotonic()
    with pytest.raises(MailDeliveryError, match=f"127.0.0.1:{server.port}"):
        await send(transport, message)
    assert time.monotonic() - started < 2

    server.start()
    await send(transport, message)
    assert len(server.messages) == 1


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts connections and never says a word, like a hung mail server."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def test_hung_server_times_out(silent_server: int, message: bytes) -> None:
    transport = SmtpTransport(f"smtp://127.0.0.1:{silent_server}", ca_file=None, timeout=0.5)

    with pytest.raises(MailDeliveryError, match="timed out"):
        await asyncio.wait_for(send(transport, message), timeout=5)


def test_credentials_are_never_sent_without_tls() -> None:
    with pytest.raises(ValueError, match="without TLS"):
        SmtpTransport("smtp://user:pw@relay.local:25?starttls=no", ca_file=None, timeout=5)


def test_url_parts_are_decoded() -> None:
    transport = SmtpTransport("smtp://us%40er:p%2Fw%3A@mail.example.de", ca_file=None, timeout=5)

    assert (transport.hostname, transport.port) == ("mail.example.de", 587)
    assert transport.starttls
    assert (transport._username, transport._password) == ("us@er", "p/w:")


async def test_outbox_writes_one_private_eml_per_mail(tmp_path: Path, message: bytes) -> None:
    folder = tmp_path / "outbox" / "nested"
    transport = OutboxFolderTransport(folder)

    await send(transport, message)
    await send(transport, message)

    files = sorted(folder.iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    for file in files:
        assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
        assert parse(file.read_bytes())["Subject"].startswith("Ihre Video-Beratung")


async def test_outbox_that_cannot_be_written_is_a_delivery_error(
    tmp_path: Path, message: bytes
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")

    with pytest.raises(MailDeliveryError, match="outbox"):
        await send(OutboxFolderTransport(blocker / "outbox"), message)


def test_transport_follows_the_settings(tmp_path: Path, settings: Settings) -> None:
    assert isinstance(transport_from_settings(settings), OutboxFolderTransport)
    smtp = load_settings(data_dir=tmp_path, smtp_url="smtps://u:p@mail.example.de")
    transport = transport_from_settings(smtp)
    assert isinstance(transport, SmtpTransport)
    assert (transport.port, transport.implicit_tls) == (465, True)
