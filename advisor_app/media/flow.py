"""Whether the customer's picture and sound are arriving: a pure rule over when the last
frame of each kind came, so the console can say "reconnecting" while they do not.

aiortc reports no ICE "disconnected" (its connection state stays "connected" until
consent fails after about 30 s), so the console judges by what it decodes. The customer's
browser sends sound all the time (silence when muted), and black frames when the camera is
off, so a call that carries nothing at all for :data:`SILENCE_SECONDS` is interrupted.
A call whose sound arrives but whose picture has not moved for :data:`FROZEN_SECONDS`
shows the advisor a frozen picture (a camera that stopped, a video stream starved by a
weak line): the console warns about that.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SILENCE_SECONDS = 1.5
FROZEN_SECONDS = 2.0


class MediaFlow(StrEnum):
    CONNECTING = "connecting"  # a new call; nothing arrived yet
    FLOWING = "flowing"
    FROZEN = "frozen"  # sound arrives, the picture stopped (a video was coming before)
    INTERRUPTED = "interrupted"  # it flowed, then stopped; until it flows again


@dataclass(frozen=True)
class Arrivals:
    """Loop times of the newest decoded frame of each kind expected from the customer
    (None: none yet, or the kind is not expected)."""

    last_audio_at: float | None
    last_video_at: float | None


def media_flow(arrivals: Arrivals, now: float, previous: MediaFlow | None) -> MediaFlow:
    """The state after ``previous``: a call that was flowing or interrupted stays
    interrupted until frames arrive again (on a new peer connection too)."""
    video = arrivals.last_video_at
    times = [t for t in (arrivals.last_audio_at, video) if t is not None]
    if times and now - max(times) <= SILENCE_SECONDS:
        if video is not None and now - video > FROZEN_SECONDS:
            return MediaFlow.FROZEN
        return MediaFlow.FLOWING
    if previous in (MediaFlow.FLOWING, MediaFlow.FROZEN, MediaFlow.INTERRUPTED):
        return MediaFlow.INTERRUPTED
    return MediaFlow.CONNECTING
