"""The QtMultimedia inputs and output on a machine without devices: the synthetic camera and
microphone through the same sink and PCM path as a real device, the silent speaker, and
the controller opening only what the customer's choices need."""

from __future__ import annotations

import time
from typing import Any

import av
import numpy as np
import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from advisor_app.controller import ConsoleController
from advisor_app.media.capture import AudioInput, AudioOutput, VideoInput
from advisor_app.media.devices import SYNTHETIC, cameras, microphones, speakers
from advisor_app.media.synthetic import read_frame_number, tone_pcm
from advisor_app.media.voice_processing import VoiceProcessor, WebRtcApm
from live_protocol import messages as m
from live_protocol.states import Party
from tests.advisor.views import visit
from tests.fixtures.room import (
    CUSTOMER_LINES,
    ROOMS,
    Room,
    RoomLink,
    espeak_available,
    german_speech,
    level_db,
    to_pcm,
)


def test_every_device_list_offers_the_synthetic_source_last(qapp: Any) -> None:
    for choices in (cameras(), microphones(), speakers()):
        assert choices[-1].id == SYNTHETIC
        assert choices[-1].name


def test_the_synthetic_camera_feeds_preview_and_readers_through_the_video_sink(
    qtbot: QtBot,
) -> None:
    camera = VideoInput(SYNTHETIC, size=(320, 240), fps=30)
    shown: list[av.VideoFrame] = []
    camera.frameReady.connect(shown.append)
    camera.start()
    qtbot.waitUntil(lambda: len(shown) >= 5, timeout=5000)
    numbers = [read_frame_number(frame) for frame in shown[:5]]
    assert numbers == sorted(numbers) and None not in numbers
    assert (shown[0].width, shown[0].height) == (320, 240)
    assert camera.fanout.published == camera.frames

    # Camera off: the source is closed, black frames of the same size keep the stream up.
    camera.set_blank(True)
    count = len(shown)
    qtbot.waitUntil(lambda: len(shown) >= count + 2, timeout=5000)
    assert read_frame_number(shown[-1]) is None
    assert (shown[-1].width, shown[-1].height) == (320, 240)

    camera.stop()
    stopped_at = camera.frames
    qtbot.wait(300)
    assert camera.frames == stopped_at


def test_a_missing_camera_is_reported_and_the_picture_still_flows(qtbot: QtBot) -> None:
    camera = VideoInput("ffff", size=(160, 120))
    with qtbot.waitSignal(camera.failed, timeout=2000) as failed:
        camera.start()
    assert "nicht angeschlossen" in failed.args[0]
    qtbot.waitUntil(lambda: camera.frames >= 2, timeout=5000)
    camera.stop()


def test_the_synthetic_microphone_gives_20_ms_frames_and_a_level(qtbot: QtBot) -> None:
    microphone = AudioInput(SYNTHETIC)
    levels: list[float] = []
    microphone.levelChanged.connect(levels.append)
    microphone.start()
    qtbot.waitUntil(lambda: microphone.frames >= 10, timeout=5000)
    assert 0.15 < microphone.level < 0.3  # a sine at 0.3 of full scale: RMS 0.21
    assert levels and levels[-1] > 0
    microphone.stop()
    assert microphone.level == 0.0


def test_without_a_speaker_the_customers_voice_is_still_measured(qtbot: QtBot) -> None:
    speaker = AudioOutput(SYNTHETIC)
    speaker.start()
    assert not speaker.has_device
    frame = av.AudioFrame(format="s16", layout="mono", samples=960)
    frame.planes[0].update(tone_pcm(0, 960))
    frame.sample_rate = 48_000
    speaker.play(frame)
    assert speaker.samples_played >= 900
    assert speaker.level > 0.1
    # The test tone takes the same path, a second long.
    assert speaker.play_test_tone() is False
    qtbot.waitUntil(lambda: speaker.samples_played >= 48_000, timeout=5000)


class NoRest:
    server_url = "http://127.0.0.1:9"
    ws_url = "ws://127.0.0.1:9"
    token = "unused"


def opened(made: ConsoleController) -> tuple[bool, bool, bool]:
    return made.camera.running, made.microphone.running, made.speaker.running


def test_devices_open_only_for_what_the_customer_chose(qtbot: QtBot) -> None:
    made = ConsoleController(NoRest(), {"username": "anna"})  # type: ignore[arg-type]
    assert opened(made) == (False, False, False)
    made.session_changed(visit(1, mode="text"), [])
    assert opened(made) == (False, False, False)
    made.session_changed(visit(1, mode="video", see_advisor=False, show_me=True), None)
    assert opened(made) == (False, True, True), "the customer does not want to see the advisor"
    made.session_changed(visit(1, mode="video", see_advisor=True, show_me=False), None)
    assert opened(made) == (True, True, True)
    own: list[Any] = []
    made.ownVideoFrame.connect(own.append)
    qtbot.waitUntil(lambda: any(frame is not None for frame in own), timeout=5000)

    made.set_camera_enabled(False)
    assert made.camera.blank and own[-1] is None
    made.set_camera_enabled(True)
    made.session_ended(m.Ended(visit_id=1, by=Party.ADVISOR))
    assert opened(made) == (False, False, False)


def test_the_settings_preview_opens_camera_and_microphone_and_closes_them(qtbot: QtBot) -> None:
    made = ConsoleController(NoRest(), {"username": "anna"})  # type: ignore[arg-type]
    made.set_previewing(True)
    assert opened(made) == (True, True, True)
    qtbot.waitUntil(lambda: made.camera.frames >= 3 and made.microphone.level > 0, timeout=5000)
    made.set_previewing(False)
    assert opened(made) == (False, False, False)


def test_the_speakers_echo_is_cancelled_on_the_microphone_path(qtbot: QtBot) -> None:
    """The customer's voice played through AudioOutput comes back into AudioInput through
    a simulated room (laptop speakers); what the level meter and the outgoing tracks get
    has the echo removed. Real time, the console's own devices' code paths."""
    if not espeak_available():
        pytest.fail("espeak-ng is missing: run scripts/bootstrap (as root)")
    speech = german_speech(CUSTOMER_LINES[0]) * 0.5
    processor = VoiceProcessor(WebRtcApm(auto_gain_control=False))
    speaker = AudioOutput(SYNTHETIC)
    link = RoomLink(Room(ROOMS[1]), speaker)
    speaker.played += [processor.played, link.played]
    microphone = AudioInput(SYNTHETIC, processor=processor, synthetic=link.microphone)
    sent: list[np.ndarray] = []
    microphone.fanout.listeners.append(
        lambda frame: sent.append(np.frombuffer(bytes(frame.planes[0]), np.int16)[:frame.samples]))
    position = 0

    def play_next() -> None:
        nonlocal position
        due = int((time.monotonic() - link.origin) * 48_000)
        while position < min(due, len(speech)):
            pcm = to_pcm(speech[position:position + 960])
            frame = av.AudioFrame(format="s16", layout="mono", samples=len(pcm) // 2)
            frame.planes[0].update(pcm)
            frame.sample_rate = 48_000
            speaker.play(frame)
            position += 960

    pacer = QTimer()
    pacer.timeout.connect(play_next)
    speaker.start()
    microphone.start()
    pacer.start(10)
    qtbot.waitUntil(lambda: position >= len(speech), timeout=int(len(speech) / 48) + 5000)
    pacer.stop()
    # A pacer late by more than the speaker's queue (a busy machine) loses frames, as a
    # device would; neither the room nor the canceller hear those.
    assert speaker.samples_played + speaker.samples_dropped >= len(speech) - 960
    assert speaker.samples_played >= len(speech) * 0.8
    # The listeners get each block when it sounds: the last ones a little later.
    qtbot.waitUntil(lambda: processor.far_blocks * 480 > speaker.samples_played - 480,
                    timeout=2000)
    microphone.stop()
    # The room's delay plus however late the microphone's timer delivered (on a busy
    # machine, up to a hundred milliseconds and more): what the processor really sees.
    # The estimate itself is held to ±15 ms in test_voice_processing.py, offline.
    assert processor.delay_ms is not None
    assert processor.delay_ms >= ROOMS[1].delay_ms - 5
    # After two seconds to converge: the echo that reached the microphone against what
    # was sent, over the rest.
    echo = np.concatenate(link.echo)[2 * 48_000:]
    out = np.concatenate(sent)[2 * 48_000:].astype(np.float64) / 32768
    assert level_db(echo) > -45, "the room carried the voice into the microphone"
    assert level_db(echo) - level_db(out) >= 25
