"""The join page in WebKit, Safari's engine: Debian's WebKitGTK through WebKitWebDriver
on a virtual display, with its mock camera and microphone, against the real server and
the headless advisor engine.

This WebKit build has no WebRTC (``RTCPeerConnection`` is undefined; real Safari has
it), so here WebKit shows what a customer with a browser that cannot carry picture and
sound gets: a system check that says so and leads to „nur Text übertragen“, and a text
session that works end to end. docs/browsers.md lists what this can and cannot show.

Set VB_SCREENSHOT_DIR to a folder to also save screenshots."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.webkit import WebKitSession
from tests.web.flow import Advisor
from tests.web.test_join_page import join_path_from_log

pytestmark = pytest.mark.browser


@pytest.fixture
def advisor(live_server: Any) -> Iterator[Advisor]:
    advisor = Advisor(live_server)
    yield advisor
    advisor.close()


def screenshot(browser: WebKitSession, name: str) -> None:
    """The window (tall enough for a whole step), when VB_SCREENSHOT_DIR is set."""
    folder = os.environ.get("VB_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.run("window.scrollTo(0, 0)")
        browser.screenshot(Path(folder) / f"webkit-{name}.png")


def check_state(browser: WebKitSession, name: str) -> str:
    return str(browser.run(
        "return document.querySelector(`[data-check='${arguments[0]}']`).dataset.state", name))


def check_text(browser: WebKitSession, name: str) -> str:
    return browser.find(f"[data-check='{name}'] .check__status").text


def chat_texts(browser: WebKitSession) -> list[str]:
    return list(browser.run(
        "return [...document.querySelectorAll('.chat__line .chat__text')]"
        ".map((line) => line.textContent)"))


def test_text_session_end_to_end_in_a_browser_without_webrtc(
    live_server: Any, webkit: WebKitSession, advisor: Advisor
) -> None:
    # Tall enough that a screenshot shows a whole step.
    webkit.set_window_size(1280, 1900)
    webkit.goto(f"{live_server.url}{join_path_from_log(live_server)}")
    webkit.watch_errors()
    # Safari on the iPhone shows a video black or full screen without playsinline, and
    # plays it only by itself with autoplay; the own picture must be muted.
    videos = webkit.run("return [...document.querySelectorAll('video')].map((video) => "
                        "[video.id, video.playsInline, video.autoplay, video.muted])")
    assert videos and all(inline and autoplay for _, inline, autoplay, _ in videos), videos
    assert {name for name, *_, muted in videos if muted} == {"camera-preview", "self-video"}
    webkit.button("Chat starten").click()
    webkit.visible_by_text("h1", "Technik-Check")

    # The engine as measured: getUserMedia with mock devices, no WebRTC, no setSinkId.
    assert webkit.run("return typeof RTCPeerConnection") == "undefined"
    webkit.wait_for("return ['camera', 'microphone', 'server', 'quality'].every((name) => "
                    "['ok', 'fail'].includes(document.querySelector("
                    "`[data-check='${name}']`).dataset.state))", "the checks to finish")
    assert check_state(webkit, "camera") == "ok"
    assert check_state(webkit, "microphone") == "ok"
    assert webkit.find("#camera-preview").displayed
    # No setSinkId in WebKit: no speaker choice rather than an empty one.
    assert webkit.run("return 'setSinkId' in HTMLMediaElement.prototype") is False
    assert not webkit.find("#speaker-choice").displayed
    assert webkit.find("#play-tone").displayed
    assert check_state(webkit, "server") == "ok"
    assert check_state(webkit, "webrtc") == "fail"
    assert "kann kein Bild und keinen Ton übertragen" in check_text(webkit, "webrtc")
    assert "nur Text übertragen" in check_text(webkit, "webrtc")
    assert check_state(webkit, "media") == "fail"
    assert check_text(webkit, "quality") == "Gut genug für den Text-Chat."
    summary = webkit.find("#check-summary")
    assert summary.displayed and "nur Text übertragen" in summary.text
    screenshot(webkit, "check")

    webkit.button("Weiter").click()
    webkit.visible_by_text("h1", "Anmelden")
    webkit.find("#signin-name").type("Erika Mustermann")
    webkit.find("#signin-phone").type("030 1234567")
    webkit.find("#signin-consent").click()
    webkit.button("Anmelden").click()
    webkit.visible_by_text("h1", "Bitte haben Sie einen Moment Geduld")
    webkit.wait_for("return document.getElementById('waiting-status').textContent"
                    " === 'Ihr Berater ist gleich für Sie da.'", "the waiting status")

    advisor.accept_next()
    webkit.visible_by_text("h1", "Anna Berater ist jetzt für Sie da")
    video = webkit.find("#mode-video")
    assert not video.enabled
    assert not webkit.find("#see-advisor").displayed
    assert webkit.find("#mode-text").attribute("checked") is not None or webkit.run(
        "return document.getElementById('mode-text').checked")
    lead = webkit.find("[data-step='choice'] .lead").text
    assert "kann kein Bild und keinen Ton übertragen" in lead
    screenshot(webkit, "choice")
    webkit.button("Gewählte Verbindung aufbauen").click()

    webkit.wait_for("return document.getElementById('call-state').textContent"
                    " === 'Text-Chat verbunden'", "the text session")
    assert not webkit.find("#stage").displayed
    assert not webkit.find("#switch-video").displayed
    webkit.find("#chat-input").type("Guten Tag aus Safari.")
    webkit.button("Senden").click()
    advisor.wait_for(lambda e: e.type == "chat_message" and e.line.text == "Guten Tag aus Safari.")
    advisor.run(advisor.engine.say("Gern, was möchten Sie wissen?"))
    webkit.wait_for("return document.querySelectorAll('.chat__line--advisor').length === 1",
                    "the advisor's line")
    assert chat_texts(webkit) == ["Guten Tag aus Safari.", "Gern, was möchten Sie wissen?"]
    screenshot(webkit, "session-text")

    webkit.button("Beratung beenden").click()
    webkit.command("POST", "/alert/accept", {})
    webkit.visible_by_text("h1", "Vielen Dank für Ihr Gespräch")
    assert "Sie haben die Beratung beendet" in webkit.find("#ended-text").text
    assert webkit.errors() == []
