"""How big the main window opens, and how small it may get, on the advisor's screen.

Advisors work on laptops with 1366×768 and older 1024×768 screens as well as on large
monitors: the window must fit the screen's available geometry (without the panels)
with room for the window manager's title bar and borders, or its bottom, status line
included, ends up off the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QSize

PREFERRED = QSize(1280, 800)
# The smallest the layout is built for: what a 1024×768 screen leaves after a panel and
# a title bar. MainWindow's layout must not need more (its test checks).
SMALLEST = QSize(1000, 600)
# What a window manager typically adds around the window's contents.
FRAME = QSize(16, 48)
# On large screens the window takes this share of the screen, for a bigger picture.
SCREEN_SHARE = 0.8


def _room(available: QSize) -> QSize:
    return QSize(max(0, available.width() - FRAME.width()),
                 max(0, available.height() - FRAME.height()))


def default_size(available: QSize) -> QSize:
    """The size the window opens at on a screen with ``available`` room: the preferred
    size or a share of a large screen, never more than fits."""
    room = _room(available)
    width = max(PREFERRED.width(), int(available.width() * SCREEN_SHARE))
    height = max(PREFERRED.height(), int(available.height() * SCREEN_SHARE))
    return QSize(min(width, room.width()), min(height, room.height()))


def minimum_size(available: QSize) -> QSize:
    """The smallest the advisor may make the window: :data:`SMALLEST`, less if even that
    would not fit."""
    return SMALLEST.boundedTo(_room(available))


SIDEBAR_MINIMUM_WIDTH = 300


def sidebar_width(window_width: int) -> int:
    """The waiting list and appointments beside the session: just over a quarter of the
    window (room for a full name in the waiting list at 1280 px), 320 to 400 px; the
    session (the customer's picture) gets the rest."""
    return max(320, min(400, window_width * 28 // 100))
