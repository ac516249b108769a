"""The customer's whole visit on a phone: Chromium with mobile emulation (a 360×740
Android phone, touch, three device pixels per CSS pixel; and the same turned to
landscape) against the real server, with the headless advisor engine on the other side
of a real video call.

At every step: no sideways scrolling, and every control at least 44×44 CSS pixels
(WCAG 2.5.5). What counts as a control and what is exempt, as WCAG has it:

- buttons, links, text fields, selects and the labels of check boxes and radio
  buttons (the label is what the finger hits; the box inside it need not be 44 px);
- exempt: a link inside a sentence (its size is set by the line of text: WCAG 2.5.5's
  "inline" exception), and the skip link, which is off screen until it has the focus.

Set VB_SCREENSHOT_DIR (e.g. docs/screenshots) to save docs/screenshots/phone-*.png of
every step, portrait and landscape.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.accessibility import no_horizontal_scroll
from tests.web.conftest import BrowserProblems
from tests.web.flow import RECORDER, Advisor, remote_video_plays
from tests.web.test_booking_page import CUSTOMER, mail_text, manage_path, wait_for_mail
from tests.web.test_join_page import join_path_from_log

pytestmark = pytest.mark.browser

MIN_TARGET = 44
ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Mobile Safari/537.36")
ORIENTATIONS = {
    "portrait": {"width": 360, "height": 740},
    "landscape": {"width": 740, "height": 360},
}

# Visible controls smaller than 44×44 CSS pixels, by the rules in this module's docstring.
SMALL_TARGETS = """(minimum) => {
  const visible = (e) => e.checkVisibility() && !e.closest('[hidden]');
  const inSentence = (link) => {
    const block = link.closest('p, li, dd, td, label, span.field__hint');
    return block !== null && block.textContent.trim() !== link.textContent.trim();
  };
  const targets = [];
  for (const e of document.querySelectorAll('a[href], button, input, select, textarea')) {
    if (!visible(e) && !(e.labels?.length && visible(e.labels[0]))) continue;
    if (e.matches('.skip-link')) continue;
    if (e.matches('a') && inSentence(e)) continue;
    const target = e.matches('input[type=checkbox], input[type=radio]') ? e.labels?.[0] : e;
    if (!target) { targets.push(`${e.id || e.name}: no label to tap`); continue; }
    const box = target.getBoundingClientRect();
    if (box.width + 0.5 < minimum || box.height + 0.5 < minimum) {
      const name = (e.id || e.name || '') + ' ' + (target.textContent || '').trim().slice(0, 30);
      targets.push(`${name.trim()}: ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return targets;
}"""

# Where the test-tone button sits on the page, every frame from its first showing: it is
# there to be tapped while the camera, microphone and line are still being checked, so
# nothing those checks add may move it from under the customer's finger.
TONE_BUTTON_WATCH = """
window.__toneButtonTops = [];
const watchToneButton = () => {
  const button = document.getElementById('play-tone');
  if (button && button.checkVisibility()) {
    let top = 0;  // from the top of the page, whatever is scrolled
    for (let e = button; e; e = e.offsetParent) top += e.offsetTop;
    const tops = window.__toneButtonTops;
    if (tops[tops.length - 1] !== top) tops.push(top);
  }
  requestAnimationFrame(watchToneButton);
};
requestAnimationFrame(watchToneButton);
"""


@pytest.fixture
def advisor(live_server: Any) -> Iterator[Advisor]:
    advisor = Advisor(live_server)
    yield advisor
    advisor.close()


def phone(chromium: Browser, orientation: str) -> Page:
    context = chromium.new_context(
        viewport=ORIENTATIONS[orientation], screen=ORIENTATIONS[orientation],
        device_scale_factor=3, is_mobile=True, has_touch=True, user_agent=ANDROID,
        locale="de-DE")
    page = context.new_page()
    page.add_init_script(RECORDER)
    page.add_init_script(TONE_BUTTON_WATCH)
    return page


class Steps:
    """Checks each step as a customer's phone shows it and keeps its screenshot."""

    def __init__(self, page: Page, orientation: str) -> None:
        self.page = page
        self.orientation = orientation
        self.count = 0
        self.problems: list[str] = []
        self.folder = os.environ.get("VB_SCREENSHOT_DIR")

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_timeout(200)  # layout after the step's change settles
        width, viewport = no_horizontal_scroll(page)
        if width > viewport:
            self.problems.append(f"{name}: {width} px wide on a {viewport} px phone")
        small = page.evaluate(SMALL_TARGETS, MIN_TARGET)
        if small:
            self.problems.append(f"{name}: touch targets under 44 px: {small}")
        self.count += 1
        if self.folder:
            Path(self.folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(self.folder) / (
                f"phone-{self.orientation}-{self.count:02d}-{name}.png")), full_page=True,
                            scale="css")

    def assert_fine(self) -> None:
        assert self.problems == [], f"{self.orientation}:\n" + "\n".join(self.problems)


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_a_whole_video_visit_on_a_phone(
    live_server: Any, chromium: Browser, advisor: Advisor, orientation: str
) -> None:
    page = phone(chromium, orientation)
    problems = BrowserProblems(page)
    steps = Steps(page, orientation)
    assert page.evaluate("matchMedia('(pointer: coarse)').matches")

    page.goto(f"{live_server.url}{join_path_from_log(live_server)}")
    expect(page.get_by_role("button", name="Chat starten")).to_be_visible()
    steps.check("join-landing")
    page.get_by_role("button", name="Chat starten").tap()

    expect(page.get_by_role("heading", name="Technik-Check")).to_be_visible()
    for name in ("webrtc", "camera", "microphone", "server", "media", "quality"):
        expect(page.locator(f'[data-check="{name}"]')).to_have_attribute(
            "data-state", "ok", timeout=15000)
    tops = page.evaluate("window.__toneButtonTops")
    assert len(tops) == 1, f"the test-tone button moved during the check: {tops}"
    page.get_by_role("button", name="Testton abspielen").tap()
    page.get_by_role("button", name="Ja", exact=True).tap()
    expect(page.locator('[data-check="speaker"]')).to_have_attribute("data-state", "ok")
    steps.check("join-check")
    page.get_by_role("button", name="Weiter", exact=True).tap()

    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    page.get_by_role("button", name="Anmelden").tap()
    expect(page.locator("#signin-name-error")).not_to_be_empty()
    steps.check("join-signin-errors")
    page.get_by_label("Ihr Name").fill("Erika Mustermann")
    page.get_by_label("Telefonnummer für Rückrufe").fill("030 1234567")
    page.get_by_label("Ich habe die Sicherheits-, Rechts- und Datenschutzhinweise").tap()
    expect(page.get_by_label("Ich habe die Sicherheits-, Rechts- und Datenschutzhinweise")
           ).to_be_checked()
    page.get_by_role("button", name="Anmelden").tap()

    expect(page.locator('[data-step="waiting"]')).to_be_visible()
    expect(page.locator("#waiting-place")).not_to_be_empty()
    steps.check("join-waiting")
    page.get_by_role("button", name="Nachricht schreiben").tap()
    steps.check("join-message")
    page.get_by_role("button", name="Weiter warten").tap()

    advisor.accept_next()
    expect(page.get_by_role("heading", name="Anna Berater ist jetzt für Sie da")).to_be_visible()
    page.get_by_label("Der Berater darf mich sehen").tap()
    expect(page.get_by_label("Der Berater darf mich sehen")).to_be_checked()
    steps.check("join-choice")
    page.get_by_role("button", name="Gewählte Verbindung aufbauen").tap()

    expect(page.locator('[data-step="session"]')).to_be_visible()
    remote_video_plays(page)
    advisor.receives_picture_and_sound("the advisor sees and hears the phone")
    page.get_by_label("Ihre Nachricht", exact=True).fill("Ich bin am Handy.")
    page.get_by_role("button", name="Senden").tap()
    advisor.wait_for(lambda e: e.type == "chat_message" and e.line.text == "Ich bin am Handy.")
    advisor.run(advisor.engine.say("Sie sind gut zu sehen."))
    expect(page.locator(".chat__line--advisor")).to_have_count(1)
    steps.check("join-session-video")
    page.get_by_role("button", name="Mikrofon aus").tap()
    expect(page.get_by_role("button", name="Mikrofon aus")).to_have_attribute(
        "aria-pressed", "true")
    steps.check("join-session-muted")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Beratung beenden").tap()
    expect(page.get_by_role("heading", name="Vielen Dank für Ihr Gespräch")).to_be_visible()
    page.locator(".rating__star").nth(3).tap()
    steps.check("join-ended")
    page.get_by_role("button", name="Bewertung senden").tap()
    expect(page.locator("#rating-thanks")).to_be_visible()
    page.context.close()
    steps.assert_fine()
    problems.assert_none()


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_booking_manage_and_legal_pages_on_a_phone(
    live_server: Any, chromium: Browser, orientation: str
) -> None:
    page = phone(chromium, orientation)
    problems = BrowserProblems(page)
    steps = Steps(page, orientation)
    page.goto(f"{live_server.url}/book")
    page.get_by_label("Baufinanzierung").tap()
    expect(page.locator(".slot-time").first).to_be_visible()
    steps.check("book-slots")
    page.locator(".slot-time").first.tap()
    page.get_by_role("button", name="Termin buchen").tap()
    expect(page.locator("#name-error")).not_to_be_empty()
    steps.check("book-errors")
    page.locator("#name").fill(CUSTOMER["name"])
    page.locator("#email").fill(CUSTOMER["email"])
    page.locator("#phone").fill(CUSTOMER["phone"])
    page.locator("#consent").tap()
    page.get_by_role("button", name="Termin buchen").tap()
    expect(page.get_by_role("heading", name="Ihr Termin ist gebucht")).to_be_visible()
    steps.check("book-confirmation")

    message = wait_for_mail(live_server, lambda m: CUSTOMER["email"] in str(m["To"])
                            and "/manage/" in mail_text(m))
    page.goto(f"{live_server.url}{manage_path(message)}")
    expect(page.get_by_role("button", name="Termin verschieben")).to_be_visible()
    steps.check("manage")
    page.get_by_role("button", name="Termin verschieben").tap()
    expect(page.locator("#slot-picker .slot-time").first).to_be_visible()
    steps.check("manage-reschedule")

    page.goto(f"{live_server.url}/legal/privacy")
    expect(page.locator("#document-text p").first).to_be_visible()
    steps.check("legal")
    page.context.close()
    steps.assert_fine()
    problems.assert_none()
