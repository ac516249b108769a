"""The application icon: one SVG, rendered to PNGs at the sizes desktops ask for.

The PNGs are made by ``packaging/render_icons.py``; the window, the tray and the
QApplication all use :func:`app_icon`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from advisor_app.resources import RESOURCES

ICONS = RESOURCES / "icons"
ICON_NAME = "videoberatung"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def icon_png(size: int) -> Path:
    """The rendered PNG of ``size`` × ``size`` pixels."""
    return ICONS / f"{ICON_NAME}-{size}.png"


def app_icon() -> QIcon:
    """The icon with every rendered size, so Qt picks a sharp one for each use.

    Falls back to the SVG (QtSvg's icon engine) when the PNGs are missing, and is
    an empty icon when neither is there.
    """
    icon = QIcon()
    for size in ICON_SIZES:
        path = icon_png(size)
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    if icon.isNull():
        svg = ICONS / f"{ICON_NAME}.svg"
        if svg.is_file():
            icon.addFile(str(svg))
    return icon
