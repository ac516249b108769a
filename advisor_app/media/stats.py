"""Connection quality for the console's status line, from ``RTCPeerConnection.getStats()``.

Counters in a stats report are totals since the start; rates (bitrate, frames per
second, fraction lost) need two readings, so :func:`summarize` takes the previous
:class:`StatsSample` and returns the next one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class SessionStats:
    """One reading of the session's quality; rates cover the time since the last reading.

    Bitrates count everything on the transport (RTP, RTCP, DTLS), which is what
    the line has to carry. ``packets_lost`` is the customer's media lost on the
    way to us, in total; ``fraction_lost`` is the share of it lost since the last
    reading. ``round_trip_time`` comes from the customer's receiver reports and
    is None until the first one arrived.
    """

    round_trip_time: float | None
    inbound_bitrate: float
    outbound_bitrate: float
    packets_lost: int
    fraction_lost: float
    frames_per_second: float


@dataclass(frozen=True)
class StatsSample:
    """The totals a rate is computed against: taken at loop time ``at``."""

    at: float
    bytes_received: int = 0
    bytes_sent: int = 0
    packets_received: int = 0
    packets_lost: int = 0
    video_frames: int = 0


def summarize(
    report: Mapping[str, Any], previous: StatsSample, *, at: float, video_frames: int
) -> tuple[SessionStats, StatsSample]:
    """Turn a stats report into :class:`SessionStats` since ``previous``.

    ``report`` is what ``getStats()`` returns (objects with WebRTC stats field
    names); ``video_frames`` is the count of decoded frames received so far, which
    aiortc's report lacks.
    """
    bytes_received = bytes_sent = packets_received = packets_lost = 0
    round_trip_times: list[float] = []
    for entry in report.values():
        kind = getattr(entry, "type", None)
        if kind == "transport":
            bytes_received += entry.bytesReceived
            bytes_sent += entry.bytesSent
        elif kind == "inbound-rtp":
            packets_received += entry.packetsReceived
            # RTCP can report negative loss (duplicates); it is not "found" media.
            packets_lost += max(0, entry.packetsLost)
        elif kind == "remote-inbound-rtp" and entry.roundTripTime is not None:
            round_trip_times.append(float(entry.roundTripTime))

    sample = StatsSample(
        at=at,
        bytes_received=bytes_received,
        bytes_sent=bytes_sent,
        packets_received=packets_received,
        packets_lost=packets_lost,
        video_frames=video_frames,
    )
    elapsed = at - previous.at
    lost_now = max(0, packets_lost - previous.packets_lost)
    expected_now = lost_now + max(0, packets_received - previous.packets_received)

    def rate(now: int, before: int) -> float:
        return max(0, now - before) / elapsed if elapsed > 0 else 0.0

    stats = SessionStats(
        round_trip_time=(
            sum(round_trip_times) / len(round_trip_times) if round_trip_times else None
        ),
        inbound_bitrate=8 * rate(bytes_received, previous.bytes_received),
        outbound_bitrate=8 * rate(bytes_sent, previous.bytes_sent),
        packets_lost=packets_lost,
        fraction_lost=lost_now / expected_now if expected_now else 0.0,
        frames_per_second=rate(video_frames, previous.video_frames),
    )
    return stats, sample


class LineQuality(StrEnum):
    """The line to the customer in words; the same rule as the bars on the customer's
    page (customer_web/join/flow.js ``qualityBars``: 3, 2 and 1 bars)."""

    GOOD = "good"
    WEAK = "weak"
    VERY_WEAK = "very_weak"


def line_quality(stats: SessionStats) -> LineQuality | None:
    """Good below 200 ms round trip and 2 % loss, weak below 500 ms and 8 %, else very
    weak; None before the first round trip is known."""
    rtt, loss = stats.round_trip_time, stats.fraction_lost
    if rtt is None:
        return None
    if rtt < 0.2 and loss < 0.02:
        return LineQuality.GOOD
    if rtt < 0.5 and loss < 0.08:
        return LineQuality.WEAK
    return LineQuality.VERY_WEAK
