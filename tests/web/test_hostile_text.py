"""Hostile text (tests/security/corpus.py) on the customer pages in real Chromium: the
booking and manage pages, and the join page (sign-in, waiting, left message, text chat).
Shown as text, nothing runs, no element is made from it, nothing scrolls sideways.

With ``VB_SCREENSHOTS=<folder>`` the screenshots are saved there (docs/screenshots/)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from server.core.validation import clean_name, clean_text
from tests.security import corpus
from tests.security.test_hostile_text import mail_parts
from tests.web.conftest import BrowserProblems
from tests.web.flow import Advisor, choose, open_join_page, pass_system_check, send_chat, sign_in
from tests.web.test_booking_page import (
    fill_contact,
    manage_path,
    open_booking,
    pick_time,
    wait_for_mail,
)

pytestmark = pytest.mark.browser

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
    text, html, _ = mail_parts(mail)
    assert clean_name(corpus.NAME) in text
    assert "<script>" not in html and "&lt;script&gt;" in html
    page.goto(f"{live_server.url}{manage_path(mail)}")
    expect(page.get_by_role("heading", name="Ihr Termin", exact=True)).to_be_visible()
    inert.check("manage")


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
        page.locator("#chat-log").evaluate("log => { log.scrollTop = 0; }")
        inert.check("join-chat-top")
    finally:
        advisor.close()


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
