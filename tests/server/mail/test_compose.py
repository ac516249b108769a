from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage

import icalendar
import pytest

from server.core.config import Settings
from server.mail.compose import AppointmentMail, MailKind, compose_appointment_mail

MakeMail = Callable[..., AppointmentMail]

SEED_LABELS = (
    "„Chat starten“",
    "„Weiter“",
    "„Anmelden“",
    "„Bild und Ton übertragen“",
    "„nur Text übertragen“",
    "„Gewählte Verbindung aufbauen“",
)
ENGLISH_LABELS = ("Start chat", "Continue", "Sign in", "Picture and sound", "Text only", "Connect")


def parsed(message: EmailMessage) -> EmailMessage:
    """The message as a mail client would see it: serialised and parsed again."""
    result = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(result, EmailMessage)
    return result


def text_and_html(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def invitation(message: EmailMessage) -> tuple[EmailMessage, icalendar.Calendar]:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part, icalendar.Calendar.from_ical(part.get_content())


def test_confirmation_is_text_and_html_alternatives_plus_invitation(
    make_mail: MakeMail, settings: Settings
) -> None:
    message = parsed(compose_appointment_mail(make_mail(), settings))

    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in alternative.iter_parts())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_content_charset() == "utf-8"
    assert attachment.get_filename() == "einladung.ics"
    assert attachment.get_content_disposition() == "attachment"


def test_headers_identify_an_automatic_mail_from_the_bank(
    make_mail: MakeMail, settings: Settings
) -> None:
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    message = parsed(compose_appointment_mail(make_mail(), settings, now=now))

    assert message["From"].addresses[0].addr_spec == "beratung@musterbank.example"
    assert message["Subject"] == "Ihre Video-Beratung am Di., 1. Dez. 2026 um 10:00 Uhr"
    assert message["Date"].datetime == now
    assert message["Message-ID"].endswith("@musterbank.example>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "de"


@pytest.mark.parametrize(
    "name", ["Jörg Müller", 'Ännchen "Anni" von Öhringen-Süß', "Zoë O'Brien, Dr."]
)
def test_to_header_round_trips_names_with_umlauts_and_quotes(
    make_mail: MakeMail, settings: Settings, name: str
) -> None:
    message = parsed(compose_appointment_mail(make_mail(customer_name=name), settings))

    [address] = message["To"].addresses
    assert (address.display_name, address.addr_spec) == (name, "joerg.mueller@example.de")


def test_line_breaks_in_a_name_cannot_add_headers(make_mail: MakeMail, settings: Settings) -> None:
    name = "Eve\r\nBcc: victim@example.org"
    message = parsed(compose_appointment_mail(make_mail(customer_name=name), settings))

    assert message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Eve Bcc: victim@example.org"


def test_german_confirmation_explains_the_steps_with_the_seed_labels(
    make_mail: MakeMail, settings: Settings
) -> None:
    text, html = text_and_html(parsed(compose_appointment_mail(make_mail(), settings)))

    for body in (text, html):
        for label in SEED_LABELS:
            assert label in body
        assert "Dienstag, 1. Dezember 2026" in body
        assert "10:00 – 10:45 Uhr (MEZ)" in body
        assert "Anna Schmidt" in body and "Baufinanzierung" in body
        assert "ab 30 Minuten vor Beginn" in body
        assert "Rufen Sie unsere Online-Berater an:" in body
        assert "+49 30 9876543" in body
        assert "Termin verschieben oder absagen" in body
        assert "Sie legen fest, ob Sie den Berater sehen möchten" in body
    assert "https://beratung.example.de/join/join-token-123" in text
    assert 'href="https://beratung.example.de/join/join-token-123"' in html
    assert 'href="https://beratung.example.de/manage/manage-token-456"' in html
    assert 'href="tel:+49309876543"' in html


def test_english_confirmation_uses_the_english_labels(
    make_mail: MakeMail, settings: Settings
) -> None:
    mail = make_mail(language="en", topic_name="Mortgage")
    message = parsed(compose_appointment_mail(mail, settings))
    text, html = text_and_html(message)

    assert message["Subject"] == "Your video consultation on Tue 1 Dec 2026 at 10:00"
    for body in (text, html):
        for label in ENGLISH_LABELS:
            assert f"“{label}”" in body
        assert not any(label in body for label in SEED_LABELS)
        assert "Tuesday, 1 December 2026" in body
        assert "10:00 – 10:45 (CET)" in body
        assert "Call our online advisors: " in body.replace("\n", " ").replace("</p>", "")
        assert "+49 30 9876543" in body
    _, calendar = invitation(message)
    assert invitation(message)[0].get_filename() == "invitation.ics"
    assert calendar.events[0]["summary"] == "Video consultation with Anna Schmidt"


def test_summer_time_is_labelled_mesz(make_mail: MakeMail, settings: Settings) -> None:
    mail = make_mail(
        starts_at=datetime(2026, 7, 14, 12, 30, tzinfo=UTC),
        ends_at=datetime(2026, 7, 14, 13, 15, tzinfo=UTC),
    )
    message = parsed(compose_appointment_mail(mail, settings))

    assert message["Subject"] == "Ihre Video-Beratung am Di., 14. Juli 2026 um 14:30 Uhr"
    assert "14:30 – 15:15 Uhr (MESZ)" in text_and_html(message)[0]


def test_html_escapes_the_customer_name(make_mail: MakeMail, settings: Settings) -> None:
    name = '<script>alert(1)</script> & "Ö"'
    message = parsed(compose_appointment_mail(make_mail(customer_name=name), settings))
    text, html = text_and_html(message)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Ö&#34;" in html
    assert f"Guten Tag {name}," in text


def test_html_is_self_contained(make_mail: MakeMail, settings: Settings) -> None:
    _, html = text_and_html(parsed(compose_appointment_mail(make_mail(), settings)))

    assert "<img" not in html and "@import" not in html and "<link" not in html
    assert "Musterbank eG" in html


@pytest.mark.parametrize(
    ("kind", "subject", "heading"),
    [
        (MailKind.RESCHEDULED, "Neuer Termin: Ihre Video-Beratung", "Ihr Termin wurde verschoben"),
        (MailKind.REMINDER_24H, "Erinnerung: Ihre Video-Beratung", "Erinnerung an Ihren Termin"),
        (MailKind.REMINDER_1H, "Erinnerung: Ihre Video-Beratung", "beginnt in Kürze"),
    ],
)
def test_rescheduling_and_reminders_carry_the_join_instructions(
    make_mail: MakeMail, settings: Settings, kind: MailKind, subject: str, heading: str
) -> None:
    message = parsed(compose_appointment_mail(make_mail(kind=kind), settings))
    text, html = text_and_html(message)

    assert message["Subject"].startswith(subject)
    for body in (text, html):
        assert heading in body
        assert "https://beratung.example.de/join/join-token-123" in body
        assert all(label in body for label in SEED_LABELS)
    assert invitation(message)[0].get_param("method") == "REQUEST"


def test_cancellation_offers_a_new_booking_and_cancels_the_invitation(
    make_mail: MakeMail, settings: Settings
) -> None:
    mail = make_mail(kind=MailKind.CANCELLATION, ics_sequence=2)
    message = parsed(compose_appointment_mail(mail, settings))
    text, html = text_and_html(message)

    assert message["Subject"] == "Abgesagt: Ihre Video-Beratung am Di., 1. Dez. 2026 um 10:00 Uhr"
    for body in (text, html):
        assert "Ihr Termin wurde abgesagt" in body
        assert "https://beratung.example.de/book" in body
        assert "+49 30 9876543" in body
        assert "/join/" not in body
    part, calendar = invitation(message)
    assert part.get_param("method") == "CANCEL"
    assert calendar.events[0]["status"] == "CANCELLED"


@pytest.mark.parametrize(
    "overrides",
    [
        {"language": "fr"},
        {"join_link": None},
        {"starts_at": datetime(2026, 12, 1, 10, 0)},
        {"ends_at": datetime(2026, 12, 1, 8, 0, tzinfo=UTC)},
    ],
)
def test_inconsistent_mails_are_rejected_when_built(
    make_mail: MakeMail, overrides: dict[str, object]
) -> None:
    with pytest.raises(ValueError):
        make_mail(**overrides)
