"""The console's microphone and speaker on real devices of a real PulseAudio server
(tests/fixtures/pulseaudio.py): what the console plays is read back from the speaker's
monitor, a known signal spoken into a microphone comes out of the console's audio path,
and when the device in use disappears the console goes on with the default one."""

from __future__ import annotations

from typing import Any

import av
from pytestqt.qtbot import QtBot

from advisor_app.controller import ConsoleController
from advisor_app.media.capture import AudioInput, AudioOutput
from advisor_app.media.devices import (
    DeviceSelection,
    microphone_device,
    microphones,
    speaker_device,
    speakers,
)
from tests.fixtures.pulseaudio import Device, PulseAudio, Recording, tone, tone_share

TEST_TONE = 660  # AudioOutput.play_test_tone, the customer's voice's path
SPOKEN = 1_000


def heard(pcm: bytes, frequency: float, windows: int) -> None:
    """At least ``windows`` 0.1 s windows of ``pcm`` are mostly ``frequency``."""
    shares = [round(share, 2) for share in tone_share(pcm, frequency)]
    assert sum(share > 0.8 for share in shares) >= windows, f"{frequency} Hz: {shares}"


def listed_speaker(qtbot: QtBot, device: Device) -> None:
    qtbot.waitUntil(lambda: speaker_device(device.qt_id) is not None, timeout=5000)


def listed_microphone(qtbot: QtBot, device: Device) -> None:
    qtbot.waitUntil(lambda: microphone_device(device.qt_id) is not None, timeout=5000)


def record_for(qtbot: QtBot, recording: Recording, seconds: float) -> bytes:
    """The next ``seconds`` of ``recording``."""
    start = recording.seconds
    qtbot.waitUntil(lambda: recording.seconds >= start + seconds,
                    timeout=int(seconds * 1000) + 5000)
    return recording.since(start)


class Collected:
    """The PCM an AudioInput publishes to its readers (what the sender would encode)."""

    def __init__(self, microphone: AudioInput) -> None:
        self.chunks: list[bytes] = []
        microphone.fanout.listeners.append(self.add)

    def add(self, frame: Any) -> None:
        assert isinstance(frame, av.AudioFrame)
        self.chunks.append(bytes(frame.planes[0])[:frame.samples * 2])

    def since(self, start: int) -> bytes:
        return b"".join(self.chunks[start:])


def test_the_speaker_plays_on_a_real_device(qtbot: QtBot, pulseaudio: PulseAudio) -> None:
    desk = pulseaudio.load_speaker("desk", "Schreibtisch-Lautsprecher")
    listed_speaker(qtbot, desk)
    assert "Schreibtisch-Lautsprecher" in [choice.name for choice in speakers()]
    speaker = AudioOutput(desk.qt_id)
    recording = pulseaudio.record(desk.monitor)
    assert speaker.play_test_tone() is True, "the real speaker opens"
    try:
        pcm = record_for(qtbot, recording, 1.5)
    finally:
        speaker.stop()
        recording.stop()
    heard(pcm, TEST_TONE, 5)  # of the second the tone lasts
    assert [stream.sink for stream in pulseaudio.streams()] == []


def test_a_real_microphone_hears_a_known_signal(qtbot: QtBot, pulseaudio: PulseAudio) -> None:
    headset = pulseaudio.load_microphone("headset", "Headset-Mikrofon")
    listed_microphone(qtbot, headset)
    assert "Headset-Mikrofon" in [choice.name for choice in microphones()]
    microphone = AudioInput(headset.qt_id)
    collected = Collected(microphone)
    microphone.start()
    try:
        qtbot.waitUntil(lambda: len(collected.chunks) >= 10, timeout=5000)
        start = len(collected.chunks)
        player = pulseaudio.play(headset.signal_sink, tone(SPOKEN, 1.5))
        qtbot.waitUntil(lambda: player.poll() is not None, timeout=10_000)
        qtbot.waitUntil(lambda: len(collected.chunks) >= start + 75, timeout=5000)
        heard(collected.since(start), SPOKEN, 4)
        assert microphone.level > 0
    finally:
        microphone.stop()


def test_a_speaker_and_microphone_that_disappear_give_way_to_the_defaults(
    qtbot: QtBot, pulseaudio: PulseAudio,
) -> None:
    room = pulseaudio.load_speaker("room", "Raumlautsprecher")
    headphones = pulseaudio.load_speaker("headphones", "Kopfhörer")
    desk = pulseaudio.load_microphone("desk", "Tischmikrofon")
    headset = pulseaudio.load_microphone("headset", "Headset-Mikrofon")
    # The advisor's headset is the system's default while plugged in, as PulseAudio makes
    # it; unplugged, PulseAudio's next default takes over (and only then does Qt 6.11 on
    # PulseAudio report a device gone: it does not for a device that is not the default).
    pulseaudio.set_default_sink(headphones)
    pulseaudio.set_default_source(headset)
    listed_speaker(qtbot, headphones)
    listed_microphone(qtbot, headset)
    # The noise suppression would take the steady test tone for noise: this test is about
    # which device is used, so the microphone's processing is off.
    controller = ConsoleController(NoRest(), {"username": "anna"},  # type: ignore[arg-type]
                                   DeviceSelection(microphone=headset.qt_id,
                                                   speaker=headphones.qt_id),
                                   voice_processing=False)
    notices: list[str] = []
    controller.deviceNotice.connect(notices.append)
    recording = pulseaudio.record(room.monitor)
    controller.set_previewing(True)  # the devices open as in a call
    collected = Collected(controller.microphone)
    try:
        assert controller.speaker.has_device
        pulseaudio.unload(headphones)
        qtbot.waitUntil(lambda: controller.speaker.device == room.qt_id, timeout=5000)
        assert notices == ["Der Lautsprecher ‚Kopfhörer‘ ist nicht mehr verfügbar – der Ton "
                           "läuft jetzt über ‚Raumlautsprecher‘."]
        assert controller.speaker.play_test_tone() is True
        heard(record_for(qtbot, recording, 1.5), TEST_TONE, 5)
        assert [stream.sink for stream in pulseaudio.streams()] == ["room"]

        pulseaudio.unload(headset)
        qtbot.waitUntil(lambda: controller.microphone.device == desk.qt_id, timeout=5000)
        assert notices[-1] == ("Das Mikrofon ‚Headset-Mikrofon‘ ist nicht mehr verfügbar – "
                               "Ihre Stimme kommt jetzt von ‚Tischmikrofon‘.")
        start = len(collected.chunks)
        player = pulseaudio.play(desk.signal_sink, tone(SPOKEN, 1.5))
        qtbot.waitUntil(lambda: player.poll() is not None, timeout=10_000)
        qtbot.waitUntil(lambda: len(collected.chunks) >= start + 75, timeout=5000)
        heard(collected.since(start), SPOKEN, 4)  # the default microphone is heard

        # Plugged in again: the advisor's headphones are used again.
        headphones = pulseaudio.load_speaker("headphones", "Kopfhörer")
        pulseaudio.set_default_sink(headphones)
        qtbot.waitUntil(lambda: controller.speaker.device == headphones.qt_id, timeout=5000)
        assert notices[-1].startswith("Der Lautsprecher ‚Kopfhörer‘ ist wieder da")
    finally:
        recording.stop()
        controller.set_previewing(False)
        controller.camera.close()
        controller.microphone.close()


class NoRest:
    server_url = "http://127.0.0.1:9"
    ws_url = "ws://127.0.0.1:9"
    token = "unused"
