"""Local media fanned out: one camera or microphone, any number of readers.

A device is opened once; its frames go to the preview, the level meter and every
outgoing WebRTC track through a :class:`FrameFanOut`. Each subscriber is an aiortc
track with its own clock (so a sender that joins late starts its timestamps at
zero) and its own small buffer: video keeps only the newest frame (a slow encoder
skips frames instead of falling behind), audio keeps a few hundred milliseconds and
drops the oldest beyond that.

No Qt here: :mod:`advisor_app.media.capture` publishes into these from QtMultimedia.
"""

from __future__ import annotations

import asyncio
import fractions
import time
from collections import deque
from collections.abc import Callable

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

VIDEO_CLOCK_RATE = 90_000
AUDIO_BUFFER_FRAMES = 10  # 200 ms of 20 ms frames

Frame = av.VideoFrame | av.AudioFrame


class FanOutTrack(MediaStreamTrack):
    """One reader of a :class:`FrameFanOut`; ends when the fan-out or the track stops."""

    def __init__(self, source: FrameFanOut, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self._source = source
        self._frames: deque[Frame] = deque(maxlen=1 if kind == "video" else AUDIO_BUFFER_FRAMES)
        self._arrived = asyncio.Event()
        self._started_at: float | None = None
        self._samples_sent = 0
        self.dropped = 0

    def offer(self, frame: Frame) -> None:
        if len(self._frames) == self._frames.maxlen:
            self.dropped += 1
        self._frames.append(frame)
        self._arrived.set()

    async def recv(self) -> Frame:
        while not self._frames:
            if self.readyState != "live":
                raise MediaStreamError
            self._arrived.clear()
            await self._arrived.wait()
        if self.readyState != "live":
            raise MediaStreamError
        return self._stamp(self._frames.popleft())

    def _stamp(self, frame: Frame) -> Frame:
        """Timestamps on this track's own clock, starting at zero."""
        if isinstance(frame, av.AudioFrame):
            frame.pts = self._samples_sent
            frame.time_base = fractions.Fraction(1, frame.sample_rate)
            self._samples_sent += frame.samples
            return frame
        now = time.monotonic()
        if self._started_at is None:
            self._started_at = now
        frame.pts = round((now - self._started_at) * VIDEO_CLOCK_RATE)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK_RATE)
        return frame

    def stop(self) -> None:
        super().stop()
        self._source.unsubscribe(self)
        self._arrived.set()


class FrameFanOut:
    """Hands each published frame to every subscribed track and listener."""

    def __init__(self, kind: str) -> None:
        if kind not in ("audio", "video"):
            raise ValueError(f"unknown media kind {kind!r}")
        self.kind = kind
        self.listeners: list[Callable[[Frame], None]] = []
        self.published = 0
        self._tracks: list[FanOutTrack] = []

    def subscribe(self) -> FanOutTrack:
        """A new track that receives frames published from now on."""
        track = FanOutTrack(self, self.kind)
        self._tracks.append(track)
        return track

    def unsubscribe(self, track: FanOutTrack) -> None:
        if track in self._tracks:
            self._tracks.remove(track)

    @property
    def subscribers(self) -> int:
        return len(self._tracks)

    def publish(self, frame: Frame) -> None:
        """Give ``frame`` to every reader. Frames are shared: readers must not change
        their pixels or samples (aiortc's encoders only read them)."""
        self.published += 1
        for listener in list(self.listeners):
            listener(frame)
        for track in list(self._tracks):
            track.offer(_copy_frame(frame) if len(self._tracks) > 1 else frame)

    def close(self) -> None:
        """End every subscribed track (their ``recv`` raises MediaStreamError)."""
        for track in list(self._tracks):
            track.stop()


def _copy_frame(frame: Frame) -> Frame:
    # Each track stamps its own pts/time_base, so readers need frames of their own;
    # the pixels are copied in C, which is cheap next to encoding them.
    copy: Frame
    if isinstance(frame, av.VideoFrame):
        copy = av.VideoFrame(frame.width, frame.height, frame.format.name)
    else:
        copy = av.AudioFrame(format=frame.format.name, layout=frame.layout.name,
                             samples=frame.samples)
        copy.sample_rate = frame.sample_rate
    for target, source in zip(copy.planes, frame.planes, strict=True):
        target.update(bytes(source))
    return copy
