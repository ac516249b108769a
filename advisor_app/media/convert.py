"""Conversions between Qt's media types and PyAV frames; the pixel work is done in C.

- camera pictures (QImage from a QVideoFrame) to ``av.VideoFrame`` for the encoder;
- decoded frames to a QImage of exactly the size they are shown at;
- raw 16-bit PCM (QAudioSource) to 20 ms ``av.AudioFrame`` s, and frames back to PCM
  for a QAudioSink.
"""

from __future__ import annotations

import av
from av.video.reformatter import VideoReformatter
from PySide6.QtGui import QImage

AUDIO_RATE = 48_000
AUDIO_FRAME_SAMPLES = AUDIO_RATE // 50  # 20 ms, what Opus and aiortc use
_BYTES_PER_SAMPLE = 2  # s16, mono


def image_to_frame(image: QImage) -> av.VideoFrame:
    """A camera picture as a BGRA ``av.VideoFrame`` (the encoder converts it to YUV in C)."""
    if image.format() not in (QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32):
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width() // 2 * 2, image.height() // 2 * 2
    frame = av.VideoFrame(width, height, "bgra")
    plane = frame.planes[0]
    source_stride = image.bytesPerLine()
    pixels = bytes(image.constBits())
    if source_stride == plane.line_size and width == image.width():
        plane.update(pixels[: plane.buffer_size])
        return frame
    row_bytes = width * 4
    rows = bytearray(plane.buffer_size)
    for row in range(height):
        start = row * source_stride
        rows[row * plane.line_size : row * plane.line_size + row_bytes] = (
            pixels[start : start + row_bytes])
    plane.update(bytes(rows))
    return frame


def frame_to_image(frame: av.VideoFrame, size: tuple[int, int],
                   scaler: VideoReformatter | None = None) -> QImage:
    """``frame`` scaled to ``size`` as a 32-bit QImage that owns its pixels.

    32-bit output is swscale's SIMD path and Qt's own pixel format (painting it is a
    plain copy). Keep one ``scaler`` per video surface: ``VideoFrame.reformat`` sets
    up a new swscale context for every frame, which cost more than decoding it
    (docs/benchmarks.md, part 3).
    """
    bgra = (scaler or VideoReformatter()).reformat(
        frame, width=size[0], height=size[1], format="bgra", interpolation="FAST_BILINEAR")
    plane = bgra.planes[0]
    image = QImage(memoryview(plane), bgra.width, bgra.height, plane.line_size,
                   QImage.Format.Format_RGB32)
    return image.copy()


class PcmChunker:
    """Cuts a stream of mono s16 PCM bytes at 48 kHz into 20 ms audio frames."""

    def __init__(self) -> None:
        self._pending = bytearray()

    def feed(self, data: bytes) -> list[av.AudioFrame]:
        self._pending.extend(data)
        chunk = AUDIO_FRAME_SAMPLES * _BYTES_PER_SAMPLE
        frames = []
        while len(self._pending) >= chunk:
            frame = av.AudioFrame(format="s16", layout="mono", samples=AUDIO_FRAME_SAMPLES)
            frame.planes[0].update(bytes(self._pending[:chunk]))
            frame.sample_rate = AUDIO_RATE
            del self._pending[:chunk]
            frames.append(frame)
        return frames


class PcmWriter:
    """Decoded audio in any format to mono s16 PCM bytes at 48 kHz, for a speaker."""

    def __init__(self) -> None:
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)

    def convert(self, frame: av.AudioFrame) -> bytes:
        # The resampler keeps its own timeline; frames from a new source would
        # otherwise trip over the previous pts.
        frame.pts = None
        return b"".join(
            bytes(out.planes[0])[: out.samples * _BYTES_PER_SAMPLE]
            for out in self._resampler.resample(frame))
