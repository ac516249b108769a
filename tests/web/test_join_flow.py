"""The customer's whole visit behind the join link, in real headless Chromium (fake camera
and microphone) against the real server, with the headless advisor engine on the other
side: system check, sign-in, waiting, the connection choice, text and video sessions,
the end and the rating.

Set VB_SCREENSHOT_DIR to a folder to also save screenshots of every step."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.fixtures.live import run_apart
from tests.fixtures.waiting import eventually_blocking
from tests.server.api.test_address_limits import Walk
from tests.web.conftest import BrowserProblems
from tests.web.flow import (
    Advisor,
    chat_line,
    check,
    choose,
    drop_connection,
    open_join_page,
    pass_system_check,
    remote_video_plays,
    send_chat,
    sign_in,
    walk_in,
)
from tests.web.test_join_page import join_path_from_log

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"width": 360, "height": 780}
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}

CAMERA_DENIED = """
const originalGum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (constraints) => constraints.video
  ? Promise.reject(new DOMException("Permission denied", "NotAllowedError"))
  : originalGum(constraints);
"""

NO_WEBRTC = "delete window.RTCPeerConnection; delete window.webkitRTCPeerConnection;"


# Helpers ----------------------------------------------------------------------------


def screenshot(page: Page, name: str) -> None:
    """Every step must fit a 360 px phone without sideways scrolling; with
    VB_SCREENSHOT_DIR set, desktop and phone screenshots are saved too."""
    folder = os.environ.get("VB_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
    for suffix, viewport in (("desktop", DESKTOP_VIEWPORT), ("phone", PHONE_VIEWPORT)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(150)
        if suffix == "phone":
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= PHONE_VIEWPORT["width"], f"{name}: {width} px wide on a phone"
        if folder:
            page.screenshot(path=str(Path(folder) / f"join-flow-{name}-{suffix}.png"),
                            full_page=True)
    page.set_viewport_size(DESKTOP_VIEWPORT)


@pytest.fixture
def advisor(live_server: Any) -> Iterator[Advisor]:
    advisor = Advisor(live_server)
    yield advisor
    advisor.close()


# Tests ------------------------------------------------------------------------------


def test_text_only_visit_with_chat_end_and_rating(
    live_server: Any, page: Page, problems: BrowserProblems, advisor: Advisor
) -> None:
    open_join_page(page, live_server)
    for name in ("webrtc", "secure", "camera", "microphone", "server", "media", "quality"):
        expect(check(page, name)).to_have_attribute("data-state", "ok")
    expect(page.locator("#camera-preview")).to_be_visible()
    page.get_by_role("button", name="Testton abspielen").click()
    expect(page.get_by_text("Haben Sie den Ton gehört?")).to_be_visible()
    page.get_by_role("button", name="Ja", exact=True).click()
    expect(check(page, "speaker")).to_have_attribute("data-state", "ok")
    expect(page.locator("#check-summary")).to_contain_text("Alles bereit")
    screenshot(page, "check")
    pass_system_check(page)
    # Leaving the check stops the camera preview.
    assert page.evaluate("document.getElementById('camera-preview').srcObject") is None

    # Inline validation, then the server's word on a number it does not accept.
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("#signin-name-error")).to_have_text("Bitte geben Sie Ihren Namen ein.")
    expect(page.get_by_label("Ihr Name")).to_be_focused()
    expect(page.locator("#signin-consent-error")).not_to_be_empty()
    page.get_by_label("Ihr Name").fill("Erika Mustermann")
    page.get_by_label("Telefonnummer für Rückrufe").fill("0000 00")
    page.get_by_label("Ich habe die Sicherheits-, Rechts- und Datenschutzhinweise").check()
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("#signin-phone-error")).to_contain_text("Telefonnummer stimmt so nicht")
    expect(page.get_by_label("Telefonnummer für Rückrufe")).to_have_attribute(
        "aria-invalid", "true")
    for document in ("security", "terms", "privacy"):
        link = page.locator(f'#signin-links a[href="/legal/{document}"]')
        expect(link).to_have_attribute("target", "_blank")
    screenshot(page, "signin-errors")
    sign_in(page)

    expect(page.locator("#waiting-status")).to_have_text("Ihr Berater ist gleich für Sie da.")
    expect(page.locator("#waiting-place")).to_contain_text("als Nächstes an der Reihe")
    expect(page.locator("#waiting-place")).to_contain_text("Minute")
    screenshot(page, "waiting")
    waiting = advisor.run(advisor.engine.wait_for_customer())

    # A reload while waiting keeps the place: the same visit, resumed with the visit token.
    mark = advisor.engine.event_count
    page.reload()
    expect(page.locator('[data-step="waiting"]')).to_be_visible()
    expect(page.locator("#waiting-place")).to_contain_text("als Nächstes an der Reihe")
    room = advisor.run(advisor.engine.wait_for(
        lambda e: e.type == "waiting_room" and e.waiting
        and not e.waiting[0].disconnected, since=mark))
    assert [entry.id for entry in room.waiting] == [waiting.id]

    advisor.run(advisor.engine.accept(waiting.id))
    expect(page.get_by_role("heading", name="Anna Berater ist jetzt für Sie da")).to_be_visible()
    screenshot(page, "choice")
    choose(page, video=False)
    expect(page.locator("#call-state")).to_have_text("Text-Chat verbunden")
    expect(page.locator("#stage")).to_be_hidden()

    send_chat(page, "Guten Tag, ich habe eine Frage zur Baufinanzierung.")
    advisor.wait_for(lambda e: e.type == "chat_message"
                     and e.line.text.startswith("Guten Tag"))
    advisor.run(advisor.engine.say("Gern, was möchten Sie wissen?"))
    expect(chat_line(page, "Gern, was möchten Sie wissen?")).to_have_class(
        re.compile("chat__line--advisor"))
    expect(chat_line(page, "Guten Tag")).to_have_class(re.compile("chat__line--customer"))
    # Each line once, in the server's order.
    ids = page.eval_on_selector_all(".chat__line", "items => items.map(i => i.dataset.lineId)")
    assert ids == sorted(ids, key=int) and len(ids) == len(set(ids)) == 2
    screenshot(page, "session-text")

    # Picture and sound added later: the same choice again, then the browser offers.
    page.get_by_role("button", name="Bild und Ton zuschalten").click()
    expect(page.get_by_label("nur Text übertragen")).to_be_hidden()
    choose(page, video=True, see_advisor=True, show_me=False)
    remote_video_plays(page)
    eventually_blocking(lambda: advisor.engine.peer is not None
                        and advisor.engine.peer.received.audio_rms > 0.01,
                        what="the advisor hears the customer after switching")
    expect(chat_line(page, "Gern, was möchten Sie wissen?")).to_have_count(1)

    advisor.run(advisor.engine.end())
    expect(page.get_by_role("heading", name="Vielen Dank für Ihr Gespräch")).to_be_visible()
    expect(page.locator("#ended-text")).to_contain_text("Ihr Berater hat die Beratung beendet")
    page.locator(".rating__star").nth(3).click()
    screenshot(page, "ended")
    page.get_by_role("button", name="Bewertung senden").click()
    expect(page.locator("#rating-thanks")).to_have_text(
        "Danke für Ihre Bewertung (4 von 5 Sternen).")
    problems.assert_none()


def test_picture_and_sound_both_ways_survive_a_network_drop(
    live_server: Any, page: Page, problems: BrowserProblems, advisor: Advisor
) -> None:
    open_join_page(page, live_server)
    pass_system_check(page)
    sign_in(page)
    advisor.accept_next()
    choose(page, video=True, see_advisor=True, show_me=True)

    remote_video_plays(page)
    expect(page.locator("#self-video")).to_be_visible()
    expect(page.locator("#call-state")).to_have_text("Bild und Ton verbunden")
    advisor.receives_picture_and_sound("the advisor receives the customer's picture and sound")
    expect(page.locator("#quality")).to_have_attribute("data-bars", re.compile("[123]"))
    send_chat(page, "Ich sehe und höre Sie gut.")
    expect(chat_line(page, "Ich sehe und höre Sie gut.")).to_have_count(1)
    screenshot(page, "session-video")

    # Mute and camera off switch the tracks, not the connection.
    page.get_by_role("button", name="Mikrofon aus").click()
    expect(page.get_by_role("button", name="Mikrofon aus")).to_have_attribute(
        "aria-pressed", "true")
    page.get_by_role("button", name="Kamera aus").click()
    assert page.evaluate(
        "document.getElementById('self-video').srcObject.getVideoTracks()[0].enabled") is False
    page.get_by_role("button", name="Kamera aus").click()
    page.get_by_role("button", name="Mikrofon aus").click()

    # The WebSocket drops while picture and sound still flow: the page reconnects with its
    # visit token and the call carries on as it is (no new offer, nothing interrupted).
    # When media stops as well, the page offers afresh: tests/deploy/test_network_recovery.
    first_peer = advisor.engine.peer
    assert first_peer is not None
    frames = first_peer.received.video_frames
    sockets = page.evaluate("window.__sockets.length")
    drop_connection(page)
    page.wait_for_function(f"() => window.__sockets.length > {sockets}")
    expect(page.locator("#reconnecting")).to_be_hidden()
    expect(page.locator("#call-state")).to_have_text("Bild und Ton verbunden")
    eventually_blocking(lambda: first_peer.received.video_frames > frames + 10,
                        what="the customer's picture still arrives")
    assert advisor.engine.peer is first_peer
    remote_video_plays(page)
    advisor.run(advisor.engine.say("Sind Sie wieder da?"))
    expect(chat_line(page, "Sind Sie wieder da?")).to_be_visible()
    send_chat(page, "Ja, alles gut.")
    advisor.wait_for(lambda e: e.type == "chat_message"
                     and e.line.text == "Ja, alles gut.")
    expect(chat_line(page, "Ich sehe und höre Sie gut.")).to_have_count(1)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Beratung beenden").click()
    expect(page.locator("#ended-text")).to_contain_text("Sie haben die Beratung beendet")
    eventually_blocking(lambda: advisor.engine.peer is None, what="the advisor's peer closed")
    problems.assert_none()


def test_advisor_may_not_see_me_never_opens_the_camera(
    live_server: Any, page: Page, problems: BrowserProblems, advisor: Advisor
) -> None:
    open_join_page(page, live_server)
    pass_system_check(page)
    sign_in(page)
    advisor.accept_next()
    expect(page.locator('[data-step="choice"]')).to_be_visible()
    page.evaluate("window.__gum.length = 0")
    choose(page, video=True, see_advisor=True, show_me=False)

    remote_video_plays(page)
    eventually_blocking(lambda: advisor.engine.peer is not None
                        and advisor.engine.peer.received.audio_rms > 0.01,
                        what="the advisor hears the customer")
    time.sleep(1.0)
    peer = advisor.engine.peer
    assert peer is not None and peer.plan is not None
    assert not peer.plan.expect_video
    assert peer.received.video_frames == 0
    # Not even the microphone is asked for again: the system check's is reused.
    assert page.evaluate("window.__gum") == []
    assert page.evaluate("window.__gumStreams[0].getAudioTracks()[0].readyState") == "live"
    assert page.evaluate("window.__gumStreams[0].getVideoTracks()[0].readyState") == "ended"
    expect(page.locator("#self-video")).to_be_hidden()
    expect(page.get_by_role("button", name="Kamera aus")).to_be_hidden()
    problems.assert_none()


def test_advisor_not_there_customer_leaves_a_message(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    open_join_page(page, live_server)
    pass_system_check(page)
    sign_in(page)
    expect(page.locator("#waiting-status")).to_have_text("Ihr Berater ist noch nicht da.")
    page.get_by_role("button", name="Nachricht schreiben").click()
    expect(page.get_by_label("Ihre Nachricht an den Berater")).to_be_focused()
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.locator("#message-text-error")).to_have_text("Bitte schreiben Sie eine Nachricht.")
    page.get_by_label("Ihre Nachricht an den Berater").fill(
        "Bitte rufen Sie mich morgen Vormittag zurück.")
    page.get_by_label("Andere Rückrufnummer (freiwillig)").fill("089 1234567")
    screenshot(page, "message")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_role("heading", name="Vielen Dank für Ihre Nachricht")).to_be_visible()
    screenshot(page, "message-sent")
    problems.assert_none()


@pytest.mark.server_env(VB_LIMIT_MESSAGES_PER_HOUR="1")
def test_a_message_over_the_address_limit_is_refused_with_the_reason(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    async def leave_the_one_message_allowed() -> None:
        walk = Walk(live_server)
        try:
            client, _ = await walk.sign_in("127.0.0.1")  # the browser's address too
            await client.send(type="leave_message", text="Schon da.")
            await client.expect("message_received")
        finally:
            await walk.close()

    run_apart(leave_the_one_message_allowed())
    open_join_page(page, live_server)
    pass_system_check(page)
    sign_in(page)
    page.get_by_role("button", name="Nachricht schreiben").click()
    page.get_by_label("Ihre Nachricht an den Berater").fill("Bitte rufen Sie mich an.")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.locator("#message-text-error")).to_have_text(
        "Von Ihrem Internetanschluss kamen zu viele Anfragen. Bitte versuchen Sie es später "
        "erneut oder rufen Sie uns an.")
    expect(page.get_by_role("heading", name="Vielen Dank für Ihre Nachricht")).to_be_hidden()
    problems.assert_none()


def test_unknown_link_keeps_the_friendly_page(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    page.goto(f"{live_server.url}/join/{'x' * 22}")
    expect(page.get_by_role("heading", name="Diesen Link kennen wir leider nicht")).to_be_visible()
    expect(page.get_by_role("button", name="Chat starten")).to_be_hidden()
    screenshot(page, "bad-link")
    problems.assert_none(allow=r"404")


def test_system_check_explains_failures_and_text_still_works(
    live_server: Any, chromium: Browser
) -> None:
    context = chromium.new_context(viewport=DESKTOP_VIEWPORT, locale="de-DE")
    try:
        page = context.new_page()
        problems = BrowserProblems(page)
        open_join_page(page, live_server, CAMERA_DENIED)
        expect(check(page, "camera")).to_have_attribute("data-state", "fail")
        expect(check(page, "camera")).to_contain_text("Zugriff auf die Kamera wurde nicht erlaubt")
        expect(check(page, "microphone")).to_have_attribute("data-state", "ok")
        expect(page.locator("#check-summary")).to_contain_text("Nicht alles hat geklappt")
        screenshot(page, "check-camera-denied")
        pass_system_check(page)
        problems.assert_none()
        page.close()

        page = context.new_page()
        problems = BrowserProblems(page)
        open_join_page(page, live_server, NO_WEBRTC)
        expect(check(page, "webrtc")).to_have_attribute("data-state", "fail")
        expect(check(page, "webrtc")).to_contain_text("aktuellen Chrome oder Firefox")
        expect(check(page, "media")).to_have_attribute("data-state", "fail")
        screenshot(page, "check-no-webrtc")
        pass_system_check(page)
        problems.assert_none()
    finally:
        context.close()


def test_busy_advisor_customer_is_told_and_leaves_a_message(
    live_server: Any, page: Page, advisor: Advisor, problems: BrowserProblems
) -> None:
    # Another customer (a walk-in) is in a conversation with the advisor.
    other = advisor.run(walk_in(live_server))
    accepted = advisor.accept_next()
    assert accepted.customer_name == "Anderer Kunde"

    open_join_page(page, live_server)
    pass_system_check(page)
    sign_in(page)
    expect(page.locator("#waiting-status")).to_have_text(
        "Ihr Berater ist noch im Gespräch mit einem anderen Kunden.")
    expect(page.locator("#waiting-place")).to_contain_text("Sie sind als Nächstes an der Reihe.")
    expect(page.locator("#waiting-place")).to_contain_text("Geschätzte Wartezeit: etwa")
    screenshot(page, "waiting-busy")
    page.get_by_role("button", name="Nachricht schreiben").click()
    page.get_by_label("Ihre Nachricht an den Berater").fill("Ich rufe später noch einmal an.")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_role("heading", name="Vielen Dank für Ihre Nachricht")).to_be_visible()
    unread = advisor.wait_for(lambda e: e.type == "messages_unread" and e.count == 1)
    assert unread.count == 1
    advisor.run(other.close())
    problems.assert_none()


def test_the_join_page_is_light_until_the_system_check(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    """Under 100 KB transferred before the system check starts, nothing from elsewhere."""
    transferred: list[tuple[str, int]] = []

    def count(response: Any) -> None:
        sizes = response.request.sizes()  # as sent over the wire (compressed)
        transferred.append((response.url,
                            sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("requestfinished", lambda request: count(request.response()))
    page.goto(f"{live_server.url}{join_path_from_log(live_server)}")
    expect(page.get_by_role("button", name="Chat starten")).to_be_enabled()
    page.wait_for_load_state("networkidle")
    total = sum(size for _, size in transferred)
    print(f"join page until step 1: {total} bytes in {len(transferred)} responses")
    assert 10_000 < total < 100_000, sorted(transferred, key=lambda item: -item[1])[:10]
    assert all(url.startswith(live_server.url) for url, _ in transferred)
    problems.assert_none()


def test_the_first_steps_work_with_the_keyboard_alone(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    page.goto(f"{live_server.url}{join_path_from_log(live_server)}")
    start = page.get_by_role("button", name="Chat starten")
    expect(start).to_be_visible()
    for _ in range(30):
        page.keyboard.press("Tab")
        if start.evaluate("button => button === document.activeElement"):
            break
    else:
        raise AssertionError("„Chat starten“ is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Technik-Check")).to_be_visible()
    next_button = page.get_by_role("button", name="Weiter", exact=True)
    expect(next_button).to_be_enabled()
    next_button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    # Focus moves into the new step (for screen readers and keyboard users alike).
    assert page.evaluate(
        "() => document.activeElement.closest('[data-step]')?.dataset.step") == "sign_in"
    name = page.get_by_label("Ihr Name")
    for _ in range(10):
        if name.evaluate("field => field === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(name).to_be_focused()
    problems.assert_none()
