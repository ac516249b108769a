"""The customer's whole visit in Firefox ESR (Debian's ``firefox-esr``, headless, fake
camera and microphone, driven over WebDriver BiDi) against the real server, with the
console's headless engine on the other side: the system check with its green check
marks (the test tone really plays, on a PulseAudio sink), sign-in, waiting, both
connection choices, picture and sound both ways, chat both ways, the end and the rating.

The steps are tests/web/flow.py's, the same as in Chromium. Set VB_SCREENSHOT_DIR to a
folder to also save screenshots (``firefox-*.png``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.firefox import FIREFOX, Firefox
from tests.fixtures.pulseaudio import Device, PulseAudio, tone_share
from tests.fixtures.waiting import eventually_blocking
from tests.web.bidi_page import BidiPage, expect
from tests.web.conftest import BrowserProblems
from tests.web.flow import (
    Advisor,
    chat_line,
    check,
    choose,
    open_join_page,
    pass_system_check,
    remote_video_plays,
    send_chat,
    sign_in,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
CHIME = (660, 880)  # the system check's test tone (customer_web/join/checks.js)
ADVISOR_TONE = 440  # what the console's engine sends as its microphone


@pytest.fixture
def speaker(pulseaudio: PulseAudio) -> Device:
    """Firefox's sound card: a PulseAudio null sink, the default one."""
    device = pulseaudio.load_speaker("firefox", "Lautsprecher")
    pulseaudio.set_default_sink(device)
    return device


@pytest.fixture
def firefox(tmp_path: Path, pulseaudio: PulseAudio, speaker: Device) -> Iterator[Firefox]:
    if not FIREFOX.exists():
        pytest.fail(f"{FIREFOX} is missing: run scripts/bootstrap (apt-get install firefox-esr)")
    browser = Firefox(tmp_path / "firefox", env=pulseaudio.env())
    browser.start()
    try:
        yield browser
    finally:
        browser.stop()


@pytest.fixture
def page(firefox: Firefox) -> Iterator[BidiPage]:
    """A Firefox tab (also what tests/web/conftest.py's ``problems`` watches)."""
    assert firefox.bidi is not None
    page = BidiPage(firefox.bidi)
    page.set_viewport_size(DESKTOP)
    yield page
    page.close()


@pytest.fixture
def advisor(live_server: Any) -> Iterator[Advisor]:
    advisor = Advisor(live_server)
    yield advisor
    advisor.close()


def screenshot(page: BidiPage, name: str) -> None:
    """Every step fits a 360 px phone without sideways scrolling; with VB_SCREENSHOT_DIR
    set, the desktop view is saved too."""
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: {width} px wide on a phone in Firefox"
    page.set_viewport_size(DESKTOP)
    folder = os.environ.get("VB_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(150)
        page.screenshot(str(Path(folder) / f"firefox-{name}.png"), full_page=True)


def loudest_share(pcm: bytes, frequency: float) -> float:
    return max(tone_share(pcm, frequency), default=0.0)


def rate_and_see_thanks(page: BidiPage) -> None:
    page.locator(".rating__star").nth(3).click()
    page.get_by_role("button", name="Bewertung senden").click()
    expect(page.locator("#rating-thanks")).to_have_text(
        "Danke für Ihre Bewertung (4 von 5 Sternen).")


# Tests ------------------------------------------------------------------------------


def test_picture_and_sound_both_ways_in_firefox(
    live_server: Any, page: BidiPage, problems: BrowserProblems, advisor: Advisor,
    pulseaudio: PulseAudio, speaker: Device,
) -> None:
    open_join_page(page, live_server)
    for name in ("webrtc", "secure", "camera", "microphone", "server", "media", "quality"):
        expect(check(page, name)).to_have_attribute("data-state", "ok")
    page.wait_for_function(
        "document.getElementById('camera-preview').videoWidth > 0", timeout=10000)
    # The level meter moves with the fake microphone's tone: Firefox's AudioContext runs
    # (it does only with a sound card).
    page.wait_for_function(
        "document.getElementById('microphone-meter').value > 0.05", timeout=10000)

    # The test tone comes out of Firefox's sound card.
    recording = pulseaudio.record(speaker.monitor)
    try:
        page.get_by_role("button", name="Testton abspielen").click()
        expect(page.get_by_text("Haben Sie den Ton gehört?")).to_be_visible()
        eventually_blocking(lambda: all(
            loudest_share(recording.since(0), hz) > 0.5 for hz in CHIME),
            what="the test tone on Firefox's speaker")
    finally:
        recording.stop()
    page.get_by_role("button", name="Ja", exact=True).click()
    expect(check(page, "speaker")).to_have_attribute("data-state", "ok")
    expect(page.locator("#check-summary")).to_contain_text("Alles bereit")
    screenshot(page, "check")
    pass_system_check(page)

    sign_in(page)
    expect(page.locator("#waiting-status")).to_have_text("Ihr Berater ist gleich für Sie da.")
    screenshot(page, "waiting")
    advisor.accept_next()
    expect(page.get_by_role("heading", name="Anna Berater ist jetzt für Sie da")).to_be_visible()
    screenshot(page, "choice")

    recording = pulseaudio.record(speaker.monitor)
    try:
        choose(page, video=True, see_advisor=True, show_me=True)
        remote_video_plays(page)
        expect(page.locator("#call-state")).to_have_text("Bild und Ton verbunden")
        expect(page.locator("#self-video")).to_be_visible()
        advisor.receives_picture_and_sound("the engine receives Firefox's picture and sound")
        # The advisor's voice comes out of the customer's speaker.
        eventually_blocking(lambda: loudest_share(recording.since(0), ADVISOR_TONE) > 0.5,
                            what="the advisor's sound on Firefox's speaker")
    finally:
        recording.stop()
    expect(page.locator("#quality")).to_have_attribute("data-bars", re.compile("[123]"))

    send_chat(page, "Ich sehe und höre Sie gut.")
    advisor.wait_for(lambda e: e.type == "chat_message"
                     and e.line.text == "Ich sehe und höre Sie gut.")
    advisor.run(advisor.engine.say("Schön, dann legen wir los."))
    expect(chat_line(page, "Schön, dann legen wir los.")).to_have_class(
        re.compile("chat__line--advisor"))
    screenshot(page, "session-video")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Beratung beenden").click()
    expect(page.locator("#ended-text")).to_contain_text("Sie haben die Beratung beendet")
    eventually_blocking(lambda: advisor.engine.peer is None, what="the advisor's peer closed")
    rate_and_see_thanks(page)
    screenshot(page, "ended")
    problems.assert_none()


def test_text_only_in_firefox(
    live_server: Any, page: BidiPage, problems: BrowserProblems, advisor: Advisor
) -> None:
    open_join_page(page, live_server)
    pass_system_check(page)
    sign_in(page)
    advisor.accept_next()
    choose(page, video=False)
    expect(page.locator("#call-state")).to_have_text("Text-Chat verbunden")
    expect(page.locator("#stage")).to_be_hidden()

    send_chat(page, "Guten Tag, ich habe eine Frage zur Baufinanzierung.")
    advisor.wait_for(lambda e: e.type == "chat_message" and e.line.text.startswith("Guten Tag"))
    advisor.run(advisor.engine.say("Gern, was möchten Sie wissen?"))
    expect(chat_line(page, "Gern, was möchten Sie wissen?")).to_have_class(
        re.compile("chat__line--advisor"))
    expect(chat_line(page, "Guten Tag")).to_have_class(
        re.compile("chat__line--customer"))
    assert advisor.engine.peer is None  # no peer connection for a text chat
    assert page.evaluate("window.__gum.filter((c) => c && c.video).length") == 1  # the check's
    screenshot(page, "session-text")

    advisor.run(advisor.engine.end())
    expect(page.get_by_role("heading", name="Vielen Dank für Ihr Gespräch")).to_be_visible()
    expect(page.locator("#ended-text")).to_contain_text("Ihr Berater hat die Beratung beendet")
    rate_and_see_thanks(page)
    problems.assert_none()
