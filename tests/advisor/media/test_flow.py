"""The console's judgement of whether the customer's picture and sound arrive."""

from __future__ import annotations

from advisor_app.media.flow import (
    FROZEN_SECONDS,
    SILENCE_SECONDS,
    Arrivals,
    MediaFlow,
    media_flow,
)

NOTHING = Arrivals(last_audio_at=None, last_video_at=None)


def test_a_new_call_is_connecting_until_the_first_frame() -> None:
    assert media_flow(NOTHING, now=10.0, previous=None) == MediaFlow.CONNECTING
    assert media_flow(Arrivals(9.9, None), now=10.0, previous=MediaFlow.CONNECTING) == (
        MediaFlow.FLOWING)


def test_sound_alone_keeps_a_call_connected_while_the_picture_stops() -> None:
    # Not interrupted (nothing to reconnect), but the picture the advisor sees is frozen.
    arrivals = Arrivals(last_audio_at=9.95, last_video_at=2.0)
    assert media_flow(arrivals, now=10.0, previous=MediaFlow.FLOWING) == MediaFlow.FROZEN
    without_video = Arrivals(last_audio_at=9.95, last_video_at=None)
    assert media_flow(without_video, now=10.0, previous=MediaFlow.FLOWING) == MediaFlow.FLOWING


def test_silence_on_every_kind_interrupts_a_flowing_call() -> None:
    last = 10.0
    arrivals = Arrivals(last_audio_at=last, last_video_at=last)
    assert media_flow(arrivals, now=last + SILENCE_SECONDS, previous=MediaFlow.FLOWING) == (
        MediaFlow.FLOWING)
    assert media_flow(arrivals, now=last + SILENCE_SECONDS + 0.1,
                      previous=MediaFlow.FLOWING) == MediaFlow.INTERRUPTED


def test_a_new_peer_connection_after_an_interruption_stays_interrupted_until_media_flows() -> None:
    assert media_flow(NOTHING, now=30.0, previous=MediaFlow.INTERRUPTED) == (
        MediaFlow.INTERRUPTED)
    assert media_flow(Arrivals(29.9, None), now=30.0, previous=MediaFlow.INTERRUPTED) == (
        MediaFlow.FLOWING)


def test_a_call_that_never_started_is_not_interrupted() -> None:
    assert media_flow(NOTHING, now=60.0, previous=MediaFlow.CONNECTING) == MediaFlow.CONNECTING


def test_sound_without_new_pictures_is_a_frozen_picture() -> None:
    arrivals = Arrivals(last_audio_at=9.98, last_video_at=10.0 - FROZEN_SECONDS - 0.1)
    assert media_flow(arrivals, now=10.0, previous=MediaFlow.FLOWING) == MediaFlow.FROZEN
    moving = Arrivals(last_audio_at=9.98, last_video_at=9.97)
    assert media_flow(moving, now=10.0, previous=MediaFlow.FROZEN) == MediaFlow.FLOWING
    # Nothing at all is an interruption, not a frozen picture.
    gone = Arrivals(last_audio_at=5.0, last_video_at=4.0)
    assert media_flow(gone, now=10.0, previous=MediaFlow.FROZEN) == MediaFlow.INTERRUPTED
