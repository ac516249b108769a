"""What aiortc's encoders send, set for the lines customers have.

aiortc's defaults suit a good line only: its Opus encoder sends a fixed 96 kbit/s, and
its VP8 encoder follows the browser's REMB estimate but never below 250 kbit/s. On a
400 kbit/s line (the ``poor`` profile of docs/network-profiles.md) that is more than the
line carries, so sound and picture are lost together (docs/benchmarks.md, part 8). Here
speech gets a fixed 32 kbit/s, plenty for a voice, and the picture may go down to what
the browser's estimate allows, so that sound keeps its share of a narrow line.
"""

from __future__ import annotations

from typing import Any

VOICE_BITRATE = 32_000  # bit/s
VIDEO_MIN_BITRATE = 80_000  # bit/s; aiortc's own floor is 250_000


def tune_aiortc_encoders() -> None:
    """Apply the bitrates above to every encoder aiortc creates from now on
    (idempotent). aiortc reads ``vpx.MIN_BITRATE`` each time the REMB estimate arrives
    and sets Opus's bitrate only when it creates the encoder."""
    from aiortc.codecs import opus, vpx

    vpx.MIN_BITRATE = VIDEO_MIN_BITRATE
    encoder: Any = opus.OpusEncoder
    if getattr(encoder, "_voice_bitrate", None) == VOICE_BITRATE:
        return
    create = encoder.__init__

    def create_for_voice(self: Any) -> None:
        create(self)
        self.codec.bit_rate = VOICE_BITRATE

    encoder.__init__ = create_for_voice
    encoder._voice_bitrate = VOICE_BITRATE
