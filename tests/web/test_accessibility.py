"""WCAG 2.1 AA on the customer pages (the BFSG covers consumer banking services), in real
headless Chromium against the real server, with the headless advisor engine as the
other side of the call:

- axe-core (tests/web/accessibility.py) on every step and state of the join flow, the
  booking and manage pages and the legal pages, in German and English: no serious or
  critical violation (colour contrast included);
- the whole join flow with the keyboard alone, focus on each new step's heading;
- every status change (place in line, advisor ready, reconnecting, call ended) spoken
  through a live region; the toggle buttons say whether they are pressed;
- 200 % zoom (a 1280×800 screen: 640×400 CSS pixels at two device pixels each) without
  sideways scrolling, every control reachable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.fixtures.live import LiveClient
from tests.fixtures.waiting import eventually_blocking
from tests.web.accessibility import (
    ANNOUNCEMENT_RECORDER,
    AxeAudit,
    announcements,
    focused,
    no_horizontal_scroll,
)
from tests.web.conftest import BrowserProblems
from tests.web.flow import RECORDER, Advisor, drop_connection, remote_video_plays, walk_in
from tests.web.test_booking_page import CUSTOMER, mail_text, manage_path, wait_for_mail
from tests.web.test_join_page import book_via_api, join_path_from_log

pytestmark = pytest.mark.browser

LANGUAGES = ["de", "en"]


@pytest.fixture
def advisor(live_server: Any) -> Iterator[Advisor]:
    advisor = Advisor(live_server)
    yield advisor
    advisor.close()


def new_page(chromium: Browser, language: str, **options: Any) -> Page:
    context = chromium.new_context(locale="de-DE" if language == "de" else "en-GB",
                                   **({"viewport": {"width": 1280, "height": 900}} | options))
    page = context.new_page()
    for script in (RECORDER, ANNOUNCEMENT_RECORDER):
        page.add_init_script(script)
    return page


def join_url(live_server: Any, language: str) -> str:
    return f"{live_server.url}{join_path_from_log(live_server)}?lang={language}"


def heading_has_focus(page: Page, step: str) -> None:
    """Focus sits on the heading of the step just shown."""
    page.wait_for_function(
        "(step) => { const e = document.activeElement; return /^H[12]$/.test(e.tagName)"
        " && e.closest('[data-step]')?.dataset.step === step; }", arg=step, timeout=10000)


def step_shown(page: Page, step: str) -> None:
    expect(page.locator(f'[data-step="{step}"]')).to_be_visible()
    heading_has_focus(page, step)


def check_done(page: Page) -> None:
    for name in ("server", "media", "quality"):
        expect(page.locator(f'[data-check="{name}"]')).not_to_have_attribute(
            "data-state", "running", timeout=15000)
    expect(page.locator("#check-next")).to_be_enabled()



def sign_in_to_waiting(page: Page) -> None:
    """From the landing page through the check and the sign-in to the waiting room."""
    page.locator("#start-button").click()
    check_done(page)
    page.locator("#check-next").click()
    page.locator("#signin-name").fill("Erika Mustermann")
    page.locator("#signin-phone").fill("030 1234567")
    page.locator("#signin-consent").check()
    page.locator("#signin-submit").click()
    step_shown(page, "waiting")

# axe on every step and state ------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_step_of_the_join_flow_passes_axe(
    live_server: Any, chromium: Browser, advisor: Advisor, language: str
) -> None:
    audit = AxeAudit()
    page = new_page(chromium, language)
    problems = BrowserProblems(page)
    page.goto(join_url(live_server, language))
    expect(page.locator("#start-button")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    audit.check(page, "landing")

    page.locator("#start-button").click()
    step_shown(page, "check")
    page.locator("#play-tone").click()
    expect(page.locator("#tone-question")).to_be_visible()
    audit.check(page, "check, tone question")
    page.locator("#tone-yes").click()
    check_done(page)
    audit.check(page, "check, done")

    page.locator("#check-next").click()
    step_shown(page, "sign_in")
    audit.check(page, "sign-in")
    page.locator("#signin-submit").click()
    expect(page.locator("#signin-name-error")).not_to_be_empty()
    audit.check(page, "sign-in, errors")
    page.locator("#signin-name").fill("Erika Mustermann")
    page.locator("#signin-phone").fill("0000 00")
    page.locator("#signin-consent").check()
    page.locator("#signin-submit").click()
    expect(page.locator("#signin-phone-error")).not_to_be_empty()
    audit.check(page, "sign-in, number refused by the server")
    page.locator("#signin-phone").fill("030 1234567")
    page.locator("#signin-submit").click()

    step_shown(page, "waiting")
    expect(page.locator("#waiting-status")).not_to_be_empty()
    audit.check(page, "waiting")
    page.locator("#write-message").click()
    page.locator("#message-send").click()
    expect(page.locator("#message-text-error")).not_to_be_empty()
    audit.check(page, "waiting, message form with an error")
    page.locator("#keep-waiting").click()

    advisor.accept_next()
    step_shown(page, "choice")
    audit.check(page, "connection choice")
    page.locator("#mode-text").check()
    audit.check(page, "connection choice, text only")
    page.locator("#choice-submit").click()

    step_shown(page, "session")
    expect(page.locator("#call-state")).to_have_attribute("data-state", "text")
    audit.check(page, "text session, empty chat")
    page.locator("#chat-input").fill("Guten Tag, ich habe eine Frage.")
    page.locator("#chat-form button[type=submit]").click()
    advisor.run(advisor.engine.say("Gern, was möchten Sie wissen?"))
    expect(page.locator(".chat__line--advisor")).to_have_count(1)
    audit.check(page, "text session with chat")

    page.locator("#switch-video").click()
    step_shown(page, "choice")
    audit.check(page, "connection choice, adding picture and sound")
    page.locator("#show-me").check()
    page.locator("#choice-submit").click()
    step_shown(page, "session")
    remote_video_plays(page)
    expect(page.locator("#call-state")).to_have_attribute("data-state", "connected")
    audit.check(page, "video session")
    page.locator("#toggle-mute").click()
    page.locator("#toggle-camera").click()
    expect(page.locator("#toggle-mute")).to_have_attribute("aria-pressed", "true")
    audit.check(page, "video session, muted and camera off")

    advisor.run(advisor.engine.end())
    step_shown(page, "ended")
    audit.check(page, "end")
    page.locator("#rating-submit").click()
    expect(page.locator("#rating-error")).not_to_be_empty()
    audit.check(page, "end, rating without stars")
    page.locator(".rating__star").nth(4).click()
    page.locator("#rating-submit").click()
    expect(page.locator("#rating-thanks")).to_be_visible()
    audit.check(page, "end, rated")
    page.context.close()
    audit.assert_clean()
    problems.assert_none()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_other_ends_of_the_join_flow_pass_axe(
    live_server: Any, chromium: Browser, advisor: Advisor, language: str
) -> None:
    """The advisor busy with another customer, the message sent, giving up, an unknown
    link, a browser without WebRTC."""
    audit = AxeAudit()
    other = advisor.run(walk_in(live_server))
    advisor.accept_next()

    page = new_page(chromium, language)
    page.goto(join_url(live_server, language))
    sign_in_to_waiting(page)
    expect(page.locator("#waiting-status-box")).to_have_attribute("data-advisor", "busy")
    audit.check(page, "waiting, advisor busy")
    page.locator("#write-message").click()
    page.locator("#message-text").fill("Bitte rufen Sie mich zurück.")
    page.locator("#message-send").click()
    step_shown(page, "message_sent")
    audit.check(page, "message sent")
    advisor.run(other.close())

    page.goto(f"{live_server.url}/join/{'x' * 22}?lang={language}")
    expect(page.locator("#unknown")).to_be_visible()
    audit.check(page, "unknown join link")
    page.context.close()

    page = new_page(chromium, language)
    page.add_init_script("delete window.RTCPeerConnection;")
    page.goto(join_url(live_server, language))
    page.locator("#start-button").click()
    expect(page.locator('[data-check="webrtc"]')).to_have_attribute("data-state", "fail")
    check_done(page)
    audit.check(page, "check without WebRTC")
    page.context.close()
    audit.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_booking_manage_and_legal_pages_pass_axe(
    live_server: Any, chromium: Browser, language: str
) -> None:
    audit = AxeAudit()
    page = new_page(chromium, language)
    problems = BrowserProblems(page)
    page.goto(f"{live_server.url}/book?lang={language}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("input[name=topic]").first).to_be_visible()
    audit.check(page, "booking, topics")
    page.locator("input[name=topic]").first.check()
    expect(page.locator(".slot-time").first).to_be_visible()
    audit.check(page, "booking, free times")
    page.locator(".slot-time").first.click()
    expect(page.locator("#booking-form")).to_be_visible()
    page.locator("#booking-form button[type=submit]").click()
    expect(page.locator("#name-error")).not_to_be_empty()
    audit.check(page, "booking, form errors")
    page.locator("#name").fill(CUSTOMER["name"])
    page.locator("#email").fill(CUSTOMER["email"])
    page.locator("#phone").fill(CUSTOMER["phone"])
    page.locator("#consent").check()
    page.locator("#booking-form button[type=submit]").click()
    expect(page.locator("#confirmation")).to_be_visible()
    audit.check(page, "booking, confirmation")

    message = wait_for_mail(live_server, lambda m: CUSTOMER["email"] in str(m["To"])
                            and "/manage/" in mail_text(m))
    page.goto(f"{live_server.url}{manage_path(message)}?lang={language}")
    expect(page.locator("#reschedule-start")).to_be_visible()
    audit.check(page, "manage")
    page.locator("#cancel-start").click()
    expect(page.locator("#cancel-confirm")).to_be_visible()
    audit.check(page, "manage, cancel question")
    page.locator("#cancel-keep").click()
    page.locator("#reschedule-start").click()
    expect(page.locator("#slot-picker .slot-time").first).to_be_visible()
    audit.check(page, "manage, reschedule")
    page.goto(f"{live_server.url}/manage/this-link-does-not-exist?lang={language}")
    expect(page.locator("#unknown")).to_be_visible()
    audit.check(page, "manage, unknown link")

    for document in ("privacy", "terms", "security"):
        page.goto(f"{live_server.url}/legal/{document}?lang={language}")
        expect(page.locator("#document-text p").first).to_be_visible()
        expect(page.locator("#document")).not_to_have_attribute("aria-busy", "true")
        audit.check(page, f"legal, {document}")
    page.context.close()
    audit.assert_clean()
    problems.assert_none(allow=r"status of 404")


def test_the_pages_keep_their_strict_content_security_policy(live_server: Any) -> None:
    """axe is injected over the DevTools protocol; the pages themselves allow no inline
    or foreign script."""
    for path in ("/book", join_path_from_log(live_server), "/legal/privacy"):
        policy = httpx.get(f"{live_server.url}{path}").headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"].split() == ["'self'"], policy
        assert "unsafe-inline" not in directives.get("style-src", ""), policy


# The keyboard alone --------------------------------------------------------------------


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus,
    and check that the focus is visible there."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s)", selector):
            break
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    else:
        raise AssertionError(f"{selector} is not reachable with the keyboard: "
                             f"focus stays on {focused(page)}")
    outline = page.evaluate("""() => {
      const shows = (element) => {
        const style = getComputedStyle(element);
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
          || style.boxShadow !== 'none';
      };
      const element = document.activeElement;
      // A visually hidden radio (the rating stars) shows its focus on its label.
      return shows(element) || (element.labels?.length > 0 && shows(element.labels[0]));
    }""")
    assert outline, f"no visible focus on {selector}"


def test_the_whole_join_flow_works_with_the_keyboard_alone(
    live_server: Any, chromium: Browser, advisor: Advisor
) -> None:
    page = new_page(chromium, "de")
    problems = BrowserProblems(page)
    page.goto(join_url(live_server, "de"))
    expect(page.locator("#start-button")).to_be_visible()
    tab_to(page, "#start-button")
    page.keyboard.press("Enter")
    step_shown(page, "check")

    tab_to(page, "#play-tone")
    page.keyboard.press("Space")
    tab_to(page, "#tone-yes")
    page.keyboard.press("Enter")
    expect(page.locator('[data-check="speaker"]')).to_have_attribute("data-state", "ok")
    check_done(page)
    tab_to(page, "#check-next")
    page.keyboard.press("Enter")
    step_shown(page, "sign_in")

    # Sending the empty form puts the focus on the first field in error.
    tab_to(page, "#signin-submit")
    page.keyboard.press("Enter")
    expect(page.locator("#signin-name")).to_be_focused()
    page.keyboard.type("Erika Mustermann")
    tab_to(page, "#signin-phone")
    page.keyboard.type("030 1234567")
    tab_to(page, "#signin-consent")
    page.keyboard.press("Space")
    expect(page.locator("#signin-consent")).to_be_checked()
    # The legal notes are links after the box; back to it with Shift+Tab works too.
    tab_to(page, 'a[href="/legal/privacy"]')
    tab_to(page, "#signin-consent", backwards=True)
    tab_to(page, "#signin-submit")
    page.keyboard.press("Enter")
    step_shown(page, "waiting")

    # Open the message form and close it again, then wait.
    tab_to(page, "#write-message")
    page.keyboard.press("Enter")
    expect(page.locator("#message-text")).to_be_focused()
    tab_to(page, "#keep-waiting", backwards=True)
    page.keyboard.press("Space")
    expect(page.locator("#message-form")).to_be_hidden()

    advisor.accept_next()
    step_shown(page, "choice")
    # A radio group is one Tab stop; the arrow keys choose within it.
    tab_to(page, "#mode-video")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#mode-text")).to_be_checked()
    expect(page.locator("#mode-text")).to_be_focused()
    tab_to(page, "#choice-submit")
    page.keyboard.press("Enter")
    step_shown(page, "session")

    tab_to(page, "#chat-input")
    page.keyboard.type("Ich schreibe nur mit der Tastatur.")
    page.keyboard.press("Enter")
    advisor.wait_for(lambda e: e.type == "chat_message"
                     and e.line.text == "Ich schreibe nur mit der Tastatur.")
    expect(page.locator("#chat-input")).to_be_focused()
    page.once("dialog", lambda dialog: dialog.accept())
    tab_to(page, "#hang-up")
    page.keyboard.press("Enter")
    step_shown(page, "ended")

    tab_to(page, 'input[name="stars"]')
    page.keyboard.press("Space")  # one star; the arrow keys move within the group
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator('input[name="stars"][value="4"]')).to_be_checked()
    tab_to(page, "#rating-submit")
    page.keyboard.press("Enter")
    expect(page.locator("#rating-thanks")).to_have_text(
        "Danke für Ihre Bewertung (4 von 5 Sternen).")
    page.context.close()
    problems.assert_none()


# Live regions and toggle buttons -------------------------------------------------------


async def sign_in_with_link(live_server: Any, join_path: str) -> tuple[LiveClient, int]:
    """A customer who joins through ``join_path`` over the WebSocket, as the page would;
    the client and the visit's id."""
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        consent = {f"{doc}_sha256": (await http.get(f"/api/v1/public/legal/{doc}")).json()[
            "sha256"] for doc in ("privacy", "terms", "security")}
    client = await LiveClient.connect(live_server.url.replace("http", "ws", 1) + "/ws/customer")
    await client.send(type="hello", protocol=1, join_token=join_path.rsplit("/", 1)[1])
    await client.expect("welcome")
    await client.send(type="sign_in", name="Anderer Kunde", phone="030 7654321",
                      consent=consent)
    signed_in = await client.expect("signed_in")
    return client, int(signed_in["visit"]["id"])


@pytest.mark.server_env(VB_JOIN_OPENS_MINUTES_BEFORE="90")
def test_status_changes_are_announced_in_a_live_region(
    live_server: Any, chromium: Browser, advisor: Advisor
) -> None:
    # Our customer's appointment starts in an hour; the demo's, now, comes first.
    soon = datetime.now(UTC) + timedelta(hours=1)
    _, later_path, client = book_via_api(live_server, soon.replace(second=0, microsecond=0),
                                         "spaeter@example.org")
    client.close()
    page = new_page(chromium, "de")
    problems = BrowserProblems(page)
    page.goto(f"{live_server.url}{later_path}?lang=de")
    sign_in_to_waiting(page)

    def said(pattern: str, since: int = 0) -> None:
        eventually_blocking(lambda: any(re.search(pattern, text)
                                        for text in announcements(page)[since:]),
                            what=f"{pattern!r} in a live region: {announcements(page)[since:]}")

    # Place in line: next, second once the earlier appointment's customer arrives, next
    # again when the advisor takes them.
    said(r"Sie sind als Nächstes an der Reihe")
    other, other_visit = advisor.run(
        sign_in_with_link(live_server, join_path_from_log(live_server)))
    said(r"Sie sind an Platz 2")
    accepted = advisor.run(advisor.engine.accept(other_visit))
    assert accepted.customer_name == "Anderer Kunde"
    said(r"im Gespräch mit einem anderen Kunden")
    assert re.search(r"als Nächstes", announcements(page)[-1]), announcements(page)
    advisor.run(advisor.engine.end())
    advisor.run(other.close())

    # Advisor ready.
    advisor.accept_next()
    said(r"Ihr Berater ist jetzt für Sie da")
    heading_has_focus(page, "choice")
    page.locator("#mode-video").check()
    page.locator("#choice-submit").click()
    step_shown(page, "session")
    remote_video_plays(page)
    said(r"Bild und Ton verbunden")

    # Nothing is repeated while nothing changes (the quality is updated every 2 s).
    quiet = len(announcements(page))
    page.wait_for_timeout(5000)
    assert announcements(page)[quiet:] == []

    # Toggle buttons keep their name and say whether they are pressed.
    mute = page.get_by_role("button", name="Mikrofon aus", exact=True)
    expect(mute).to_have_attribute("aria-pressed", "false")
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Mikrofon aus", pressed=True)).to_be_visible()
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "false")

    # Reconnecting, and connected again.
    dropped = len(announcements(page))
    drop_connection(page)
    said(r"Die Verbindung ist kurz unterbrochen", since=dropped)
    said(r"Bild und Ton verbunden", since=dropped)
    remote_video_plays(page)

    # Call ended.
    advisor.run(advisor.engine.end())
    step_shown(page, "ended")
    said(r"Ihr Berater hat die Beratung beendet")
    page.context.close()
    problems.assert_none()


# 200 % zoom ---------------------------------------------------------------------------------


def test_the_join_flow_works_at_200_percent_zoom(
    live_server: Any, chromium: Browser, advisor: Advisor
) -> None:
    """A 1280×800 screen zoomed to 200 %: 640×400 CSS pixels, two device pixels each."""
    page = new_page(chromium, "de", viewport={"width": 640, "height": 400},
                    device_scale_factor=2)
    problems = BrowserProblems(page)

    def fits(state: str) -> None:
        width, viewport = no_horizontal_scroll(page)
        assert width <= viewport, f"{state}: {width} px wide in a {viewport} px window"
        # Every visible control can be scrolled to and is not covered by anything.
        blocked = page.evaluate("""() => [...document.querySelectorAll(
            'a[href], button, input, select, textarea, [tabindex="0"]')]
          .filter((e) => e.checkVisibility() && !e.closest('[hidden]')
                         && !e.matches('.skip-link'))  // shown when it has the focus
          .filter((e) => {
            e.scrollIntoView({block: 'center', inline: 'nearest'});
            const box = e.getBoundingClientRect();
            if (box.width === 0 || box.height === 0) return false;
            const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
            const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
            const hit = document.elementFromPoint(x, y);
            return box.right > innerWidth + 1 || box.left < -1
              || !(hit && (e.contains(hit) || hit.contains(e) || e.labels?.[0]?.contains(hit)
                           || hit.closest('label')?.control === e));
          }).map((e) => e.id || e.name || e.textContent.trim().slice(0, 30))""")
        assert blocked == [], f"{state}: controls out of reach: {blocked}"

    page.goto(join_url(live_server, "de"))
    expect(page.locator("#start-button")).to_be_visible()
    fits("landing")
    page.locator("#start-button").click()
    check_done(page)
    fits("system check")
    page.locator("#check-next").click()
    page.locator("#signin-submit").click()
    fits("sign-in with errors")
    page.locator("#signin-name").fill("Erika Mustermann")
    page.locator("#signin-phone").fill("030 1234567")
    page.locator("#signin-consent").check()
    page.locator("#signin-submit").click()
    step_shown(page, "waiting")
    page.locator("#write-message").click()
    fits("waiting with the message form")
    page.locator("#keep-waiting").click()
    advisor.accept_next()
    step_shown(page, "choice")
    fits("connection choice")
    page.locator("#choice-submit").click()
    step_shown(page, "session")
    remote_video_plays(page)
    page.locator("#chat-input").fill("Auch vergrößert lesbar.")
    page.locator("#chat-input").press("Enter")
    expect(page.locator(".chat__line--customer")).to_have_count(1)
    fits("video session")
    advisor.run(advisor.engine.end())
    step_shown(page, "ended")
    fits("end")
    page.context.close()
    problems.assert_none()
