"""Render the app icon from its SVG: PNGs at every size, a Windows .ico, a macOS .icns.

Run it after editing ``resources/icons/videoberatung.svg`` and commit what it writes:

    .venv/bin/python packaging/render_icons.py

``--out DIR`` writes into another folder instead (the tests compare that with what is
committed).

A size may have a hand-hinted drawing of its own, ``videoberatung-<size>.svg`` drawn
on that size's pixel grid (16 px has one); every other size is rendered from the main
SVG. Qt renders the SVGs (QtSvg, offscreen), so nothing beyond the console's own
dependencies is needed. The .ico and .icns hold PNG images, which Windows Vista+
and macOS 10.7+ read; PyInstaller takes them as they are.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from advisor_app.ui.icon import ICON_NAME, ICON_SIZES, ICONS

# Drawn once at this size and scaled down, so the small sizes get a smooth box filter
# rather than the renderer's coverage estimate alone.
SUPERSAMPLE = 4
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# The icns element types that take PNG data, with their pixel size.
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"ic11", 32), (b"ic12", 64),
    (b"ic07", 128), (b"ic13", 256), (b"ic08", 256), (b"ic14", 512), (b"ic09", 512),
)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG as a ``size`` × ``size`` image with a transparent background."""
    large = size * SUPERSAMPLE
    image = QImage(large, large, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, large, large))
    painter.end()
    return image.scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon file whose images are PNGs (a width/height byte of 0 means 256)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, data in sorted(pngs.items()):
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32,
                               len(data), offset + len(images))
        images += data
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon file: big-endian 'icns' header, then one PNG element per type."""
    elements = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def drawing_for(size: int) -> Path:
    """The SVG drawn for ``size`` if there is one, otherwise the main SVG."""
    hinted = ICONS / f"{ICON_NAME}-{size}.svg"
    return hinted if hinted.is_file() else ICONS / f"{ICON_NAME}.svg"


def main() -> int:
    parser = argparse.ArgumentParser(description="Render the app icon from its SVG.")
    parser.add_argument("--out", type=Path, default=ICONS, help=f"target folder (default {ICONS})")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication(sys.argv[:1])
    pngs: dict[int, bytes] = {}
    for size in ICON_SIZES:
        renderer = QSvgRenderer(str(drawing_for(size)))
        if not renderer.isValid():
            print(f"cannot read {drawing_for(size)}", file=sys.stderr)
            return 1
        pngs[size] = png_bytes(render(renderer, size))
    for size, data in pngs.items():
        (out / f"{ICON_NAME}-{size}.png").write_bytes(data)
    (out / f"{ICON_NAME}.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (out / f"{ICON_NAME}.icns").write_bytes(icns(pngs))
    print(f"wrote {len(pngs)} PNGs, {ICON_NAME}.ico and {ICON_NAME}.icns to {out}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
