"""A microphone level bar: RMS on a decibel scale, as people hear loudness."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QProgressBar, QWidget

FLOOR_DB = -60.0


def level_percent(rms: float) -> int:
    """``rms`` (0 silence … 1 full scale) as 0–100 on a -60 dB … 0 dB scale."""
    if rms <= 0:
        return 0
    decibels = 20 * math.log10(min(rms, 1.0))
    return round(max(0.0, (decibels - FLOOR_DB) / -FLOOR_DB) * 100)


class LevelMeter(QProgressBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("level")
        self.setRange(0, 100)
        self.setTextVisible(False)
        self.setFixedHeight(8)
        self.setAccessibleName(self.tr("Mikrofonpegel"))

    def show_level(self, rms: float) -> None:
        self.setValue(level_percent(rms))
