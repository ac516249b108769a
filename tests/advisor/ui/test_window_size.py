"""The console fits the screens advisors have: it opens inside the screen's free area,
its layout needs no more than that on 1024×768 and 1366×768, and in a session the
customer's picture gets the room while the chat can be narrowed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from advisor_app.app import configure_application
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.window_size import FRAME, default_size, minimum_size
from tests.advisor.ui.test_main_window import visit

# A 1366×768 laptop with a 32 px panel; a 1024×768 screen without; a large monitor.
SCREENS = {
    "1024x768": QRect(0, 0, 1024, 768),
    "1366x768": QRect(0, 32, 1366, 736),
    "1920x1080": QRect(0, 0, 1920, 1080),
}


def fits(size: QSize, available: QRect) -> bool:
    return (size.width() + FRAME.width() <= available.width()
            and size.height() + FRAME.height() <= available.height())


def in_session(qtbot: QtBot, available: QRect) -> MainWindow:
    configure_application(QApplication.instance())  # type: ignore[arg-type]
    window = MainWindow("Anna Berater")
    qtbot.addWidget(window)
    window.set_waiting([visit(7), visit(8, "Max Muster")])
    window.show_session(visit(7, state="active", mode="video", see_advisor=True,
                              show_me=True))
    window.fit_to(available)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.mark.parametrize("screen", SCREENS)
def test_the_window_opens_inside_the_screen_and_its_layout_fits(
    qtbot: QtBot, screen: str,
) -> None:
    available = SCREENS[screen]
    window = in_session(qtbot, available)
    assert fits(window.size(), available), window.size()
    assert available.contains(QRect(window.pos(), window.size()))
    assert fits(window.minimumSize(), available)
    # The layout itself needs no more than the minimum: shrunk to it, nothing overlaps.
    assert window.minimumSizeHint().boundedTo(window.minimumSize()) == window.minimumSizeHint()
    # The status line is inside the window, at its bottom.
    status = window.statusBar()
    assert status.isVisible()
    assert status.mapTo(window, QPoint(0, status.height())).y() == window.height()


def test_a_large_screen_gets_a_larger_window() -> None:
    assert default_size(QSize(1920, 1080)).width() > 1280
    assert default_size(QSize(1366, 736)) == QSize(1280, 736 - FRAME.height())
    assert minimum_size(QSize(800, 600)).height() <= 600 - FRAME.height()


def test_the_customers_picture_gets_the_room_and_the_chat_can_be_narrowed(
    qtbot: QtBot,
) -> None:
    window = in_session(qtbot, QRect(0, 0, 1280 + FRAME.width(), 800 + FRAME.height()))
    assert window.size() == QSize(1280, 800)
    session = window.session_view
    picture, chat = session.video_area.width(), session.chat_panel.width()
    assert picture >= 560 and picture >= 1.8 * chat, (picture, chat)

    # The advisor drags the handle between picture and chat to the right.
    handle = session.splitter.handle(1)
    start = handle.rect().center()
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(handle, start + QPoint(120, 0))
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=start + QPoint(120, 0))
    assert session.chat_panel.width() < chat
    assert session.video_area.width() > picture
