"""Microphone mute and camera off, without renegotiation.

The sender keeps its track; :class:`SwitchableTrack` passes the source's frames
through, or silence / black frames with the *same* timestamps while switched off.
Swapping the sender's track instead (``replaceTrack``) would restart the RTP
timestamps from the new track's clock, and a receiver's jitter buffer does not
take timestamps jumping backwards well.
"""

from __future__ import annotations

from typing import Any

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from av.frame import Frame
from av.packet import Packet

_BLACK_LUMA = 16
_NEUTRAL_CHROMA = 128


def silence_like(frame: av.AudioFrame) -> av.AudioFrame:
    """A silent audio frame with the format, layout, length and timing of ``frame``."""
    silent = av.AudioFrame(
        format=frame.format.name, layout=frame.layout.name, samples=frame.samples
    )
    # Unsigned 8-bit PCM is centred on 128; every other sample format on 0.
    fill = 0x80 if frame.format.name in ("u8", "u8p") else 0
    for plane in silent.planes:
        plane.update(bytes([fill]) * plane.buffer_size)
    silent.sample_rate = frame.sample_rate
    silent.pts = frame.pts
    silent.time_base = frame.time_base
    return silent


def black_like(frame: av.VideoFrame) -> av.VideoFrame:
    """A black yuv420p frame with the size and timing of ``frame``."""
    black = av.VideoFrame(frame.width, frame.height, "yuv420p")
    luma, *chroma = black.planes
    luma.update(bytes([_BLACK_LUMA]) * luma.buffer_size)
    for plane in chroma:
        plane.update(bytes([_NEUTRAL_CHROMA]) * plane.buffer_size)
    black.pts = frame.pts
    if frame.time_base is not None:
        black.time_base = frame.time_base
    return black


class SwitchableTrack(MediaStreamTrack):
    """Wraps a source track; while ``enabled`` is False it sends silence or black.

    The source is still read while switched off, so its pacing and timestamps go
    on and nothing piles up in it.
    """

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.kind = source.kind
        self.source = source
        self.enabled = True

    async def recv(self) -> Frame | Packet[Any]:
        """The source's next frame, blanked while switched off.

        Only decoded frames can be blanked; a source of encoded packets raises
        TypeError while switched off.
        """
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self.source.recv()
        if self.enabled:
            return frame
        if isinstance(frame, av.AudioFrame):
            return silence_like(frame)
        if isinstance(frame, av.VideoFrame):
            return black_like(frame)
        raise TypeError(f"cannot blank {type(frame).__name__} from {self.source.kind} source")

    def stop(self) -> None:
        """End this track and its source."""
        super().stop()
        self.source.stop()
