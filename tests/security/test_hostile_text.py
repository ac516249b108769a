"""Hostile text (markup, bidi overrides, zero-width characters, controls, emoji, very long
words) where it enters the server, and in the mail that carries it on. The same corpus on
the customer pages: tests/web/test_hostile_text.py; in the console:
tests/advisor/ui/test_hostile_text.py."""

from __future__ import annotations

import email.message
import json

import pytest

from live_protocol.codec import ProtocolError, parse_customer_message
from server.core.validation import clean_name, clean_text, normalise_phone
from tests.conftest import Api
from tests.security import corpus
from tests.server.api.test_booking import booking_body, calendar_of, queued_mails
from tests.server.conftest import Seeded, tomorrow_at

# The rules at the boundary --------------------------------------------------------


def test_names_lose_bidi_controls_and_zero_width_characters() -> None:
    assert clean_name(corpus.BIDI) == "Max redrah Muster"
    assert clean_name(corpus.ZERO_WIDTH) == "Erika"


def test_names_keep_markup_as_text_and_emoji_sequences_whole() -> None:
    assert clean_name(corpus.MARKUP) == corpus.MARKUP
    assert clean_name(corpus.EMOJI) == corpus.EMOJI


@pytest.mark.parametrize("name", [corpus.NUL, "Erika\x1bMustermann", "Erika\x7f", "Erika\ud800"])
def test_names_with_control_characters_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        clean_name(name)


def test_a_name_with_line_breaks_becomes_one_line() -> None:
    assert clean_name(corpus.CRLF_HEADER) == "Erika Bcc: evil@example.com X-Injected: 1"


def test_free_text_keeps_lines_and_tabs_but_not_carriage_returns() -> None:
    assert clean_text("a\r\nb\rc\n\td", 100) == "a\nb\nc\n\td"


@pytest.mark.parametrize("control", ["\x00", "\x08", "\x1b", "\x85", "\ud800"])
def test_free_text_with_control_characters_is_refused(control: str) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        clean_text(f"Guten{control} Tag", 100)


def test_free_text_loses_bidi_controls_and_zero_width_characters() -> None:
    assert clean_text(f"{corpus.BIDI}\n{corpus.ZERO_WIDTH}", 100) == "Max redrah Muster\nErika"
    with pytest.raises(ValueError, match="empty"):
        clean_text("\u200b\u202e\ufeff", 100)


@pytest.mark.parametrize("number", ["0900 1234567", "+49 900 1234567", "0137 1234567",
                                    "0180 5123456", "+49 1805 123456"])
def test_premium_rate_and_shared_cost_numbers_cannot_take_call_backs(number: str) -> None:
    with pytest.raises(ValueError, match="premium-rate and shared-cost"):
        normalise_phone(number)


@pytest.mark.parametrize("number", ["030 1234567", "0151 23456789", "+41 44 668 18 00",
                                    "0800 1234567", "\u202a030 1234567\u202c"])
def test_ordinary_numbers_are_still_taken(number: str) -> None:
    assert normalise_phone(number).startswith("+")


# Booking and the mails it sends -----------------------------------------------------


def mail_parts(mail: email.message.EmailMessage) -> tuple[str, str, bytes]:
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    [ics] = [part.get_payload(decode=True) for part in mail.walk()
             if part.get_content_type() == "text/calendar"]
    return text.get_content(), html.get_content(), ics


async def test_hostile_booking_fields_reach_the_mail_as_inert_text(
    api: Api, seeded: Seeded,
) -> None:
    name = f"{corpus.MARKUP}\r\nBcc: evil@example.com\r\nEND:VEVENT \u202e{corpus.FAMILY}\u200b"
    local = "o'brien&x=1{a}|b"  # valid as an e-mail local part, awkward in HTML
    body = await booking_body(api, seeded, tomorrow_at(10), name=name,
                              email=f"{local}@example.com", phone="\u2066030 1234567\u2069")
    response = await api.client.post("/api/v1/public/bookings", json=body)
    assert response.status_code == 201, response.text
    shown = f"{corpus.MARKUP} Bcc: evil@example.com END:VEVENT {corpus.FAMILY}"

    [mail] = await queued_mails(api)
    assert mail["Bcc"] is None and mail["X-Injected"] is None
    # Python's parser puts a space between adjacent encoded words (RFC 2047 says to drop
    # it); the header as sent is right, so compare without spaces.
    assert mail["To"].addresses[0].display_name.replace(" ", "") == shown.replace(" ", "")
    assert mail["To"].addresses[0].addr_spec == f"{local}@example.com"
    text, html, ics = mail_parts(mail)
    assert shown in text
    assert "<script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\u202e" not in text + html and "\u200b" not in text + html

    # One event, one attendee: the name stays inside the CN parameter.
    calendar = calendar_of(mail)
    [event] = calendar.walk("VEVENT")
    attendee = event["ATTENDEE"]
    assert not isinstance(attendee, list)
    assert attendee.params["CN"] == shown
    assert ics.count(b"BEGIN:VEVENT") == 1 and ics.count(b"END:VEVENT") == 1
    assert b"\r\nBcc" not in ics


@pytest.mark.parametrize(("field", "value"), [
    ("name", corpus.NUL), ("name", corpus.LONG_WORD), ("phone", "0900 1234567"),
    ("phone", "030\x001234567"), ("email", f"{corpus.MARKUP}@example.com"),
    ("email", "erika\u202e@example.com"),
])
async def test_booking_refuses_what_cannot_be_shown_or_called(
    api: Api, seeded: Seeded, field: str, value: str,
) -> None:
    body = await booking_body(api, seeded, tomorrow_at(11), **{field: value})
    response = await api.client.post("/api/v1/public/bookings", json=body)
    assert response.status_code == 422, response.text
    assert [entry["field"] for entry in response.json()["error"]["fields"]] == [field]
    assert await queued_mails(api) == []


async def test_a_premium_number_is_refused_with_a_reason(api: Api, seeded: Seeded) -> None:
    body = await booking_body(api, seeded, tomorrow_at(12), phone="0137 1234567")
    response = await api.client.post("/api/v1/public/bookings", json=body)
    assert response.status_code == 422
    [problem] = response.json()["error"]["fields"]
    assert "premium-rate and shared-cost" in problem["message"]


# The WebSocket protocol ----------------------------------------------------------------


@pytest.mark.parametrize("client_id", ["nul\x00", "a\r\nb", "<b>x</b>", "\u202e1"])
def test_chat_client_ids_are_plain_ascii(client_id: str) -> None:
    raw = json.dumps({"type": "chat", "text": "Hallo", "client_id": client_id})
    with pytest.raises(ProtocolError):
        parse_customer_message(raw)
    assert parse_customer_message(raw.replace(json.dumps(client_id), '"3f2a-0.51"'))
