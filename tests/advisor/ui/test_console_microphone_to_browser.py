"""A known signal spoken into the console's real microphone (a PulseAudio source) arrives
in the customer's browser: Chromium on the join page, the console signed in to the real
server, a video call between them, the tone found in the page with WebAudio.

QtMultimedia reads the sound server once per process: this test's process gets its
PulseAudio before the first test (tests/fixtures/pulseaudio.py); Chromium inherits it.
"""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Page, async_playwright
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from advisor_app.app import Console, configure_application
from advisor_app.settings import ConsoleSettings
from tests.advisor.ui.conftest import MemoryKeyring
from tests.advisor.ui.test_console_live import run_on_qasync
from tests.advisor.ui.test_console_with_browser import (
    customer_chooses_picture_and_sound,
    customer_joins,
)
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.fixtures.pulseaudio import PulseAudio, tone
from tests.fixtures.server import ServerProcess
from tests.fixtures.waiting import eventually

pytestmark = [pytest.mark.isolated, pytest.mark.browser]

SPOKEN = 1_200
OTHER = 440  # the console's synthetic test tone: must not be what arrives

# The loudest frequency of the advisor's sound in the page, over the last half second.
LOUDEST = """async () => {
  const stream = document.getElementById('remote-video').srcObject;
  const context = new AudioContext();
  await context.resume();
  const analyser = context.createAnalyser();
  analyser.fftSize = 8192;
  context.createMediaStreamSource(stream).connect(analyser);
  await new Promise((done) => setTimeout(done, 500));
  const bins = new Float32Array(analyser.frequencyBinCount);
  analyser.getFloatFrequencyData(bins);
  let best = 0;
  for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
  await context.close();
  return {hz: best * context.sampleRate / analyser.fftSize, db: bins[best]};
}"""


async def loudest(page: Page) -> dict[str, float]:
    found: dict[str, float] = await page.evaluate(LOUDEST)
    return found


def test_a_signal_spoken_into_the_consoles_microphone_arrives_in_the_browser(
    qtbot: QtBot, live_server: ServerProcess, memory_keyring: MemoryKeyring,
    console_settings: ConsoleSettings, pulseaudio: PulseAudio,
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/bootstrap (apt-get install chromium)")
    configure_application(QApplication.instance())  # type: ignore[arg-type]
    credentials = live_server.advisor_credentials
    # The browser's sound card, and the advisor's microphone (the system's default).
    pulseaudio.set_default_sink(pulseaudio.load_speaker("browser", "Lautsprecher"))
    microphone = pulseaudio.load_microphone("headset", "Headset-Mikrofon")
    pulseaudio.set_default_source(microphone)

    async def scenario() -> None:
        console = Console(console_settings, live_server.url)
        qtbot.addWidget(console.dialog)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True,
                args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"],
                env=pulseaudio.env())
            try:
                page = await browser.new_page(locale="de-DE")
                await consultation(console, page)
            finally:
                await browser.close()
                await console.close()

    async def consultation(console: Console, page: Page) -> None:
        await console.start(credentials=(live_server.url, credentials["username"],
                                         credentials["password"]))
        await eventually(lambda: console.window is not None, "signed in")
        window, controller = console.window, console.controller
        assert window is not None and controller is not None
        assert controller.microphone.device == microphone.qt_id

        await customer_joins(page, live_server)
        await eventually(lambda: window.waiting.rowCount() == 1, "the customer waits")
        window.waiting_table.selectRow(0)
        qtbot.mouseClick(window.accept_button, Qt.MouseButton.LeftButton)
        await customer_chooses_picture_and_sound(page)
        await page.wait_for_function(
            "() => document.getElementById('remote-video').currentTime > 0.5", timeout=20000)

        player = pulseaudio.play(microphone.signal_sink, tone(SPOKEN, 6, on=0.4, off=0.1))
        try:
            found = [await loudest(page) for _ in range(4)]
        finally:
            player.kill()
            await asyncio.to_thread(player.wait)
        assert any(abs(one["hz"] - SPOKEN) < 20 and one["db"] > -60 for one in found), found
        assert not any(abs(one["hz"] - OTHER) < 20 for one in found), found

        qtbot.mouseClick(window.session_view.end_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: controller.engine.peer is None, "peer closed")

    run_on_qasync(scenario, timeout=150)
