"""Synthetic sources for machines without a camera or microphone (and for tests).

The video track draws a moving pattern with its frame number encoded as black and
white cells in a band at the top, so a receiver can read the number back after
the codec (:func:`read_frame_number`) and tell fresh frames, order and drops
apart. The audio track is a sine tone. Both are plain aiortc tracks, the same
interface the console's real camera and microphone tracks will have.

Pure Python on purpose: numpy is not a dependency of the console.
"""

from __future__ import annotations

import array
import asyncio
import fractions
import math
import time

import av
from aiortc import AudioStreamTrack, VideoStreamTrack
from aiortc.mediastreams import MediaStreamError

VIDEO_CLOCK_RATE = 90_000
AUDIO_PTIME = 0.020

# Frame-number band: a white start cell, 24 number bits (MSB first), 8 check bits,
# a black stop cell. Cells span equal fractions of the width, so the code
# survives scaling as well as the codec.
_NUMBER_BITS = 24
_CHECK_BITS = 8
_CELLS = 1 + _NUMBER_BITS + _CHECK_BITS + 1
_BLACK = 16  # video-range luma, what a decoder hands back for black/white
_WHITE = 235
_GREY = 128
_THRESHOLD = 128


class _Pacer:
    """Hands out frame slots at a fixed rate, in real time.

    A consumer that stops reading (a sender whose track was swapped out, a stalled
    encoder) must not get a burst of stale frames when it comes back, so a late
    reader skips to the current slot instead of catching up; the gap then shows
    in the timestamps, as it would with a real device.
    """

    def __init__(self, slots_per_second: float) -> None:
        self._interval = 1.0 / slots_per_second
        self._start: float | None = None
        self._slot = -1

    async def next_slot(self) -> int:
        now = time.monotonic()
        if self._start is None:
            self._start = now
            self._slot = 0
            return 0
        self._slot += 1
        due = self._start + self._slot * self._interval
        if now - due > 2 * self._interval:
            self._slot = int((now - self._start) / self._interval)
        elif due > now:
            await asyncio.sleep(due - now)
        return self._slot


def _check_bits(number: int) -> int:
    # XOR of the three number bytes, salted so an all-black or all-white band
    # never reads as a valid code.
    return ((number >> 16) ^ (number >> 8) ^ number ^ 0xA5) & 0xFF


def _code_cells(number: int) -> list[bool]:
    number &= (1 << _NUMBER_BITS) - 1
    payload = (number << _CHECK_BITS) | _check_bits(number)
    bits = [bool(payload >> shift & 1) for shift in range(_NUMBER_BITS + _CHECK_BITS - 1, -1, -1)]
    return [True, *bits, False]


def _cell_bounds(index: int, width: int) -> tuple[int, int]:
    return index * width // _CELLS, (index + 1) * width // _CELLS


def _band_height(height: int) -> int:
    return max(8, height // 16)


def draw_frame(number: int, width: int, height: int) -> av.VideoFrame:
    """A yuv420p test pattern for frame ``number``, the number encoded in its top band.

    Below the band: vertical stripes that move right and a bright bar that moves
    down, so the encoder sees real motion.
    """
    if width < 2 * _CELLS or height < 2 * _band_height(height):
        raise ValueError(f"frame {width}x{height} is too small for the frame-number band")
    frame = av.VideoFrame(width, height, "yuv420p")
    luma_plane = frame.planes[0]
    stride = luma_plane.line_size

    stripes = bytes((x // 2) & 0xFF for x in range(stride + 512))
    shift = (number * 4) % 512
    luma = bytearray(stripes[shift : shift + stride] * height)

    bar_height = max(4, height // 20)
    bar_top = (number * 3) % (height - bar_height)
    luma[bar_top * stride : (bar_top + bar_height) * stride] = bytes([200]) * (
        bar_height * stride
    )

    code_row = bytearray([_GREY]) * stride
    for index, white in enumerate(_code_cells(number)):
        left, right = _cell_bounds(index, width)
        code_row[left:right] = bytes([_WHITE if white else _BLACK]) * (right - left)
    band = _band_height(height)
    luma[: band * stride] = bytes(code_row) * band

    luma_plane.update(bytes(luma))
    for chroma in frame.planes[1:]:
        chroma.update(bytes([_GREY]) * chroma.buffer_size)
    return frame


def read_frame_number(frame: av.VideoFrame) -> int | None:
    """The frame number drawn by :func:`draw_frame`, or None if ``frame`` carries none.

    Reads the centre of each cell of the top band; a missing start/stop cell or a
    wrong check byte (another source, a corrupted picture) gives None.
    """
    width, height = frame.width, frame.height
    if width < 2 * _CELLS or height < 16:
        return None
    if frame.format.name not in ("yuv420p", "yuvj420p", "nv12", "gray"):
        frame = frame.reformat(format="yuv420p")
    luma_plane = frame.planes[0]
    stride = luma_plane.line_size
    luma = memoryview(luma_plane)
    band = _band_height(height)
    rows = range(band // 4, band - band // 4)

    cells: list[bool] = []
    for index in range(_CELLS):
        left, right = _cell_bounds(index, width)
        inset = (right - left) // 4
        columns = range(left + inset, right - inset)
        total = sum(luma[row * stride + column] for row in rows for column in columns)
        cells.append(total > _THRESHOLD * len(rows) * len(columns))

    if not cells[0] or cells[-1]:
        return None
    payload = 0
    for bit in cells[1:-1]:
        payload = (payload << 1) | int(bit)
    number = payload >> _CHECK_BITS
    if payload & 0xFF != _check_bits(number):
        return None
    return number


def tone_pcm(first_sample: int, count: int, frequency: float = 440,
             sample_rate: int = 48_000, amplitude: float = 0.3) -> bytes:
    """``count`` mono s16 samples of a sine tone, from absolute sample ``first_sample``.

    The phase comes from the absolute sample index, so consecutive calls (and calls
    after a gap) continue the same tone without clicks.
    """
    step = 2 * math.pi * frequency / sample_rate
    peak = amplitude * 32767
    return array.array(
        "h", (round(peak * math.sin(step * (first_sample + i))) for i in range(count))
    ).tobytes()


SPEECH_SYLLABLE_SECONDS = 0.6
SPEECH_PAUSE_SECONDS = 0.2


def speech_like_pcm(first_sample: int, count: int, sample_rate: int = 48_000,
                    amplitude: float = 0.3) -> bytes:
    """Mono s16 "speech" for tests without a voice: 600 ms of a voiced sound (a 180 Hz
    fundamental and two harmonics, with soft edges) and 200 ms of faint room noise, again
    and again, continuous from absolute sample ``first_sample`` like :func:`tone_pcm`."""
    period = round((SPEECH_SYLLABLE_SECONDS + SPEECH_PAUSE_SECONDS) * sample_rate)
    voiced = round(SPEECH_SYLLABLE_SECONDS * sample_rate)
    edge = sample_rate // 100
    step = 2 * math.pi * 180 / sample_rate
    peak = amplitude * 32767 / 1.75

    def sample(index: int) -> int:
        within = index % period
        if within >= voiced:
            return _room_noise(index)
        envelope = min(1.0, within / edge, (voiced - within) / edge)
        phase = step * index
        voice = math.sin(phase) + 0.5 * math.sin(2 * phase) + 0.25 * math.sin(3 * phase)
        return round(peak * envelope * voice)

    return array.array("h", (sample(first_sample + i) for i in range(count))).tobytes()


def _room_noise(index: int) -> int:
    # Deterministic noise of about -60 dBFS: a hash of the sample index.
    return ((index * 2_654_435_761) >> 7) % 65 - 32


def room_noise_pcm(first_sample: int, count: int) -> bytes:
    """Mono s16 faint room noise (about -60 dBFS): a quiet room, not a dead microphone."""
    return array.array("h", (_room_noise(first_sample + i) for i in range(count))).tobytes()


def silence_pcm(first_sample: int, count: int) -> bytes:
    """Mono s16 digital silence: what a muted or wrongly chosen input device delivers."""
    return bytes(2 * count)


def clipped_pcm(first_sample: int, count: int, sample_rate: int = 48_000) -> bytes:
    """Mono s16 of a 440 Hz tone driven to twice full scale and cut off there: an input
    whose gain is far too high."""
    step = 2 * math.pi * 440 / sample_rate
    return array.array("h", (
        max(-32768, min(32767, round(2 * 32767 * math.sin(step * (first_sample + i)))))
        for i in range(count))).tobytes()


class SyntheticVideoTrack(VideoStreamTrack):
    """A moving test pattern with the frame number encoded in it (:func:`read_frame_number`)."""

    def __init__(self, width: int = 640, height: int = 480, fps: float = 30) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self.fps = fps
        self._pacer = _Pacer(fps)

    async def recv(self) -> av.VideoFrame:
        """The next frame, in real time; ``pts`` counts 90 kHz ticks from the first frame."""
        if self.readyState != "live":
            raise MediaStreamError
        slot = await self._pacer.next_slot()
        frame = draw_frame(slot, self.width, self.height)
        frame.pts = round(slot * VIDEO_CLOCK_RATE / self.fps)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK_RATE)
        return frame


class SyntheticAudioTrack(AudioStreamTrack):
    """A sine tone in 20 ms frames of mono s16 samples."""

    def __init__(
        self, frequency: float = 440, sample_rate: int = 48_000, amplitude: float = 0.3
    ) -> None:
        super().__init__()
        if sample_rate % 50:
            raise ValueError("the sample rate must be a multiple of 50 Hz (20 ms frames)")
        self.frequency = frequency
        self.sample_rate = sample_rate
        self.amplitude = amplitude
        self._samples_per_frame = int(sample_rate * AUDIO_PTIME)
        self._pacer = _Pacer(1 / AUDIO_PTIME)

    async def recv(self) -> av.AudioFrame:
        """The next 20 ms, in real time; ``pts`` counts samples from the first frame."""
        if self.readyState != "live":
            raise MediaStreamError
        slot = await self._pacer.next_slot()
        first_sample = slot * self._samples_per_frame
        frame = av.AudioFrame(format="s16", layout="mono", samples=self._samples_per_frame)
        frame.planes[0].update(tone_pcm(first_sample, self._samples_per_frame, self.frequency,
                                        self.sample_rate, self.amplitude))
        frame.sample_rate = self.sample_rate
        frame.pts = first_sample
        frame.time_base = fractions.Fraction(1, self.sample_rate)
        return frame
