"""The customer's own devices in real headless Chromium against the real server, with the
headless advisor engine on the other side — the pitfalls that Safari on the iPhone is
known for, shown where Chromium can show them:

- one request for camera and microphone from the system check to the call (Safari on iOS
  silences a track when a page asks for a second one of the same kind);
- a refused or busy device explained with the customer's own browser's steps;
- the speaker choice where the browser can route sound (WebKit's absence of it:
  tests/web/test_webkit.py);
- a camera that the browser stopped while the page was in the background comes back,
  or the customer is told;
- „Ton einschalten“ when the browser refuses to play sound without a tap.

Set VB_SCREENSHOT_DIR to a folder to also save screenshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.fixtures.waiting import eventually_blocking
from tests.web.conftest import BrowserProblems
from tests.web.flow import (
    Advisor,
    check,
    choose,
    open_join_page,
    pass_system_check,
    remote_video_plays,
    sign_in,
)

pytestmark = pytest.mark.browser

DESKTOP_VIEWPORT = {"width": 1280, "height": 900}

# The camera is busy (another program has it), the microphone refused.
BUSY_CAMERA_REFUSED_MICROPHONE = """
navigator.mediaDevices.getUserMedia = (constraints) => Promise.reject(constraints.video
  ? new DOMException("Could not start video source", "NotReadableError")
  : new DOMException("Permission denied", "NotAllowedError"));
"""

# Safari's rule for sound: play() of an element that is not muted is refused until the
# customer has tapped this page (a navigation by the browser itself counts as one in
# Chromium, so navigator.userActivation cannot tell).
SOUND_NEEDS_A_TAP = """
let tapped = false;
for (const type of ["pointerdown", "keydown"]) {
  window.addEventListener(type, () => { tapped = true; }, true);
}
const nativePlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function play() {
  if (!this.muted && !tapped) {
    return Promise.reject(new DOMException("The request is not allowed", "NotAllowedError"));
  }
  return nativePlay.call(this);
};
"""

# The page is put into the background and brought back, as a phone does when the
# customer switches apps.
BACKGROUND_AND_BACK = """
() => {
  const set = (state) => {
    Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
    Object.defineProperty(document, "hidden", { value: state === "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  };
  set("hidden");
  set("visible");
}
"""

USER_AGENTS = {
    "Firefox": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 "
               "Firefox/128.0",
    "iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Edge": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
    "Safari": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
}


def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("VB_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"devices-{name}.png"), full_page=True)


@pytest.fixture
def advisor(live_server: Any) -> Iterator[Advisor]:
    advisor = Advisor(live_server)
    yield advisor
    advisor.close()


def self_video_track(page: Page) -> Any:
    return page.evaluate("(() => { const track = document.getElementById('self-video')"
                         ".srcObject?.getVideoTracks()[0];"
                         " return track && {id: track.id, state: track.readyState}; })()")


def test_one_request_for_the_devices_from_the_check_to_the_call_and_back_from_background(
    live_server: Any, page: Page, problems: BrowserProblems, advisor: Advisor
) -> None:
    open_join_page(page, live_server)
    expect(check(page, "camera")).to_have_attribute("data-state", "ok")
    expect(check(page, "microphone")).to_have_attribute("data-state", "ok")
    assert page.evaluate("window.__gum") == [{"video": True, "audio": True}]

    # Chromium can route sound: the outputs are offered, the choice is kept for the call.
    speakers = page.get_by_label("Lautsprecher:")
    expect(speakers).to_be_visible()
    expect(speakers.locator("option")).to_have_count(3)
    speakers.select_option(label="Fake Audio Output 1")
    chosen = speakers.input_value()
    screenshot(page, "check-speaker-choice")

    pass_system_check(page)
    # The camera goes off with the check; the microphone is kept, switched off.
    assert page.evaluate("window.__gumStreams[0].getVideoTracks()[0].readyState") == "ended"
    assert page.evaluate("(() => { const t = window.__gumStreams[0].getAudioTracks()[0];"
                         " return [t.readyState, t.enabled]; })()") == ["live", False]
    sign_in(page)
    advisor.accept_next()
    choose(page, video=True, see_advisor=True, show_me=True)

    remote_video_plays(page)
    advisor.receives_picture_and_sound("the advisor sees and hears the customer")
    # Only the camera is asked for again, the microphone of the check carries the sound.
    assert page.evaluate("window.__gum") == [{"video": True, "audio": True}, {"video": True}]
    assert page.evaluate("window.__gumStreams[0].getAudioTracks()[0].enabled") is True
    assert page.evaluate("document.getElementById('remote-video').sinkId") == chosen

    # The phone stopped the camera while the page was in the background: it comes back
    # when the customer does, and the advisor sees them again.
    stopped = self_video_track(page)
    page.evaluate("document.getElementById('self-video').srcObject.getVideoTracks()[0].stop()")
    page.evaluate(BACKGROUND_AND_BACK)
    page.wait_for_function(
        "id => { const track = document.getElementById('self-video').srcObject"
        "?.getVideoTracks()[0]; return track && track.id !== id"
        " && track.readyState === 'live'; }", arg=stopped["id"])
    assert page.evaluate("window.__gum.length") == 3
    frames = advisor.engine.peer.received.video_frames
    eventually_blocking(lambda: advisor.engine.peer.received.video_frames > frames + 10,
                        what="the advisor sees the customer again")
    expect(page.locator("#device-notice")).to_be_hidden()

    # Another app took the camera meanwhile: the customer is told what to do.
    page.evaluate("() => { navigator.mediaDevices.getUserMedia = () => Promise.reject("
                  "new DOMException('Could not start video source', 'NotReadableError')); }")
    page.evaluate("document.getElementById('self-video').srcObject.getVideoTracks()[0].stop()")
    page.evaluate(BACKGROUND_AND_BACK)
    notice = page.locator("#device-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Ihre Kamera wurde angehalten")
    expect(notice).to_contain_text("beenden Sie Chrome ganz")
    screenshot(page, "session-camera-stopped")
    # Sound and chat go on.
    audio_before = advisor.engine.peer.received.audio_frames
    eventually_blocking(lambda: advisor.engine.peer.received.audio_frames > audio_before + 20,
                        what="the advisor still hears the customer")
    problems.assert_none()


def refused_devices(context: Any, live_server: Any) -> Page:
    page = context.new_page()
    open_join_page(page, live_server, BUSY_CAMERA_REFUSED_MICROPHONE)
    expect(check(page, "camera")).to_have_attribute("data-state", "fail")
    expect(check(page, "microphone")).to_have_attribute("data-state", "fail")
    return page


def test_a_refused_or_busy_device_is_explained_for_the_customers_browser(
    live_server: Any, chromium: Browser
) -> None:
    context = chromium.new_context(viewport=DESKTOP_VIEWPORT, locale="de-DE")
    try:
        page = refused_devices(context, live_server)
        problems = BrowserProblems(page)
        camera, microphone = check(page, "camera"), check(page, "microphone")
        expect(camera).to_contain_text("von einem anderen Programm benutzt")
        expect(camera.locator(".check__help")).to_contain_text("Teams, Zoom oder Skype")
        expect(camera.locator(".check__help")).to_contain_text("beenden Sie Chrome ganz")
        expect(microphone).to_contain_text("Zugriff auf das Mikrofon wurde nicht erlaubt")
        expect(microphone.locator(".check__help")).to_have_text(
            "So erlauben Sie es in Chrome: Klicken Sie links in der Adresszeile auf das Symbol"
            " vor der Adresse, stellen Sie „Mikrofon“ auf „Zulassen“ und laden Sie die Seite neu.")
        screenshot(page, "check-refused-busy")
        page.locator("#language-switch button[data-language='en']").click()
        expect(microphone.locator(".check__help")).to_contain_text("To allow it in Chrome")
        page.locator("#language-switch button[data-language='de']").click()
        pass_system_check(page)
        problems.assert_none()
    finally:
        context.close()

    expected = {
        "Firefox": ("durchgestrichene Mikrofon-Symbol", "beenden Sie Firefox ganz"),
        "iPhone": ("„Website-Einstellungen“ › „Mikrofon“", "FaceTime-Gespräch"),
        "Edge": ("„Berechtigungen für diese Website“", "beenden Sie Edge ganz"),
        "Safari": ("„Einstellungen für diese Website …“", "beenden Sie Safari ganz"),
    }
    for browser, (denied, busy) in expected.items():
        context = chromium.new_context(viewport=DESKTOP_VIEWPORT, locale="de-DE",
                                       user_agent=USER_AGENTS[browser])
        try:
            page = refused_devices(context, live_server)
            expect(check(page, "microphone").locator(".check__help")).to_contain_text(denied)
            expect(check(page, "camera").locator(".check__help")).to_contain_text(busy)
            if browser == "iPhone":
                screenshot(page, "check-refused-busy-iphone")
        finally:
            context.close()


def test_sound_the_browser_will_not_play_without_a_tap_comes_with_a_tap(
    live_server: Any, advisor: Advisor, chromium: Browser
) -> None:
    """Safari refuses to start sound that no tap on the page asked for. Chromium's own
    policy lets a page that captures play (even with --autoplay-policy=user-gesture-required
    it did here, unpredictably), so SOUND_NEEDS_A_TAP holds the page to Safari's rule. A
    customer who comes back to the call in a new tab has not tapped yet and gets
    „Ton einschalten“; the tap starts the advisor's picture and sound."""
    context = chromium.new_context(viewport=DESKTOP_VIEWPORT, locale="de-DE")
    try:
        page = context.new_page()
        open_join_page(page, live_server)
        pass_system_check(page)
        sign_in(page)
        advisor.accept_next()
        choose(page, video=True, see_advisor=True, show_me=False)
        remote_video_plays(page)
        url = page.url
        page.close()

        page = context.new_page()
        problems = BrowserProblems(page)
        page.add_init_script(SOUND_NEEDS_A_TAP)
        page.goto(url)
        button = page.get_by_role("button", name="Ton einschalten")
        expect(button).to_be_visible(timeout=15000)
        screenshot(page, "session-sound-blocked")
        button.click()
        expect(button).to_be_hidden()
        remote_video_plays(page)
        assert page.evaluate("document.getElementById('remote-video').muted") is False
        problems.assert_none()
    finally:
        context.close()
