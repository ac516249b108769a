"""End to end, as a consultation really runs: the customer in headless Chromium (fake camera
and microphone) on the join page, the advisor in this console (offscreen), both through
the real server. Frames must be painted in the console's video widget, the advisor's
picture must play in the customer's page, chat must go both ways.

Playwright's async API runs on the console's own qasync loop, so browser and console
share one event loop as they share one machine.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Page, async_playwright, expect
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from advisor_app.app import Console, configure_application
from advisor_app.settings import ConsoleSettings
from tests.advisor.ui.conftest import MemoryKeyring
from tests.advisor.ui.test_console_live import run_on_qasync, shoot
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.fixtures.server import ServerProcess
from tests.fixtures.waiting import eventually
from tests.web.test_join_page import join_path_from_log

pytestmark = [pytest.mark.isolated, pytest.mark.browser]


async def customer_joins(page: Page, live_server: ServerProcess) -> None:
    await page.goto(f"{live_server.url}{join_path_from_log(live_server)}")
    await page.get_by_role("button", name="Chat starten").click()
    await expect(page.locator('[data-check="server"]')).to_have_attribute("data-state", "ok")
    await page.get_by_role("button", name="Weiter", exact=True).click()
    await page.get_by_label("Ihr Name").fill("Erika Mustermann")
    await page.get_by_label("Telefonnummer für Rückrufe").fill("030 1234567")
    await page.get_by_label("Ich habe die Sicherheits-, Rechts- und Datenschutzhinweise").check()
    await page.get_by_role("button", name="Anmelden").click()
    await expect(page.locator('[data-step="waiting"]')).to_be_visible()


async def customer_chooses_picture_and_sound(page: Page) -> None:
    await expect(page.locator('[data-step="choice"]')).to_be_visible(timeout=15000)
    await page.get_by_label("Bild und Ton übertragen").check()
    await page.get_by_label("Ich möchte den Berater sehen").set_checked(True)
    await page.get_by_label("Der Berater darf mich sehen").set_checked(True)
    await page.get_by_role("button", name="Gewählte Verbindung aufbauen").click()
    await expect(page.locator('[data-step="session"]')).to_be_visible()


async def remote_video_advances(page: Page) -> None:
    await page.wait_for_function(
        "() => { const v = document.getElementById('remote-video'); return v.videoWidth > 0 "
        "&& v.currentTime > 0.5; }", timeout=20000)
    first = await page.evaluate("document.getElementById('remote-video').currentTime")
    await page.wait_for_timeout(600)
    assert await page.evaluate("document.getElementById('remote-video').currentTime") > first


def test_customer_in_chromium_and_advisor_in_the_console(
    qtbot: QtBot, live_server: ServerProcess, memory_keyring: MemoryKeyring,
    console_settings: ConsoleSettings,
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/bootstrap (apt-get install chromium)")
    configure_application(QApplication.instance())  # type: ignore[arg-type]
    credentials = live_server.advisor_credentials

    async def scenario() -> None:
        console = Console(console_settings, live_server.url)
        qtbot.addWidget(console.dialog)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(viewport={"width": 1280, "height": 900},
                                              locale="de-DE")
                await consultation(console, page)
            finally:
                await browser.close()
                await console.close()

    async def consultation(console: Console, page: Any) -> None:
        await console.start(credentials=(live_server.url, credentials["username"],
                                         credentials["password"]))
        await eventually(lambda: console.window is not None, "signed in")
        window, controller = console.window, console.controller
        assert window is not None and controller is not None

        await customer_joins(page, live_server)
        await eventually(lambda: window.waiting.rowCount() == 1, "the customer waits")
        assert window.waiting.data(window.waiting.index(0, 0)) == "Erika Mustermann"
        window.waiting_table.selectRow(0)
        qtbot.mouseClick(window.accept_button, Qt.MouseButton.LeftButton)
        await customer_chooses_picture_and_sound(page)

        session = window.session_view
        video = session.customer_video
        await eventually(lambda: video.paints_with_frame > 5, "the customer's picture painted",
                         timeout=30)
        image = video.grab().toImage()
        assert not image.isNull()
        await remote_video_advances(page)
        await eventually(lambda: controller.speaker.samples_played > 48_000,
                         "the customer's voice reaches the speaker")
        await eventually(lambda: session.own_video.frames_shown > 3, "own preview")

        await page.get_by_label("Ihre Nachricht", exact=True).fill("Hallo aus dem Browser")
        await page.get_by_role("button", name="Senden").click()
        await eventually(lambda: session.chat_model.rowCount() == 1, "the customer's line")
        session.chat_input.setText("Guten Tag, Frau Mustermann!")
        qtbot.mouseClick(session.send_button, Qt.MouseButton.LeftButton)
        await expect(page.locator(".chat__line", has_text="Guten Tag, Frau Mustermann!")
                     ).to_have_class(re.compile("chat__line--advisor"))
        shoot(window, "session-with-browser")

        qtbot.mouseClick(session.end_button, Qt.MouseButton.LeftButton)
        await expect(page.get_by_role("heading", name="Vielen Dank für Ihr Gespräch")
                     ).to_be_visible()
        await eventually(lambda: controller.engine.peer is None, "peer closed")

    run_on_qasync(scenario, timeout=150)
