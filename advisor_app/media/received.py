"""Reading what arrives from the other side: frame counts, picture size, audio level."""

from __future__ import annotations

import array
import asyncio
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

RMS_WINDOW_SECONDS = 1.0

_S16_FULL_SCALE = 32768.0


class SlidingRms:
    """RMS of s16 audio over a sliding window of about ``window_seconds``."""

    def __init__(self, window_seconds: float = RMS_WINDOW_SECONDS) -> None:
        self._window_seconds = window_seconds
        self._frames: deque[tuple[int, int, float]] = deque()
        self._squares = 0
        self._values = 0
        self._seconds = 0.0

    def add(self, frame: av.AudioFrame) -> float:
        """Take in one frame; returns the level of the window, 0 (silence) to 1 (full scale)."""
        squares, values = pcm_sum_of_squares(frame)
        seconds = frame.samples / frame.sample_rate
        self._frames.append((squares, values, seconds))
        self._squares += squares
        self._values += values
        self._seconds += seconds
        while len(self._frames) > 1 and self._seconds - self._frames[0][2] >= self._window_seconds:
            old_squares, old_values, old_seconds = self._frames.popleft()
            self._squares -= old_squares
            self._values -= old_values
            self._seconds -= old_seconds
        if not self._values:
            return 0.0
        return math.sqrt(self._squares / self._values) / _S16_FULL_SCALE


@dataclass
class ReceivedMedia:
    """What arrived from the customer so far; updated live while the tracks run.

    ``first_video_frame_at`` and the ``last_…_at`` are event-loop time
    (``loop.time()``). ``audio_rms`` is the level of the last ~second of audio, 0
    (silence) to 1 (full scale).
    """

    video_frames: int = 0
    last_video_size: tuple[int, int] | None = None
    first_video_frame_at: float | None = None
    last_video_frame_at: float | None = None
    audio_frames: int = 0
    last_audio_frame_at: float | None = None
    audio_samples: int = 0
    audio_rms: float = 0.0
    _level: SlidingRms = field(default_factory=SlidingRms, repr=False, compare=False)

    def count_video(self, frame: av.VideoFrame, at: float) -> None:
        """Note one decoded video frame received at loop time ``at``."""
        if self.first_video_frame_at is None:
            self.first_video_frame_at = at
        self.video_frames += 1
        self.last_video_frame_at = at
        self.last_video_size = (frame.width, frame.height)

    def count_audio(self, frame: av.AudioFrame, at: float) -> None:
        """Note one decoded audio frame received at loop time ``at`` and update the level."""
        self.audio_frames += 1
        self.last_audio_frame_at = at
        self.audio_samples += frame.samples
        self.audio_rms = self._level.add(frame)


def pcm_sum_of_squares(frame: av.AudioFrame) -> tuple[int, int]:
    """Sum of squared s16 sample values over all channels, and how many values.

    Frames in another format are converted to packed s16 first (aiortc's Opus
    decoder already delivers s16).
    """
    if frame.format.name not in ("s16", "s16p"):
        frame = _to_s16(frame)
    channels = len(frame.layout.channels)
    values_per_plane = frame.samples * (channels if frame.format.name == "s16" else 1)
    squares = 0
    count = 0
    for plane in frame.planes:
        # Planes can be padded beyond the samples they carry.
        samples = array.array("h", bytes(plane)[: values_per_plane * 2])
        squares += sum(v * v for v in samples)
        count += len(samples)
    return squares, count


def _to_s16(frame: av.AudioFrame) -> av.AudioFrame:
    resampler = av.AudioResampler(format="s16", layout=frame.layout.name, rate=frame.sample_rate)
    converted = resampler.resample(frame)
    if not converted:
        raise ValueError("could not convert the audio frame to s16")
    first: av.AudioFrame = converted[0]
    return first


async def consume_track(
    track: MediaStreamTrack,
    received: ReceivedMedia,
    on_video_frame: Callable[[av.VideoFrame], None] | None = None,
    on_audio_frame: Callable[[av.AudioFrame], None] | None = None,
) -> None:
    """Read ``track`` until it ends, counting into ``received`` and handing each
    frame to the matching callback (the screen, the speaker).

    Ends quietly when the track ends (aiortc raises MediaStreamError from
    ``recv`` once the peer connection closes).
    """
    loop = asyncio.get_running_loop()
    while True:
        try:
            frame = await track.recv()
        except MediaStreamError:
            return
        if isinstance(frame, av.VideoFrame):
            received.count_video(frame, loop.time())
            if on_video_frame is not None:
                on_video_frame(frame)
        elif isinstance(frame, av.AudioFrame):
            received.count_audio(frame, loop.time())
            if on_audio_frame is not None:
                on_audio_frame(frame)
