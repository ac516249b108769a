"""The frame number painted into the customer's outgoing video, and reading it back.

A band across the top of the picture holds ``CELLS`` equal cells, each black or white:
a white start cell, the frame number (``NUMBER_BITS``, most significant first),
``CHECK_BITS`` check bits and a black stop cell. Cells are a fixed fraction of the width
and the band a fixed fraction of the height, so the code survives the encoder, scaling
and the colour conversions on the way. The painter is bench/web/canvas_camera.js; the
constants reach it through :func:`page_config`.

Readers look only at a few pixels near the centre of each cell, so reading costs the
receiver a few hundred pixel reads per frame, not a pass over the picture.
"""

from __future__ import annotations

from typing import Any

CELLS = 30
NUMBER_BITS = 20
CHECK_BITS = 8
THRESHOLD = 128  # on 0–255 luma
SALT = 0x5A
BAND_DIVISOR = 12
BAND_MIN = 16


def band_height(height: int) -> int:
    return max(BAND_MIN, height // BAND_DIVISOR)


def check_bits(number: int) -> int:
    """XOR of the number's bytes, salted: an all-black or all-white band never checks."""
    return ((number >> 16) ^ (number >> 8) ^ number ^ SALT) & 0xFF


def page_config(width: int, height: int, fps: int) -> dict[str, Any]:
    return {"width": width, "height": height, "fps": fps, "cells": CELLS,
            "numberBits": NUMBER_BITS, "checkBits": CHECK_BITS, "salt": SALT,
            "band": band_height(height), "bandDivisor": BAND_DIVISOR, "bandMin": BAND_MIN,
            "threshold": THRESHOLD}


def decode_cells(bright: list[bool]) -> int | None:
    if len(bright) != CELLS or not bright[0] or bright[-1]:
        return None
    payload = 0
    for bit in bright[1:-1]:
        payload = (payload << 1) | int(bit)
    number = payload >> CHECK_BITS
    return number if payload & 0xFF == check_bits(number) else None


def _sample_points(width: int, height: int) -> list[list[tuple[int, int]]]:
    """Per cell, nine (x, y) points around its centre, inside the band."""
    band = band_height(height)
    rows = (band // 3, band // 2, band - band // 3)
    cells = []
    for index in range(CELLS):
        left, right = index * width // CELLS, (index + 1) * width // CELLS
        quarter = max(1, (right - left) // 4)
        centre = (left + right) // 2
        cells.append([(x, y) for y in rows for x in (centre - quarter, centre, centre + quarter)])
    return cells


_points_cache: dict[tuple[int, int], list[list[tuple[int, int]]]] = {}


def _points(width: int, height: int) -> list[list[tuple[int, int]]]:
    key = (width, height)
    if key not in _points_cache:
        _points_cache[key] = _sample_points(width, height)
    return _points_cache[key]


def read_luma(luma: Any, stride: int, width: int, height: int) -> int | None:
    """The number in an 8-bit luma plane (``luma[y * stride + x]``), or None."""
    bright = []
    for points in _points(width, height):
        total = sum(luma[y * stride + x] for x, y in points)
        bright.append(total > THRESHOLD * len(points))
    return decode_cells(bright)


def read_frame(frame: Any) -> int | None:
    """The number in a decoded ``av.VideoFrame`` (yuv420p and kin: plane 0 is luma)."""
    if frame.format.name not in ("yuv420p", "yuvj420p", "nv12", "gray"):
        frame = frame.reformat(format="yuv420p")
    plane = frame.planes[0]
    return read_luma(memoryview(plane), plane.line_size, frame.width, frame.height)


def read_image(image: Any) -> int | None:
    """The number in an RGB888 or 32-bit RGB ``QImage`` (what the console paints)."""
    from PySide6.QtGui import QImage

    width, height = image.width(), image.height()
    if width < CELLS * 2 or height < 32:
        return None
    depth = {QImage.Format.Format_RGB888: 3, QImage.Format.Format_RGB32: 4,
             QImage.Format.Format_ARGB32: 4}.get(image.format())
    if depth is None:
        return None
    pixels = image.constBits()
    stride = image.bytesPerLine()
    # RGB888 is R, G, B in memory; RGB32 is B, G, R, A on little-endian machines: the
    # green byte sits at +1 either way, and green is most of luma.
    bright = []
    for points in _points(width, height):
        total = sum(pixels[y * stride + x * depth + 1] for x, y in points)
        bright.append(total > THRESHOLD * len(points))
    return decode_cells(bright)
