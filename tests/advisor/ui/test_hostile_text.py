"""Hostile customer text (tests/security/corpus.py, as the server passes it on) in the
console: shown as plain text, rows keep their height, long words do not widen the window.

With ``VB_SCREENSHOTS=<folder>`` the screenshots are saved there (docs/screenshots/)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QSystemTrayIcon, QTableView, QWidget
from pytestqt.qtbot import QtBot

from advisor_app.controller import appointments
from advisor_app.resources import RESOURCES
from advisor_app.ui.alerts import WaitingAlert, notification_text
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.texts import BREAK_EVERY, breakable
from live_protocol.states import Party
from live_protocol.views import ChatLine
from server.core.validation import clean_name, clean_text
from tests.advisor.views import NOW, visit
from tests.security import corpus

NAMES = [clean_name(corpus.NAME), "W" * 120, clean_name(corpus.EMOJI), clean_name(corpus.BIDI)]
TEXT = clean_text(corpus.TEXT, 2000)
SIZE = (1280, 800)


@pytest.fixture
def styled() -> Any:
    """The console's own style sheet, as the app sets it."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = app.styleSheet()
    app.setStyleSheet((RESOURCES / "console.qss").read_text(encoding="utf-8"))
    yield
    app.setStyleSheet(previous)


def shoot(widget: QWidget, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("VB_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(folder / f"hostile-{name}.png"))


def appointment_rows() -> list[Any]:
    return appointments([
        {"id": i, "starts_at": (NOW + timedelta(hours=i)).isoformat(),
         "ends_at": (NOW + timedelta(hours=i, minutes=30)).isoformat(), "state": "booked",
         "advisor_id": 1, "advisor_name": "Anna Berater", "topic_id": None, "topic": None,
         "language": "de", "booked_by_advisor_id": None, "created_at": NOW.isoformat(),
         "customer": {"name": name, "email": "o'brien&x=1{a}|b@example.com",
                      "phone": "+49301234567", "language": "de"}}
        for i, name in enumerate(NAMES)])


def message_rows() -> list[dict[str, Any]]:
    return [{"id": i + 1, "customer_name": name, "callback_phone": "+49301234567",
             "text": TEXT, "created_at": NOW.isoformat(), "handled_at": None,
             "advisor_id": 1, "topic_id": None} for i, name in enumerate(NAMES)]


def chat_lines() -> list[ChatLine]:
    return [ChatLine(id=i + 1, visit_id=7, sender=sender, text=text, client_id=f"c{i}",
                     sent_at=NOW)
            for i, (sender, text) in enumerate([
                (Party.CUSTOMER, TEXT), (Party.ADVISOR, "Guten Tag!"),
                (Party.CUSTOMER, "L" * 2000), (Party.CUSTOMER, corpus.FAMILY)])]


def shown_window(qtbot: QtBot) -> MainWindow:
    """The main window on screen at the size of an office laptop's."""
    window = MainWindow("Anna Berater")
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    return window


def assert_rows_keep_their_height(table: QTableView) -> None:
    heights = {table.rowHeight(row) for row in range(table.model().rowCount())}
    assert heights == {table.verticalHeader().defaultSectionSize()}


def assert_plain(widget: QWidget) -> None:
    for label in widget.findChildren(QLabel):
        if label.text() in NAMES or any(name in label.text() for name in NAMES):
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_the_main_window_lists_hostile_names_on_one_line_each(
    qtbot: QtBot, styled: Any, tmp_path: Path,
) -> None:
    window = shown_window(qtbot)
    window.set_waiting([visit(i + 1, name) for i, name in enumerate(NAMES)])
    window.set_appointments(appointment_rows())
    window.set_upcoming(appointment_rows())
    window.messages_view.set_messages(message_rows())
    qtbot.wait(50)
    for table in (window.waiting_table, window.appointment_table,
                  window.messages_view.table):
        assert_rows_keep_their_height(table)
    assert window.width() == SIZE[0]
    shoot(window, "console-lists", tmp_path)


def test_the_inbox_shows_a_hostile_message_in_full_without_widening(
    qtbot: QtBot, styled: Any, tmp_path: Path,
) -> None:
    window = shown_window(qtbot)
    window.tabs.setCurrentWidget(window.messages_view)
    window.messages_view.set_messages(message_rows())
    window.messages_view.table.selectRow(1)  # the 120-character word
    qtbot.wait(50)
    view = window.messages_view
    assert view.text.toPlainText() == TEXT
    assert view.heading.textFormat() == Qt.TextFormat.PlainText
    assert_rows_keep_their_height(view.table)
    assert window.width() == SIZE[0]
    assert view.heading.width() <= view.width()
    shoot(window, "console-message", tmp_path)


def test_the_session_shows_hostile_name_phone_and_chat_as_text(
    qtbot: QtBot, styled: Any, tmp_path: Path,
) -> None:
    window = shown_window(qtbot)
    session = window.session_view
    window.show_session(visit(7, NAMES[1], mode="text"))
    session.chat_model.set_lines(chat_lines())
    qtbot.wait(50)
    assert session.name.textFormat() == Qt.TextFormat.PlainText
    assert session.name.text().replace("\u200b", "") == NAMES[1]
    assert window.width() == SIZE[0]
    # The chat panel keeps its width; the long words wrap inside it.
    assert session.chat_panel.width() < SIZE[0] / 2
    assert session.name.minimumSizeHint().width() < session.chat_panel.width()
    # The row of the 2000-letter word is as tall as its lines (not twice, which leaves
    # a blank screen above the centred text): it breaks in pieces of BREAK_EVERY.
    long_word = session.chat_view.visualRect(session.chat_model.index(2, 0))
    metrics = session.chat_view.fontMetrics()
    pieces_per_line = (session.chat_view.viewport().width() // metrics.horizontalAdvance("L")
                       // BREAK_EVERY)
    lines = 2000 / (BREAK_EVERY * pieces_per_line) + 10
    assert long_word.height() < 1.2 * metrics.height() * lines
    shoot(window, "console-session", tmp_path)

    window.show_session(visit(7, NAMES[0], mode="text"))
    qtbot.wait(50)
    assert session.name.text().replace("\u200b", "") == NAMES[0]
    assert_plain(window)
    shoot(window, "console-session-markup", tmp_path)


def test_notification_text_is_escaped_where_the_desktop_reads_markup() -> None:
    name = corpus.MARKUP + corpus.IMAGE
    for platform in ("xcb", "wayland", "offscreen"):
        assert "<" not in notification_text(name, platform)
    assert notification_text(name, "windows") == name


def test_the_tray_message_escapes_the_customers_name(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[tuple[Any, ...]] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "supportsMessages", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "showMessage",
                        lambda _self, *args: shown.append(args))
    window = MainWindow()
    qtbot.addWidget(window)
    alert = WaitingAlert(window)
    window.customerStartedWaiting.connect(alert.customer_waiting)
    window.set_waiting([])
    window.set_waiting([visit(9, corpus.MARKUP)])
    [(title, body, *_)] = shown
    assert title == "Kunde wartet"
    assert body == "&lt;b&gt;x&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt; wartet auf Sie."


def test_long_words_get_break_opportunities_but_emoji_sequences_stay_whole() -> None:
    name = "Erika Mustermann-Lüdenscheid\nDonaudampfschifffahrt"
    assert breakable(name) == name
    assert breakable("W" * 40) == "\u200b".join(["W" * 16, "W" * 16, "W" * 8])
    family = corpus.FAMILY * 10  # 50 code points, no space
    broken = breakable(family)
    assert broken.replace("\u200b", "") == family
    assert all(piece.startswith("\U0001f468") for piece in broken.split("\u200b"))
