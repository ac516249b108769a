"""Turning aiortc's stats report into the console's quality figures."""

from __future__ import annotations

import datetime

import pytest
from aiortc.stats import (
    RTCInboundRtpStreamStats,
    RTCRemoteInboundRtpStreamStats,
    RTCStatsReport,
    RTCTransportStats,
)

from advisor_app.media.stats import (
    LineQuality,
    SessionStats,
    StatsSample,
    line_quality,
    summarize,
)

NOW = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def report(
    *, received: int, sent: int, packets: int, lost: int, rtts: tuple[float, ...] = ()
) -> RTCStatsReport:
    stats = RTCStatsReport()
    stats.add(
        RTCTransportStats(
            timestamp=NOW, type="transport", id="transport_1", packetsSent=0,
            packetsReceived=0, bytesSent=sent, bytesReceived=received,
            iceRole="controlled", dtlsState="connected",
        )
    )
    stats.add(
        RTCInboundRtpStreamStats(
            timestamp=NOW, type="inbound-rtp", id="inbound-rtp_1", ssrc=1, kind="video",
            transportId="transport_1", packetsReceived=packets, packetsLost=lost, jitter=0,
        )
    )
    for index, rtt in enumerate(rtts):
        stats.add(
            RTCRemoteInboundRtpStreamStats(
                timestamp=NOW, type="remote-inbound-rtp", id=f"remote-inbound-rtp_{index}",
                ssrc=10 + index, kind="audio", transportId="transport_1", packetsReceived=0,
                packetsLost=0, jitter=0, roundTripTime=rtt, fractionLost=0,
            )
        )
    return stats


def test_rates_are_measured_between_two_readings() -> None:
    first, sample = summarize(
        report(received=100_000, sent=50_000, packets=90, lost=10, rtts=(0.02, 0.04)),
        StatsSample(at=10.0),
        at=12.0,
        video_frames=60,
    )
    second, _ = summarize(
        report(received=150_000, sent=50_000, packets=190, lost=10, rtts=(0.03,)),
        sample,
        at=13.0,
        video_frames=85,
    )

    assert first.inbound_bitrate == pytest.approx(400_000)
    assert first.outbound_bitrate == pytest.approx(200_000)
    assert first.frames_per_second == pytest.approx(30)
    assert first.round_trip_time == pytest.approx(0.03)
    assert (first.packets_lost, first.fraction_lost) == (10, pytest.approx(0.1))

    assert second.inbound_bitrate == pytest.approx(400_000)
    assert second.outbound_bitrate == 0
    assert second.frames_per_second == pytest.approx(25)
    assert second.round_trip_time == pytest.approx(0.03)
    assert (second.packets_lost, second.fraction_lost) == (10, 0.0)


def test_before_any_receiver_report_there_is_no_round_trip_time() -> None:
    stats, _ = summarize(
        report(received=0, sent=0, packets=0, lost=0), StatsSample(at=1.0), at=1.0, video_frames=0
    )

    assert stats.round_trip_time is None
    assert (stats.inbound_bitrate, stats.frames_per_second, stats.fraction_lost) == (0, 0, 0)


def test_negative_loss_from_duplicates_counts_as_none() -> None:
    stats, _ = summarize(
        report(received=0, sent=0, packets=100, lost=-3), StatsSample(at=0.0), at=1.0,
        video_frames=0,
    )

    assert (stats.packets_lost, stats.fraction_lost) == (0, 0.0)


def quality(rtt: float | None, loss: float) -> LineQuality | None:
    return line_quality(SessionStats(round_trip_time=rtt, inbound_bitrate=0,
                                     outbound_bitrate=0, packets_lost=0, fraction_lost=loss,
                                     frames_per_second=0))


def test_the_line_in_words_follows_the_customers_bars() -> None:
    assert quality(None, 0.0) is None
    assert quality(0.05, 0.0) == LineQuality.GOOD
    # The mobile profile (docs/network-profiles.md): about 150 ms and 1 % loss.
    assert quality(0.15, 0.01) == LineQuality.GOOD
    assert quality(0.25, 0.01) == LineQuality.WEAK
    assert quality(0.15, 0.05) == LineQuality.WEAK
    # The poor profile: about 300 ms and 5 % loss in bursts; the bursts push it over.
    assert quality(0.31, 0.05) == LineQuality.WEAK
    assert quality(0.31, 0.09) == LineQuality.VERY_WEAK
    assert quality(0.6, 0.0) == LineQuality.VERY_WEAK
