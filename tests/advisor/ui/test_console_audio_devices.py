"""The whole console on real audio devices of a real PulseAudio server, signed in to a
real server: a speaker plugged in while the settings are open is offered at once, and
the advisor's headset unplugged while it is in use gives way to the next default with a
notice in the session view; the test tone then plays on the new speaker.

QtMultimedia reads the sound server once per process: this test's process gets its
PulseAudio before the first test (tests/fixtures/pulseaudio.py).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from advisor_app.app import Console, configure_application
from advisor_app.settings import ConsoleSettings
from tests.advisor.ui.conftest import MemoryKeyring
from tests.advisor.ui.test_console_live import run_on_qasync, shoot
from tests.fixtures.pulseaudio import PulseAudio, tone_share
from tests.fixtures.server import ServerProcess
from tests.fixtures.waiting import eventually

pytestmark = pytest.mark.isolated

TEST_TONE = 660


def names(combo: QComboBox) -> list[str]:
    return [combo.itemText(index) for index in range(combo.count())]


def test_devices_that_come_and_go_while_the_console_runs(
    qtbot: QtBot, live_server: ServerProcess, memory_keyring: MemoryKeyring,
    console_settings: ConsoleSettings, pulseaudio: PulseAudio,
) -> None:
    configure_application(QApplication.instance())  # type: ignore[arg-type]
    credentials = live_server.advisor_credentials
    room = pulseaudio.load_speaker("room", "Raumlautsprecher")
    headset = pulseaudio.load_speaker("headset", "Headset")
    pulseaudio.set_default_sink(headset)
    console_settings.set_device("speaker", headset.qt_id)

    async def scenario() -> None:
        console = Console(console_settings, live_server.url)
        qtbot.addWidget(console.dialog)
        recording = pulseaudio.record(room.monitor)
        try:
            await steps(console)
            # The advisor's test sound now plays on the room's speaker.
            start = recording.seconds
            settings = console.settings_dialog
            assert settings is not None
            qtbot.mouseClick(settings.test_sound_button, Qt.MouseButton.LeftButton)
            await eventually(lambda: recording.seconds > start + 1.5, "a second and a half")
            shares = tone_share(recording.since(start), TEST_TONE)
            assert sum(share > 0.8 for share in shares) >= 5, shares
            qtbot.mouseClick(settings.cancel_button, Qt.MouseButton.LeftButton)
        finally:
            recording.stop()
            await console.close()

    async def steps(console: Console) -> None:
        await console.start(credentials=(live_server.url, credentials["username"],
                                         credentials["password"]))
        await eventually(lambda: console.window is not None, "signed in")
        window, controller = console.window, console.controller
        assert window is not None and controller is not None
        window.resize(1280, 800)  # a desk's screen, not the offscreen platform's 800 px

        window.settings_action.trigger()
        settings = console.settings_dialog
        assert settings is not None and settings.isVisible()
        assert settings.speaker.currentText() == "Headset"
        assert controller.speaker.has_device

        # A USB speaker is plugged in: offered at once, the headset stays chosen.
        pulseaudio.load_speaker("usb", "USB-Lautsprecher")
        await eventually(lambda: "USB-Lautsprecher" in names(settings.speaker),
                         "the new speaker offered")
        assert settings.speaker.currentText() == "Headset"
        shoot(settings, "settings-new-speaker")
        settings.speaker.showPopup()
        shoot(settings.speaker.view().window(), "settings-new-speaker-list")
        settings.speaker.hidePopup()

        # The headset is unplugged while in use: the room's speaker takes over, and the
        # advisor reads why in the session view.
        pulseaudio.unload(headset)
        notice = window.session_view.device_notice
        await eventually(lambda: notice.isVisible(), "the notice in the session view")
        assert notice.text() == ("Der Lautsprecher ‚Headset‘ ist nicht mehr verfügbar – "
                                 "der Ton läuft jetzt über ‚Raumlautsprecher‘.")
        assert notice.textFormat() == Qt.TextFormat.PlainText
        assert controller.speaker.device == room.qt_id
        assert settings.speaker.currentText() == "Raumlautsprecher"
        assert "Headset" not in names(settings.speaker)
        assert controller.speaker.has_device
        shoot(window, "device-notice")

    run_on_qasync(scenario, timeout=90)
