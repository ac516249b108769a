"""The Linux desktop entry and the app icon: a valid entry that starts the console and
names the icon, and the icon rendered at every size from the committed SVG."""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

from advisor_app.ui.icon import ICON_NAME, ICON_SIZES, ICONS, app_icon, icon_png

ROOT = Path(__file__).resolve().parents[2]
DESKTOP_ENTRY = ROOT / "packaging" / "linux" / "videoberatung-advisor.desktop"


def console_script() -> str:
    """The console's command, as pyproject.toml installs it."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    (name,) = [name for name, target in scripts.items() if target == "advisor_app.main:main"]
    return str(name)


def read_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP_ENTRY, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_passes_desktop_file_validate() -> None:
    validator = shutil.which("desktop-file-validate")
    assert validator, "desktop-file-validate is missing (scripts/bootstrap: desktop-file-utils)"

    result = subprocess.run([validator, str(DESKTOP_ENTRY)], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "error:" not in result.stdout


def test_desktop_entry_starts_the_console_with_its_icon_in_german_and_english() -> None:
    entry = read_entry()

    assert entry["Type"] == "Application"
    assert entry["Exec"] == console_script()
    assert entry["StartupWMClass"] == console_script()
    assert entry["Icon"] == ICON_NAME
    assert entry["Terminal"] == "false"
    assert entry["Categories"].split(";")[:3] == ["Office", "Network", "VideoConference"]
    for key in ("Name", "GenericName", "Comment"):
        assert entry[key] and entry[f"{key}[de]"] and entry[f"{key}[en]"], key
    assert entry["GenericName[de]"] == "Berater-Konsole"


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icon_png_has_its_size_and_a_transparent_outside(size: int) -> None:
    image = QImage(str(icon_png(size)))

    assert not image.isNull(), f"{icon_png(size)} is missing or unreadable"
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    # Rounded corners: the very corner is (nearly) see-through, the middle the opaque tile.
    assert image.pixelColor(0, 0).alpha() < 32
    assert image.pixelColor(size // 2, size // 8).alpha() == 255


def test_app_icon_offers_every_rendered_size(qapp: Any) -> None:
    sizes = sorted(size.width() for size in app_icon().availableSizes())

    assert sizes == list(ICON_SIZES)


def test_committed_icons_are_what_the_svg_renders_to(tmp_path: Path) -> None:
    # Catches an edited SVG whose PNGs were not rendered again. A small tolerance lets
    # another Qt version antialias a little differently.
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "render_icons.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr

    for size in ICON_SIZES:
        committed = QImage(str(icon_png(size))).convertToFormat(QImage.Format.Format_RGBA8888)
        fresh = QImage(str(tmp_path / icon_png(size).name)).convertToFormat(
            QImage.Format.Format_RGBA8888
        )
        assert (fresh.width(), fresh.height()) == (size, size)
        difference = max(abs(a - b) for a, b in zip(committed.constBits(), fresh.constBits(),
                                                       strict=True))
        assert difference <= 24, f"{icon_png(size).name} differs from the SVG by {difference}"


def test_windows_and_macos_icon_files_hold_the_rendered_sizes() -> None:
    ico = (ICONS / f"{ICON_NAME}.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    sizes = [struct.unpack_from("<B", ico, 6 + 16 * index)[0] or 256 for index in range(count)]
    assert (reserved, kind) == (0, 1)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]

    icns = (ICONS / f"{ICON_NAME}.icns").read_bytes()
    assert icns[:4] == b"icns"
    assert struct.unpack_from(">I", icns, 4)[0] == len(icns)
    kinds, offset = [], 8
    while offset < len(icns):
        kinds.append(icns[offset:offset + 4])
        offset += struct.unpack_from(">I", icns, offset + 4)[0]
    assert offset == len(icns)
    assert {b"icp4", b"ic07", b"ic08", b"ic09"} <= set(kinds)
