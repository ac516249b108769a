"""A video surface that paints only the newest frame, scaled with its aspect ratio kept.

Frames are converted in C (one swscale context per widget) straight to the size they
are shown at, and only when painted: frames that arrive between two paints are
skipped, never converted. The GUI thread never touches pixels in Python.
"""

from __future__ import annotations

import av
from av.video.reformatter import VideoReformatter
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from advisor_app.media.convert import frame_to_image


def fit_size(source: tuple[int, int], bounds: tuple[int, int]) -> tuple[int, int]:
    """The largest size inside ``bounds`` with the aspect ratio of ``source`` (even numbers)."""
    width, height = source
    max_width, max_height = bounds
    if width <= 0 or height <= 0 or max_width <= 1 or max_height <= 1:
        return (0, 0)
    scale = min(max_width / width, max_height / height)
    fitted_width = max(2, int(width * scale) // 2 * 2)
    fitted_height = max(2, int(height * scale) // 2 * 2)
    return (fitted_width, fitted_height)


class VideoWidget(QWidget):
    """Shows the latest frame handed to :meth:`show_frame`; black with a note otherwise."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("video")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._image: QImage | None = None
        self._frame: av.VideoFrame | None = None
        self._converted: av.VideoFrame | None = None
        self._scaler = VideoReformatter()
        self._placeholder = placeholder
        self.frames_shown = 0
        self.paints_with_frame = 0
        self.conversions = 0

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def show_frame(self, frame: av.VideoFrame) -> None:
        """Take the newest frame; it is scaled and converted only if it gets painted."""
        self._frame = frame
        self.frames_shown += 1
        self.update()

    def clear(self) -> None:
        self._image = self._frame = self._converted = None
        self.update()

    def has_frame(self) -> bool:
        return self._frame is not None

    def _current_image(self) -> QImage | None:
        frame = self._frame
        if frame is None:
            return None
        size = fit_size((frame.width, frame.height), (self.width(), self.height()))
        if size == (0, 0):
            return None
        stale = self._image is None or (self._image.width(), self._image.height()) != size
        if frame is not self._converted or stale:
            self._image = frame_to_image(frame, size, self._scaler)
            self._converted = frame
            self.conversions += 1
        return self._image

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self._current_image()
        if self._image is not None and self._frame is not None:
            painter.fillRect(self.rect(), QColor("#1f2933"))
            target = QRect(0, 0, self._image.width(), self._image.height())
            target.moveCenter(self.rect().center())
            painter.drawImage(target, self._image)
            self.paints_with_frame += 1
        else:
            painter.fillRect(self.rect(), QColor("#e4ebf2"))
            painter.setPen(QColor("#486581"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._placeholder)
        painter.end()

