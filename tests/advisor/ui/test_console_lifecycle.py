"""The console's lifecycle as an advisor drives it, against a real server: „Abmelden“
chosen from the menu, the main window closed, „Beenden“ chosen from the menu. After each
the WebSocket is closed, the token no longer works, the server's /metrics no longer counts
the advisor online (within 2 s), no task is left, and nothing was logged at ERROR.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shiboken6 import isValid
from websockets.protocol import State

from advisor_app.app import Console, configure_application
from advisor_app.settings import ConsoleSettings
from advisor_app.ui.main_window import MainWindow
from tests.advisor.ui.conftest import MemoryKeyring
from tests.advisor.ui.test_console_live import eventually, run_on_qasync
from tests.fixtures.server import ServerProcess

pytestmark = pytest.mark.isolated

OFFLINE_WITHIN = 2.0


async def advisors_online(server: ServerProcess) -> float:
    async with httpx.AsyncClient(base_url=server.url) as http:
        text = (await http.get("/metrics")).text
    found = re.search(r"^videoberatung_advisors_online (\S+)$", text, re.MULTILINE)
    assert found, "the /metrics page reports the advisors online"
    return float(found.group(1))


async def token_works(server: ServerProcess, token: str) -> bool:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get("/api/v1/messages",
                                  headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


async def within(timeout: float, probe: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait until the server-side ``probe`` holds, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not await probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)


def menu_action(window: MainWindow, text: str) -> QAction:
    """The action the advisor chooses from the window's menu bar, found by its label."""
    for menu_entry in window.menuBar().actions():
        menu = menu_entry.menu()
        for action in menu.actions() if menu is not None else []:
            if action.text().replace("&", "") == text:
                assert action.isEnabled() and action.isVisible()
                return action
    raise AssertionError(f"no menu entry {text!r}")


@pytest.mark.parametrize("how", ["sign-out", "window-closed", "quit"])
def test_leaving_the_console_disconnects_and_ends_the_session_on_the_server(
    how: str, qtbot: QtBot, live_server: ServerProcess, memory_keyring: MemoryKeyring,
    console_settings: ConsoleSettings, caplog: pytest.LogCaptureFixture,
) -> None:
    configure_application(QApplication.instance())  # type: ignore[arg-type]
    credentials = live_server.advisor_credentials

    async def scenario() -> None:
        console = Console(console_settings, live_server.url)
        qtbot.addWidget(console.dialog)
        try:
            await steps(console)
        finally:
            await console.close()

    async def steps(console: Console) -> None:
        before = await advisors_online(live_server)
        ours = asyncio.all_tasks()  # this test's own: its scenario and the wait_for around it

        def left() -> set[asyncio.Task[object]]:
            return asyncio.all_tasks() - ours
        await console.start()
        dialog = console.dialog
        dialog.username.setText(credentials["username"])
        dialog.password.setText(credentials["password"])
        dialog.remember.setChecked(True)
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: console.window is not None, "signed in")
        window, controller = console.window, console.controller
        assert window is not None and controller is not None
        await eventually(lambda: window.connection_label.text() == "Verbunden", "connected")
        async def counted_online() -> bool:
            return await advisors_online(live_server) == before + 1

        async def not_counted() -> bool:
            return await advisors_online(live_server) == before

        await within(5, counted_online, "counted online")
        token = controller.rest.token
        assert token is not None and await token_works(live_server, token)
        assert controller.engine.connection is not None
        socket = controller.engine.connection._socket
        assert socket.state is State.OPEN

        if how == "sign-out":
            menu_action(window, "Abmelden").trigger()
        elif how == "quit":
            menu_action(window, "Beenden").trigger()
        else:
            window.close()

        async def revoked() -> bool:
            return not await token_works(live_server, token)

        await within(OFFLINE_WITHIN, not_counted, "no longer counted online")
        assert socket.state is State.CLOSED
        await within(OFFLINE_WITHIN, revoked, "the token revoked")
        assert not isValid(window) or not window.isVisible()
        if how == "sign-out":
            await eventually(lambda: dialog.isVisible(), "the sign-in dialog again")
            assert memory_keyring.passwords == {}
            assert not console.finished.is_set()
        else:
            await eventually(lambda: console.finished.is_set(), "the console finished")
            assert len(memory_keyring.passwords) == 1, "quitting keeps the remembered password"
            assert not dialog.isVisible()
        await eventually(lambda: not left(), "no task left", timeout=2)
        await eventually(lambda: not isValid(controller), "the controller's Qt objects freed",
                         timeout=2)
        errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
        assert not errors, [record.getMessage() for record in errors]

    run_on_qasync(scenario, timeout=90)
