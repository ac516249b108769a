"""The customer's own microphone during a call, in real headless Chromium whose fake
microphone plays a WAV made here: talking into the muted microphone shows „Sie sind
stummgeschaltet.“ (English: "You are muted.") in a live region while the advisor gets
silence; a microphone that gives no sound at all is flagged. The page's rules are the
console's: the same measurements give the same verdicts in both."""

from __future__ import annotations

import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from advisor_app.media.synthetic import room_noise_pcm, silence_pcm, speech_like_pcm
from advisor_app.media.voice_activity import MicrophoneWatch, measure_pcm
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.fixtures.waiting import eventually_blocking
from tests.web.conftest import BrowserProblems
from tests.web.flow import Advisor, choose, open_join_page, pass_system_check, sign_in
from tests.web.test_join_flow import screenshot
from tests.web.test_join_page import join_path_from_log

pytestmark = pytest.mark.browser

RATE = 48_000
FRAME = RATE // 50
Sound = Callable[[int, int], bytes]


def write_wav(path: Path, sound: Sound, seconds: float) -> Path:
    """A mono 16-bit WAV of ``sound``; Chromium plays it in a loop as its microphone."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(sound(0, round(seconds * RATE)))
    return path


@pytest.fixture
def advisor(live_server: Any) -> Iterator[Advisor]:
    advisor = Advisor(live_server)
    yield advisor
    advisor.close()


def page_with_microphone(chromium: Browser, wav: Path) -> Iterator[Page]:
    browser = chromium.browser_type.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={wav}"])
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
        yield page
    finally:
        browser.close()


@pytest.fixture
def talking_page(chromium: Browser, tmp_path: Path) -> Iterator[Page]:
    # Whole periods of the speech-like sound, so the loop has no seam.
    yield from page_with_microphone(chromium, write_wav(tmp_path / "speech.wav",
                                                        speech_like_pcm, 4.8))


@pytest.fixture
def dead_microphone_page(chromium: Browser, tmp_path: Path) -> Iterator[Page]:
    yield from page_with_microphone(chromium, write_wav(tmp_path / "silence.wav",
                                                        silence_pcm, 2.0))


def into_a_call(page: Page, live_server: Any, advisor: Advisor) -> None:
    """Join, sign in, and start picture and sound (no cameras: sound is what counts)."""
    open_join_page(page, live_server)
    pass_system_check(page)
    sign_in(page)
    advisor.accept_next()
    choose(page, video=True, see_advisor=False, show_me=False)
    expect(page.locator("#call-state")).to_have_text("Ton verbunden", timeout=20000)


def advisor_hears(advisor: Advisor) -> float:
    peer = advisor.engine.peer
    return peer.received.audio_rms if peer is not None else 0.0


def test_talking_into_the_muted_microphone_shows_you_are_muted(
    live_server: Any, talking_page: Page, advisor: Advisor,
) -> None:
    page = talking_page
    problems = BrowserProblems(page)
    into_a_call(page, live_server, advisor)
    notice = page.locator("#mic-notice")
    expect(notice).to_have_attribute("role", "status")
    eventually_blocking(lambda: advisor_hears(advisor) > 0.01,
                        what="the advisor hears the customer")
    page.wait_for_timeout(1500)
    expect(notice).to_be_empty()  # talking unmuted is what a call is for

    page.get_by_role("button", name="Mikrofon aus").click()
    expect(notice).to_have_text("Sie sind stummgeschaltet.")
    eventually_blocking(lambda: advisor_hears(advisor) < 0.001,
                        what="the advisor gets silence from the muted microphone")
    expect(notice).to_have_text("Sie sind stummgeschaltet.")
    screenshot(page, "session-muted-speaking")

    page.get_by_role("button", name="EN", exact=True).click()
    expect(notice).to_have_text("You are muted.")
    page.get_by_role("button", name="Microphone off", pressed=True).click()
    expect(notice).to_be_empty()
    eventually_blocking(lambda: advisor_hears(advisor) > 0.01, what="heard again")
    assert page.evaluate(
        "getComputedStyle(document.getElementById('mic-notice')).height") == "0px"
    problems.assert_none()


def test_a_microphone_without_any_sound_is_flagged(
    live_server: Any, dead_microphone_page: Page, advisor: Advisor,
) -> None:
    page = dead_microphone_page
    problems = BrowserProblems(page)
    into_a_call(page, live_server, advisor)
    notice = page.locator("#mic-notice")
    page.wait_for_timeout(3000)
    expect(notice).to_be_empty()  # a short silence is a pause, not a dead microphone
    expect(notice).to_have_text(
        "Ihr Mikrofon liefert keinen Ton – prüfen Sie, ob es eingeschaltet und für diese "
        "Seite freigegeben ist.", timeout=8000)
    screenshot(page, "session-microphone-silent")
    # Muted, nobody expects to be heard: no warning.
    page.get_by_role("button", name="Mikrofon aus").click()
    expect(notice).to_be_empty()
    problems.assert_none()


def test_the_page_judges_a_microphone_as_the_console_does(
    live_server: Any, page: Page,
) -> None:
    sounds: list[tuple[Sound, float]] = [
        (room_noise_pcm, 2.4), (speech_like_pcm, 4.0), (room_noise_pcm, 2.0),
        (silence_pcm, 6.0), (speech_like_pcm, 2.0)]
    levels = []
    watch = MicrophoneWatch()
    expected = []
    sample = 0
    for sound, seconds in sounds:
        for _ in range(round(seconds * 50)):
            level = measure_pcm(sound(sample, FRAME), RATE)
            sample += FRAME
            watch.hear(level)
            levels.append({"rms": level.rms, "peak": level.peak, "seconds": level.seconds})
            expected.append([watch.speaking, watch.silent])
    assert any(s for s, _ in expected) and any(q for _, q in expected)

    page.goto(f"{live_server.url}{join_path_from_log(live_server)}")
    verdicts = page.evaluate("""async (levels) => {
        const { MicrophoneWatch } = await import("/static/join/mic-watch.js");
        const watch = new MicrophoneWatch();
        return levels.map((level) => { watch.hear(level); return [watch.speaking, watch.silent]; });
    }""", levels)
    assert verdicts == expected
