"""Hostile text (markup, bidi overrides, zero-width characters, controls, emoji, very long
words) where it enters the server, in the mail that carries it on, and on the customer
pages in real Chromium (the console's side: tests/advisor/ui/test_hostile_text.py).

With ``VB_SCREENSHOTS=docs/screenshots`` the browser tests save what they looked at."""

from __future__ import annotations

import email.message
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from server.core.validation import clean_name, clean_text, normalise_phone
from tests.conftest import Api
from tests.security import corpus
from tests.server.api.test_booking import booking_body, calendar_of, queued_mails
from tests.server.conftest import Seeded, tomorrow_at
from tests.web.conftest import BrowserProblems
from tests.web.flow import Advisor, choose, open_join_page, pass_system_check, send_chat, sign_in
from tests.web.test_booking_page import (
    fill_contact,
    manage_path,
    open_booking,
    pick_time,
    wait_for_mail,
)

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


def _parts(mail: email.message.EmailMessage) -> tuple[str, str, bytes]:
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
    text, html, ics = _parts(mail)
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


# The customer pages in real Chromium ---------------------------------------------------

PHONE_WIDTH = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
# Elements or effects the corpus would create if a page treated it as markup or a link.
INJECTED = """() => [
  ...document.querySelectorAll('img[src="x"], [onerror], a[href^="javascript:"]'),
  ...[...document.scripts].filter((s) => s.textContent.includes("alert(1)")),
  ...[...document.querySelectorAll("b")].filter((b) => b.textContent === "x"),
].length"""


class Inert:
    """Watches a page for anything the corpus could set off: script errors, dialogs
    (``alert(1)``), elements made from the text, sideways scrolling."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems = BrowserProblems(page)
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self, shot: str) -> None:
        """Assert that nothing ran and nothing overflows, at phone and desktop width; save
        the screenshots (docs/screenshots/hostile-<shot>-<width>.png with VB_SCREENSHOTS).
        Refusals (422) are expected."""
        folder = os.environ.get("VB_SCREENSHOTS")
        for suffix, viewport in (("phone", PHONE_WIDTH), ("desktop", DESKTOP)):
            self.page.set_viewport_size(viewport)
            self.page.wait_for_timeout(100)
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{shot} {suffix}: {width} px wide"
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
                self.page.screenshot(path=str(Path(folder) / f"hostile-{shot}-{suffix}.png"),
                                     full_page=True)
        assert self.page.evaluate(INJECTED) == 0
        assert self.dialogs == []
        self.problems.assert_none(allow="status of 422")


@pytest.mark.browser
def test_booking_and_manage_pages_show_hostile_input_as_text(
    page: Page, live_server: Any,
) -> None:
    inert = Inert(page)
    open_booking(page, live_server.url)
    pick_time(page)
    email = f"o'brien&x=1{{a}}|b{'x' * 44}@example.org"  # a local part of 60 characters
    fill_contact(page, name=corpus.LONG_WORD, email=email, phone="0900 1234567")
    # The field takes 120 characters, as many as the server.
    assert page.locator("#name").input_value() == corpus.LONG_WORD[:120]
    page.get_by_role("button", name="Termin buchen").click()
    expect(page.locator("#phone-error")).to_have_text(
        "Bitte keine kostenpflichtige Sondernummer (0900, 0137, 0180), sondern eine "
        "Festnetz- oder Mobilnummer.")
    expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
    inert.check("book-charged-number")

    page.locator("#name").fill(corpus.NAME)
    page.locator("#phone").fill("030 1234567")
    page.get_by_role("button", name="Termin buchen").click()
    expect(page.get_by_role("heading", name="Ihr Termin ist gebucht")).to_be_visible()
    expect(page.locator("#confirmation")).to_contain_text(email)
    inert.check("book-confirmation")

    mail = wait_for_mail(live_server, lambda m: "o'brien" in str(m["To"]))
    text, html, _ = _parts(mail)
    assert clean_name(corpus.NAME) in text
    assert "<script>" not in html and "&lt;script&gt;" in html
    page.goto(f"{live_server.url}{manage_path(mail)}")
    expect(page.get_by_role("heading", name="Ihr Termin", exact=True)).to_be_visible()
    inert.check("manage")


@pytest.mark.browser
def test_join_page_shows_hostile_chat_as_text(page: Page, live_server: Any) -> None:
    inert = Inert(page)
    advisor = Advisor(live_server)
    try:
        open_join_page(page, live_server)
        pass_system_check(page)
        page.get_by_label("Ihr Name").fill(corpus.NAME)
        page.get_by_label("Telefonnummer für Rückrufe").fill("0180 5123456")
        page.get_by_label("Ich habe die Sicherheits-, Rechts- und Datenschutzhinweise").check()
        page.get_by_role("button", name="Anmelden").click()
        expect(page.locator("#signin-phone-error")).to_contain_text(
            "keine kostenpflichtige Sondernummer")
        inert.check("join-charged-number")
        page.get_by_label("Telefonnummer für Rückrufe").fill("030 1234567")
        page.get_by_role("button", name="Anmelden").click()
        expect(page.locator('[data-step="waiting"]')).to_be_visible()
        inert.check("join-waiting")

        waiting = advisor.run(advisor.engine.wait_for_customer())
        assert waiting.customer_name == clean_name(corpus.NAME)
        advisor.run(advisor.engine.accept(waiting.id))
        choose(page, video=False)
        send_chat(page, corpus.NAME + " " + corpus.LONG_WORD[:1800])
        advisor.wait_for(lambda e: e.type == "chat_message" and "javascript" in e.line.text)
        advisor.run(advisor.engine.say(corpus.TEXT))
        expect(page.locator(".chat__line--advisor")).to_contain_text("nach CR/LF")
        lines = page.locator(".chat__line").all_inner_texts()
        assert any("<script>alert(1)</script>" in line for line in lines)
        assert not any("\u202e" in line or "\u200b" in line for line in lines)
        inert.check("join-chat")

        # Straight over the page's WebSocket, past the input field: a NUL is refused,
        # bidi controls are dropped.
        page.evaluate("""() => {
          const socket = window.__sockets.at(-1);
          socket.send(JSON.stringify({type: "chat", text: "Null\\u0000Byte", client_id: "nul"}));
          socket.send(JSON.stringify({type: "chat", text: "Hallo \\u202eWelt", client_id: "bidi"}));
        }""")
        line = advisor.wait_for(lambda e: e.type == "chat_message"
                                and e.line.text.startswith("Hallo")).line
        assert line.text == "Hallo Welt"
        assert not any(e.type == "chat_message" and "Null" in e.line.text
                       for e in advisor.engine.events)
        page.locator("#chat-lines").evaluate("list => { list.scrollTop = 0; }")
        inert.check("join-chat-top")
    finally:
        advisor.close()


@pytest.mark.browser
def test_a_hostile_left_message_arrives_clean(page: Page, live_server: Any) -> None:
    inert = Inert(page)
    open_join_page(page, live_server)
    pass_system_check(page)
    sign_in(page, name=corpus.NAME)
    page.get_by_role("button", name="Nachricht schreiben").click()
    page.get_by_label("Ihre Nachricht an den Berater").fill(corpus.TEXT)
    page.get_by_label("Andere Rückrufnummer (freiwillig)").fill("0900 1234567")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.locator("#message-phone-error")).to_contain_text(
        "keine kostenpflichtige Sondernummer")
    inert.check("join-message")
    page.get_by_label("Andere Rückrufnummer (freiwillig)").fill("")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_role("heading", name="Vielen Dank für Ihre Nachricht")).to_be_visible()
    inert.check("join-message-sent")

    credentials = live_server.advisor_credentials
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        token = http.post("/api/v1/auth/sign-in", json={
            "username": credentials["username"], "password": credentials["password"],
        }).json()["token"]
        [message] = http.get("/api/v1/messages",
                             headers={"Authorization": f"Bearer {token}"}).json()
    assert message["customer_name"] == clean_name(corpus.NAME)
    assert message["text"] == clean_text(corpus.TEXT, 2000)
    assert "\r" not in message["text"] and "\u202e" not in message["text"]
