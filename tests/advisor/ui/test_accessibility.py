"""Every control of the console has a name in Qt's accessibility tree (what a screen
reader such as NVDA or Orca reads out), in German and in English.

The tree is walked from each window through QAccessible.queryAccessibleInterface, as an
assistive technology sees it; a control that a keyboard can reach (button, text field,
combo box, check box, table, list, slider, tab, spin box …) with an empty name fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from advisor_app.app import chosen_devices, install_translation
from advisor_app.media import devices
from advisor_app.settings import ConsoleSettings
from advisor_app.ui.booking import BookingDialog
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.messages import MessagesView
from advisor_app.ui.session_view import SessionView
from advisor_app.ui.settings_dialog import SettingsDialog
from advisor_app.ui.sign_in import SignInDialog
from live_protocol.views import VisitView

Role = QAccessible.Role
CONTROLS = {
    Role.PushButton, Role.CheckBox, Role.RadioButton, Role.ComboBox, Role.EditableText,
    Role.SpinBox, Role.Slider, Role.Dial, Role.ScrollBar, Role.Table, Role.List, Role.Tree,
    Role.PageTab, Role.PageTabList, Role.ButtonMenu, Role.ButtonDropDown, Role.MenuItem,
    Role.ProgressBar,
}
TOPICS = [{"id": 1, "slug": "baufinanzierung",
           "name": {"de": "Baufinanzierung", "en": "Home financing"}}]


def walk(interface: QAccessibleInterface,
         path: str = "") -> Iterator[tuple[str, QAccessibleInterface]]:
    """``interface`` and everything below it, each with its path of roles."""
    yield path, interface
    for index in range(interface.childCount()):
        child = interface.child(index)
        if child is not None and child.isValid():
            yield from walk(child, f"{path}/{child.role().name}[{index}]")


def unnamed_controls(widget: QWidget) -> list[str]:
    """Every control in ``widget``'s accessibility tree that has no name."""
    root = QAccessible.queryAccessibleInterface(widget)
    assert root is not None and root.isValid()
    found = []
    for path, interface in walk(root):
        state = interface.state()
        if interface.role() not in CONTROLS or state.invisible:
            continue
        # Items inside a table or list are named by their text; the view itself is checked.
        if interface.role() == Role.ScrollBar:
            continue
        name = interface.text(QAccessible.Text.Name).strip()
        if not name:
            owner = interface.object()
            described = owner.objectName() if owner is not None else ""
            found.append(f"{path} {described} ({interface.role().name})")
    return found


def visit(visit_id: int, state: str = "active") -> VisitView:
    return VisitView.model_validate({
        "id": visit_id, "state": state, "mode": "video" if state == "active" else None,
        "see_advisor": True, "show_me": True,
        "customer_name": "Erika Mustermann", "customer_phone": "030 1234567",
        "language": "de", "appointment_id": None, "appointment_start": None,
        "topic_id": 1, "advisor_id": 1, "advisor_name": "Anna Berater",
        "waiting_since": "2026-01-01T09:00:00Z", "consent_at": "2026-01-01T09:00:00Z",
        "disconnected": False,
    })


MESSAGE = {"id": 1, "customer_name": "Paula Rückruf", "callback_phone": "+49 40 555123",
           "text": "Bitte rufen Sie mich an.", "created_at": "2026-01-01T09:00:00Z",
           "handled_at": None, "advisor_id": 1, "topic_id": None}


def windows(qtbot: QtBot, console_settings: ConsoleSettings) -> dict[str, QWidget]:
    """Every window and view of the console, with something in every list."""
    main = MainWindow("Anna Berater")
    main.set_waiting([visit(8, "waiting")])
    main.messages_view.set_messages([MESSAGE])
    main.show_session(visit(7))
    session = SessionView()
    session.show_visit(visit(7))
    messages = MessagesView()
    messages.set_messages([MESSAGE])
    made: dict[str, QWidget] = {
        "main window": main,
        "session view": session,
        "messages": messages,
        "sign-in": SignInDialog("http://localhost:8080", "berater"),
        "booking": BookingDialog(TOPICS),
        "settings": SettingsDialog(devices.cameras(), devices.microphones(),
                                   devices.speakers(), chosen_devices(console_settings), ""),
    }
    for widget in made.values():
        qtbot.addWidget(widget)
        widget.show()
    return made


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_control_of_the_console_has_an_accessible_name(
    qtbot: QtBot, qapp: QApplication, console_settings: ConsoleSettings, language: str
) -> None:
    translator = install_translation(qapp, language)
    try:
        problems = {title: unnamed_controls(widget)
                    for title, widget in windows(qtbot, console_settings).items()}
    finally:
        if translator is not None:
            qapp.removeTranslator(translator)
    unnamed = "\n".join(f"{title}: {path}" for title, found in problems.items()
                         for path in found)
    assert unnamed == ""


def tab_cycle(start: QWidget, limit: int = 80) -> list[QWidget]:
    """The widgets that Tab visits from ``start`` until the focus comes back to it."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    visited: list[QWidget] = []
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        assert widget is not None
        if widget is start:
            return visited
        visited.append(widget)
    raise AssertionError(f"Tab never comes back to {start!r}: a keyboard trap after "
                         f"{[type(w).__name__ for w in visited[-5:]]}")


def tab_stops(window: QWidget) -> set[QWidget]:
    """The visible, enabled widgets of ``window`` that take the focus with Tab."""
    return {widget for widget in window.findChildren(QWidget)
            if widget.isVisibleTo(window) and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None}


def test_tab_reaches_every_control_of_each_window_and_never_gets_stuck(
    qtbot: QtBot, console_settings: ConsoleSettings
) -> None:
    for title, window in windows(qtbot, console_settings).items():
        if title in ("session view", "messages"):
            continue  # parts of the main window, walked there
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        stops = tab_stops(window)
        start = next(iter(sorted(stops, key=lambda w: w.mapTo(window, w.rect().topLeft()).y())))
        reached = set(tab_cycle(start)) | {start}
        missing = [f"{type(w).__name__} {w.objectName()} {getattr(w, 'text', lambda: '')()}"
                   for w in stops - reached]
        assert missing == [], f"{title}: Tab never reaches {missing}"
