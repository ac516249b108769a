"""Synthetic sources: frame numbers survive the codec, tracks keep real-time pace."""

from __future__ import annotations

import asyncio
import itertools
import time

import av
import pytest
from aiortc import RTCRtpCodecParameters
from aiortc.codecs import depayload, get_decoder, get_encoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError

from advisor_app.media.received import SlidingRms
from advisor_app.media.switch import SwitchableTrack
from advisor_app.media.synthetic import (
    SyntheticAudioTrack,
    SyntheticVideoTrack,
    draw_frame,
    read_frame_number,
)

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
H264 = RTCRtpCodecParameters(
    mimeType="video/H264",
    clockRate=90000,
    payloadType=102,
    parameters={"packetization-mode": "1", "profile-level-id": "42e01f"},
)


@pytest.mark.parametrize("number", [0, 1, 29, 4096, 123_456, 2**24 - 1])
def test_frame_number_reads_back_from_the_raw_frame(number: int) -> None:
    assert read_frame_number(draw_frame(number, 640, 480)) == number


def test_frame_number_survives_scaling_and_pixel_format() -> None:
    frame = draw_frame(4242, 640, 480)

    assert read_frame_number(frame.reformat(width=320, height=240)) == 4242
    assert read_frame_number(frame.reformat(format="rgb24")) == 4242


def test_a_frame_without_a_code_reads_as_none() -> None:
    blank = av.VideoFrame(640, 480, "yuv420p")
    for plane in blank.planes:
        plane.update(bytes([128]) * plane.buffer_size)

    assert read_frame_number(blank) is None


@pytest.mark.parametrize("codec", [VP8, H264], ids=["VP8", "H264"])
async def test_frame_numbers_round_trip_through_the_codec_at_640x480(
    codec: RTCRtpCodecParameters,
) -> None:
    # The encoder and decoder are aiortc's own, fed the RTP payloads in between,
    # so this is what a receiving peer sees (minus the network).
    track = SyntheticVideoTrack(640, 480, fps=30)
    encoder = get_encoder(codec)
    decoder = get_decoder(codec)
    read: list[int | None] = []
    for _ in range(30):
        frame = await track.recv()
        payloads, timestamp = encoder.encode(frame)
        data = b"".join(depayload(codec, payload) for payload in payloads)
        for decoded in decoder.decode(JitterFrame(data=data, timestamp=timestamp)):
            assert (decoded.width, decoded.height) == (640, 480)
            read.append(read_frame_number(decoded))
    track.stop()

    assert len(read) >= 25
    assert None not in read
    assert read == sorted(read)
    assert read[-1] >= 25


async def test_video_track_paces_frames_with_90khz_timestamps() -> None:
    track = SyntheticVideoTrack(320, 240, fps=25)
    started = time.monotonic()
    frames = [await track.recv() for _ in range(11)]
    elapsed = time.monotonic() - started
    track.stop()

    pts = [f.pts for f in frames]
    assert pts[0] == 0 and all(p % 3600 == 0 for p in pts)  # whole 40 ms frame steps
    assert all(later > earlier for earlier, later in itertools.pairwise(pts))
    assert all(f.time_base == frames[0].time_base for f in frames)
    assert float(frames[0].time_base) == pytest.approx(1 / 90000)
    assert elapsed >= 0.35  # ten intervals of 40 ms at least: never ahead of real time
    assert (frames[0].width, frames[0].height) == (320, 240)


async def test_video_track_skips_ahead_instead_of_bursting_after_a_pause() -> None:
    track = SyntheticVideoTrack(320, 240, fps=30)
    await track.recv()
    await asyncio.sleep(0.5)
    late = await track.recv()
    started = time.monotonic()
    after = await track.recv()
    track.stop()

    assert read_frame_number(late) is not None
    assert read_frame_number(late) >= 14  # ~15 slots passed
    assert after.pts - late.pts == 3000
    assert time.monotonic() - started > 0.015  # paced again, not a burst


async def test_audio_track_is_a_paced_20ms_sine() -> None:
    track = SyntheticAudioTrack(frequency=440, sample_rate=48000, amplitude=0.3)
    meter = SlidingRms()
    started = time.monotonic()
    frames = [await track.recv() for _ in range(11)]
    elapsed = time.monotonic() - started
    track.stop()

    # Timestamps step in whole 20 ms frames (a track that fell behind a busy machine
    # skips ahead rather than drifting), and the track never runs ahead of real time.
    pts = [f.pts for f in frames]
    assert pts[0] == 0 and all(p % 960 == 0 for p in pts)
    assert all(later > earlier for earlier, later in itertools.pairwise(pts))
    assert all(f.samples == 960 and f.sample_rate == 48000 for f in frames)
    assert frames[0].format.name == "s16"
    assert elapsed >= 0.18  # ten intervals of 20 ms at least
    level = [meter.add(f) for f in frames][-1]
    assert level == pytest.approx(0.3 / 2**0.5, rel=0.02)


async def test_stopped_tracks_raise_media_stream_error() -> None:
    video, audio = SyntheticVideoTrack(), SyntheticAudioTrack()
    video.stop()
    audio.stop()

    with pytest.raises(MediaStreamError):
        await video.recv()
    with pytest.raises(MediaStreamError):
        await audio.recv()


async def test_switched_off_tracks_send_silence_and_black_with_the_same_timing() -> None:
    microphone = SwitchableTrack(SyntheticAudioTrack())
    camera = SwitchableTrack(SyntheticVideoTrack(320, 240))
    loud, lit = await microphone.recv(), await camera.recv()
    microphone.enabled = camera.enabled = False
    silent, black = await microphone.recv(), await camera.recv()

    assert SlidingRms().add(loud) > 0.1
    assert SlidingRms().add(silent) == 0.0
    assert (silent.pts, silent.samples) == (960, 960)
    assert read_frame_number(lit) == 0
    assert read_frame_number(black) is None
    assert (black.width, black.height, black.pts) == (320, 240, 3000)
    assert max(bytes(black.planes[0])) == 16

    microphone.stop()
    camera.stop()
    assert microphone.source.readyState == camera.source.readyState == "ended"
