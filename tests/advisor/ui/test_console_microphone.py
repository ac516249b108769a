"""The advisor's own microphone in a call, through the whole console against a real server:
„Stumm“ keeps the microphone read locally but sends the customer silence, and talking into
it shows „Sie sind stummgeschaltet.“; a silent and a clipping microphone are flagged.

The customer is an aiortc peer that offers like the browser (sound both ways); the
console's synthetic microphone plays what each step needs through the same PCM path as a
device. With ``VB_SCREENSHOTS=<folder>`` the notice is saved as a screenshot.
"""

from __future__ import annotations

import asyncio

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from advisor_app.app import Console, configure_application
from advisor_app.media import ReceivedMedia
from advisor_app.media.synthetic import (
    clipped_pcm,
    room_noise_pcm,
    silence_pcm,
    speech_like_pcm,
    tone_pcm,
)
from advisor_app.settings import ConsoleSettings
from tests.advisor.ui.conftest import MemoryKeyring
from tests.advisor.ui.test_console_live import (
    customer,
    join_token,
    offer_as_the_page_does,
    run_on_qasync,
    shoot,
)
from tests.fixtures.live import LiveClient
from tests.fixtures.server import ServerProcess
from tests.fixtures.waiting import eventually

pytestmark = pytest.mark.isolated

SILENCE_RMS = 0.001  # below -60 dBFS: what the customer gets from a muted advisor


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


def test_talking_while_muted_a_silent_and_a_clipping_microphone(
    qtbot: QtBot, live_server: ServerProcess, memory_keyring: MemoryKeyring,
    console_settings: ConsoleSettings,
) -> None:
    configure_application(QApplication.instance())  # type: ignore[arg-type]
    credentials = live_server.advisor_credentials
    browser = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    received = ReceivedMedia()
    consumers: list[asyncio.Task[None]] = []
    clients: list[LiveClient] = []

    async def scenario() -> None:
        console = Console(console_settings, live_server.url)
        qtbot.addWidget(console.dialog)
        try:
            await call(console)
        finally:
            await browser.close()
            for consumer in consumers:
                consumer.cancel()
            await asyncio.gather(*consumers, return_exceptions=True)
            for client in clients:
                await client.close()
            await console.close()

    async def call(console: Console) -> None:
        await console.start(credentials=(live_server.url, credentials["username"],
                                         credentials["password"]))
        await eventually(lambda: console.window is not None, "signed in")
        window, controller = console.window, console.controller
        assert window is not None and controller is not None
        window.resize(1280, 800)
        microphone = controller.microphone
        microphone.synthetic_sound = speech_like_pcm

        erika = await customer(live_server, "Erika Mustermann", "030 1234567",
                               join_token=join_token(live_server))
        clients.append(erika)
        await eventually(lambda: window.waiting.rowCount() == 1, "the customer waits")
        window.waiting_table.selectRow(0)
        qtbot.mouseClick(window.accept_button, Qt.MouseButton.LeftButton)
        await erika.expect("offered")
        await erika.send(type="choose_connection", mode="video", see_advisor=False,
                         show_me=False)
        await erika.expect("session_started")
        await offer_as_the_page_does(browser, erika, received, consumers, video=False)

        session = window.session_view
        notice = session.microphone_notice
        await eventually(lambda: received.audio_rms > 0.05, "the customer hears the advisor")
        assert notice.isHidden(), "talking unmuted is what a call is for"

        # „Stumm“: the customer gets silence, yet the console still hears the advisor.
        qtbot.mouseClick(session.mute_button, Qt.MouseButton.LeftButton)
        assert session.mute_button.isChecked()
        await eventually(lambda: notice.isVisible(), "the notice while talking muted")
        assert notice.text() == "Sie sind stummgeschaltet."
        await eventually(lambda: received.audio_rms < SILENCE_RMS,
                         "the customer gets silence (a second of it)")
        frames = received.audio_frames
        await eventually(lambda: received.audio_frames > frames + 25,
                         "silence keeps flowing, the call holds")
        assert received.audio_rms < SILENCE_RMS
        assert notice.isVisible(), "still talking, still told"
        # Speech comes in bursts: the meter rises with each (it falls in the pauses).
        await eventually(lambda: session.microphone_level.value() > 50,
                         "the microphone is still read", timeout=5)
        shoot(window, "muted-speaking")

        # The advisor stops talking: the notice goes.
        microphone.synthetic_sound = room_noise_pcm
        await eventually(lambda: notice.isHidden(), "no notice once the advisor is quiet",
                         timeout=3)
        microphone.synthetic_sound = speech_like_pcm
        await eventually(lambda: notice.isVisible(), "talking again, muted")
        qtbot.mouseClick(session.mute_button, Qt.MouseButton.LeftButton)
        assert notice.isHidden(), "unmuted, the notice goes at once"
        await eventually(lambda: received.audio_rms > 0.05, "the customer hears again")

        # A dead microphone (digital silence) is flagged after some seconds.
        microphone.synthetic_sound = silence_pcm
        await asyncio.sleep(3.0)
        assert notice.isHidden(), "a pause is not a dead microphone"
        await eventually(lambda: notice.isVisible(), "the silent microphone flagged",
                         timeout=5)
        assert notice.text() == ("Ihr Mikrofon liefert keinen Ton – prüfen Sie die Auswahl "
                                 "in den Einstellungen.")
        shoot(window, "microphone-silent")

        # An overdriven microphone.
        microphone.synthetic_sound = clipped_pcm
        await eventually(lambda: notice.text().startswith("Ihr Mikrofon übersteuert"),
                         "clipping flagged")
        shoot(window, "microphone-clipping")
        microphone.synthetic_sound = tone_pcm
        await eventually(lambda: notice.isHidden(), "a clean signal clears it", timeout=5)

        qtbot.mouseClick(session.end_button, Qt.MouseButton.LeftButton)
        await erika.expect("ended", by="advisor")
        await eventually(lambda: controller.engine.peer is None, "peer closed")

    run_on_qasync(scenario, timeout=120)
