"""One local source, several readers: newest video frame only, bounded audio, own clocks."""

from __future__ import annotations

import asyncio

import av
import pytest
from aiortc.mediastreams import MediaStreamError

from advisor_app.media.local import AUDIO_BUFFER_FRAMES, FrameFanOut


def video(number: int) -> av.VideoFrame:
    frame = av.VideoFrame(64, 48, "yuv420p")
    frame.planes[0].update(bytes([number]) * frame.planes[0].buffer_size)
    return frame


def audio() -> av.AudioFrame:
    frame = av.AudioFrame(format="s16", layout="mono", samples=960)
    frame.planes[0].update(bytes(frame.planes[0].buffer_size))
    frame.sample_rate = 48_000
    return frame


async def test_a_slow_video_reader_gets_the_newest_frame_not_a_backlog() -> None:
    fanout = FrameFanOut("video")
    track = fanout.subscribe()
    for number in (1, 2, 3):
        fanout.publish(video(number))
    newest = await track.recv()
    assert bytes(newest.planes[0])[0] == 3
    assert track.dropped == 2
    assert newest.pts == 0  # each reader's clock starts at its first frame


async def test_audio_keeps_a_short_buffer_and_counts_samples_as_timestamps() -> None:
    fanout = FrameFanOut("audio")
    track = fanout.subscribe()
    for _ in range(AUDIO_BUFFER_FRAMES + 5):
        fanout.publish(audio())
    stamps = [(await track.recv()).pts for _ in range(AUDIO_BUFFER_FRAMES)]
    assert stamps == [i * 960 for i in range(AUDIO_BUFFER_FRAMES)]
    assert track.dropped == 5


async def test_every_reader_gets_its_own_copy_and_listeners_see_every_frame() -> None:
    fanout = FrameFanOut("video")
    seen: list[av.VideoFrame] = []
    fanout.listeners.append(seen.append)
    first, second = fanout.subscribe(), fanout.subscribe()
    fanout.publish(video(7))
    a, b = await first.recv(), await second.recv()
    assert a is not b
    assert bytes(a.planes[0])[0] == bytes(b.planes[0])[0] == 7
    assert len(seen) == 1


async def test_closing_ends_waiting_readers_and_stopped_tracks_unsubscribe() -> None:
    fanout = FrameFanOut("video")
    track = fanout.subscribe()
    waiting = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    fanout.close()
    with pytest.raises(MediaStreamError):
        await waiting
    assert fanout.subscribers == 0


def test_only_audio_or_video() -> None:
    with pytest.raises(ValueError, match="unknown media kind"):
        FrameFanOut("data")
