"""The whole console from the keyboard alone, against a real server: sign in, choose a
waiting customer, accept, chat, end, open the messages and mark one handled. Keys go to
whatever has the focus, as they would from a real keyboard; no widget is clicked or
called. Customers are simulated over the customer WebSocket (tests/advisor/ui/
test_console_live.py has the same helpers)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from advisor_app.app import Console, configure_application
from advisor_app.settings import ConsoleSettings
from tests.advisor.ui.conftest import MemoryKeyring
from tests.advisor.ui.test_console_live import (
    customer,
    join_token,
    run_on_qasync,
    walk_in_topic,
)
from tests.fixtures.live import LiveClient
from tests.fixtures.server import ServerProcess
from tests.fixtures.waiting import eventually

pytestmark = pytest.mark.isolated

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(key: Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """One key, sent to the focused widget (shortcuts and mnemonics take it from there)."""
    QTest.keyClick(focused(), key, modifier)


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def tab_to(target: QWidget, limit: int = 40) -> None:
    """Tab until ``target`` has the focus."""
    seen = []
    for _ in range(limit):
        if focused() is target:
            return
        seen.append(f"{type(focused()).__name__}:{focused().objectName()}"
                    f":{getattr(focused(), 'text', lambda: '')()}")
        press(Key.Key_Tab)
    raise AssertionError(f"{target.objectName()} cannot be reached with Tab: {seen}")


def test_the_whole_console_works_from_the_keyboard(
    qtbot: QtBot, live_server: ServerProcess, memory_keyring: MemoryKeyring,
    console_settings: ConsoleSettings,
) -> None:
    configure_application(QApplication.instance())  # type: ignore[arg-type]
    credentials = live_server.advisor_credentials
    clients: list[LiveClient] = []

    async def scenario() -> None:
        console = Console(console_settings, live_server.url)
        qtbot.addWidget(console.dialog)
        try:
            await steps(console)
        finally:
            for client in clients:
                await client.close()
            await console.close()

    async def steps(console: Console) -> None:
        erika = await customer(live_server, "Erika Mustermann", "030 1234567",
                               join_token=join_token(live_server))
        clients.append(erika)
        paula = await customer(live_server, "Paula Rückruf", "040 555123",
                               topic_id=await walk_in_topic(live_server))
        clients.append(paula)
        await paula.send(type="leave_message", text="Bitte rufen Sie mich an.")
        await paula.expect("message_received")

        # Sign in: the dialog opens with the focus in a field; Enter signs in.
        await console.start()
        dialog = console.dialog
        dialog.activateWindow()
        await eventually(lambda: QApplication.focusWidget() is not None, "focus in the dialog")
        tab_to(dialog.username)
        type_text(credentials["username"])
        tab_to(dialog.password)
        type_text(credentials["password"])
        press(Key.Key_Return)
        await eventually(lambda: console.window is not None, "signed in")
        window = console.window
        assert window is not None
        window.activateWindow()
        await eventually(lambda: window.isActiveWindow(), "the main window is active")
        await eventually(lambda: window.waiting.rowCount() == 1, "Erika waits")
        await eventually(lambda: window.messages_view.model.unhandled_count() == 1,
                         "Paula's message")

        # Ctrl+1: the waiting customers; Enter accepts the chosen one.
        press(Key.Key_1, CTRL)
        assert focused() is window.waiting_table
        assert window.selected_visit_id() is not None
        assert window.accept_button.isEnabled()
        press(Key.Key_Return)
        offered = await erika.expect("offered")
        assert offered["visit"]["customer_name"] == "Erika Mustermann"
        await erika.send(type="choose_connection", mode="text", see_advisor=False,
                         show_me=False)
        await erika.expect("session_started")
        session = window.session_view
        await eventually(lambda: session.end_button.isEnabled(), "the session is shown")

        # Ctrl+2: the chat; Enter sends.
        press(Key.Key_2, CTRL)
        assert focused() is session.chat_input
        type_text("Guten Tag, Frau Mustermann.")
        press(Key.Key_Return)
        line = await erika.expect("chat_message")
        assert line["line"] == line["line"] | {"sender": "advisor",
                                                "text": "Guten Tag, Frau Mustermann."}
        # Tab reaches „Senden“ and the session's controls from the chat.
        tab_to(session.send_button)
        tab_to(session.end_button)

        # Alt+B („Gespräch &beenden“) ends the session.
        press(Key.Key_B, ALT)
        await erika.expect("ended", by="advisor")
        await eventually(lambda: not session.end_button.isEnabled(), "the session is over")

        # Ctrl+3: the messages; Alt+E („&Erledigt“) marks the chosen one handled.
        press(Key.Key_3, CTRL)
        inbox = window.messages_view
        assert window.tabs.currentWidget() is inbox
        assert focused() is inbox.table
        selected: Any = inbox.selected()
        assert selected is not None and selected["customer_name"] == "Paula Rückruf"
        press(Key.Key_E, ALT)
        await eventually(lambda: inbox.model.unhandled_count() == 0, "handled")

        # The menus open from the keyboard too: Alt+K, the console menu.
        press(Key.Key_K, ALT)
        await eventually(lambda: window.console_menu.isVisible(), "the console menu")
        press(Key.Key_Escape)

    run_on_qasync(scenario, timeout=120)
