"""The microphone rules against generated signals: speech-like bursts, a steady tone, short
beeps, digital silence, faint room noise and a clipped sine, 20 ms at a time as the
console's microphone delivers them."""

from __future__ import annotations

from collections.abc import Callable

import av
import pytest

from advisor_app.media.synthetic import (
    SPEECH_PAUSE_SECONDS,
    SPEECH_SYLLABLE_SECONDS,
    clipped_pcm,
    room_noise_pcm,
    silence_pcm,
    speech_like_pcm,
    tone_pcm,
)
from advisor_app.media.voice_activity import (
    MicrophoneNotice,
    MicrophoneWatch,
    measure_frame,
    measure_pcm,
    microphone_notice,
)

RATE = 48_000
FRAME = 960  # 20 ms
Sound = Callable[[int, int], bytes]


class Listener:
    """Feeds a watch frame by frame and records its verdicts over the audio's time."""

    def __init__(self) -> None:
        self.watch = MicrophoneWatch()
        self.sample = 0
        self.history: list[tuple[float, bool, bool, bool]] = []

    def play(self, sound: Sound, seconds: float) -> None:
        for _ in range(round(seconds * RATE / FRAME)):
            self.watch.hear(measure_pcm(sound(self.sample, FRAME), RATE))
            self.sample += FRAME
            watch = self.watch
            self.history.append((self.sample / RATE, watch.speaking, watch.silent,
                                 watch.clipping))

    def first(self, verdict: int, value: bool, after: float = 0.0) -> float | None:
        """The time (seconds) the verdict first had ``value`` after ``after``."""
        return next((entry[0] for entry in self.history
                     if entry[0] > after and entry[verdict] is value), None)

    def ever(self, verdict: int, after: float = 0.0) -> bool:
        return any(entry[verdict] for entry in self.history if entry[0] > after)


SPEAKING, SILENT, CLIPPING = 1, 2, 3


def beeps(first_sample: int, count: int) -> bytes:
    """A 20 ms beep every half second (Chromium's fake microphone does this)."""
    pcm = bytearray()
    for index in range(first_sample, first_sample + count):
        beeping = index % (RATE // 2) < FRAME
        pcm += (tone_pcm(index, 1, frequency=1000) if beeping else room_noise_pcm(index, 1))
    return bytes(pcm)


def test_speech_is_recognised_after_about_300_ms_and_held_through_pauses() -> None:
    listener = Listener()
    listener.play(room_noise_pcm, 2.4)  # three of the sound's periods: a syllable starts
    assert not listener.ever(SPEAKING)
    listener.play(speech_like_pcm, 4.0)
    started = listener.first(SPEAKING, True, after=2.4)
    assert started is not None and 2.4 + 0.22 <= started <= 2.4 + 0.32
    # The 200 ms pauses between "syllables" do not end it.
    assert listener.first(SPEAKING, False, after=started) is None
    listener.play(room_noise_pcm, 2.0)
    ended = listener.first(SPEAKING, False, after=6.4)
    assert ended is not None and 6.4 < ended <= 6.4 + 0.85


def test_talking_right_away_is_recognised_at_the_first_pause() -> None:
    listener = Listener()
    listener.play(speech_like_pcm, 3.0)
    started = listener.first(SPEAKING, True)
    syllable = SPEECH_SYLLABLE_SECONDS + SPEECH_PAUSE_SECONDS
    assert started is not None and started <= syllable + 0.45


def test_a_steady_tone_or_short_beeps_are_not_speech() -> None:
    tone = Listener()
    tone.play(tone_pcm, 5.0)
    assert not tone.ever(SPEAKING) and not tone.ever(SILENT) and not tone.ever(CLIPPING)
    beeping = Listener()
    beeping.play(beeps, 5.0)
    assert not beeping.ever(SPEAKING)


def test_a_hum_that_starts_becomes_the_floor_within_seconds() -> None:
    listener = Listener()
    listener.play(room_noise_pcm, 1.0)
    listener.play(lambda first, count: tone_pcm(first, count, amplitude=0.02), 12.0)
    assert listener.first(SPEAKING, True) is not None, "a sudden sound at first looks like speech"
    assert not listener.ever(SPEAKING, after=8.0), "a steady hum is learnt as the noise floor"


def test_very_quiet_sound_over_silence_is_not_speech() -> None:
    listener = Listener()
    listener.play(silence_pcm, 1.0)
    listener.play(lambda first, count: speech_like_pcm(first, count, amplitude=0.004), 3.0)
    assert not listener.ever(SPEAKING)


def test_digital_silence_for_five_seconds_is_a_silent_microphone() -> None:
    listener = Listener()
    listener.play(silence_pcm, 6.0)
    became_silent = listener.first(SILENT, True)
    assert became_silent is not None and 4.98 <= became_silent <= 5.02
    assert not listener.ever(SPEAKING)
    listener.play(speech_like_pcm, 0.1)
    assert not listener.watch.silent, "any sound ends it at once"


def test_a_quiet_room_is_not_a_silent_microphone() -> None:
    listener = Listener()
    listener.play(room_noise_pcm, 8.0)
    assert not listener.ever(SILENT) and not listener.ever(SPEAKING)
    assert not listener.ever(CLIPPING)


def test_a_clipped_sine_is_flagged_and_clears_two_seconds_after() -> None:
    listener = Listener()
    listener.play(tone_pcm, 1.0)
    assert not listener.ever(CLIPPING)
    listener.play(clipped_pcm, 1.0)
    assert listener.first(CLIPPING, True, after=1.0) == pytest.approx(1.02)
    listener.play(tone_pcm, 3.0)
    cleared = listener.first(CLIPPING, False, after=2.0)
    assert cleared is not None and 3.9 <= cleared <= 4.1


def test_loud_speech_below_full_scale_is_not_clipping() -> None:
    listener = Listener()
    listener.play(lambda first, count: speech_like_pcm(first, count, amplitude=0.95), 4.0)
    assert listener.ever(SPEAKING) and not listener.ever(CLIPPING)


def test_a_few_clipped_peaks_are_tolerated() -> None:
    def speech_with_rare_peaks(first: int, count: int) -> bytes:
        pcm = bytearray(speech_like_pcm(first, count))
        if first % RATE == 0:  # one full-scale sample a second
            pcm[0:2] = (32767).to_bytes(2, "little", signed=True)
        return bytes(pcm)

    listener = Listener()
    listener.play(speech_with_rare_peaks, 4.0)
    assert not listener.ever(CLIPPING)


def test_measuring_a_frame_reads_only_its_samples() -> None:
    frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME)
    frame.planes[0].update(clipped_pcm(0, FRAME))
    frame.sample_rate = RATE
    level = measure_frame(frame)
    assert level.samples == FRAME and level.seconds == pytest.approx(0.02)
    assert level.peak == pytest.approx(1.0, abs=1e-4)
    assert 0.6 < level.clipped / level.samples < 0.75
    stereo = av.AudioFrame(format="s16", layout="stereo", samples=FRAME)
    with pytest.raises(ValueError):
        measure_frame(stereo)


def test_which_notice_the_advisor_sees() -> None:
    speaking = Listener()
    speaking.play(room_noise_pcm, 0.5)
    speaking.play(speech_like_pcm, 1.0)
    assert microphone_notice(speaking.watch, muted=True) is MicrophoneNotice.MUTED_BUT_SPEAKING
    assert microphone_notice(speaking.watch, muted=False) is None

    silent = Listener()
    silent.play(silence_pcm, 6.0)
    assert microphone_notice(silent.watch, muted=False) is MicrophoneNotice.SILENT
    assert microphone_notice(silent.watch, muted=True) is None

    clipping = Listener()
    clipping.play(clipped_pcm, 0.5)
    assert microphone_notice(clipping.watch, muted=False) is MicrophoneNotice.CLIPPING


def test_speech_is_judged_on_what_is_sent_silence_and_clipping_on_what_the_device_gave() -> None:
    """With echo cancellation between device and sender: the customer's voice from the
    speakers, loud at the device but removed before sending, is not the advisor talking;
    a dead microphone's digital silence counts even when the processing adds a little
    noise; a clipping converter counts even when gain control tamed the peaks."""
    watch = MicrophoneWatch()
    for start in range(0, 3 * RATE, FRAME):
        watch.hear_device(measure_pcm(speech_like_pcm(start, FRAME), RATE))  # the echo
        watch.hear_sent(measure_pcm(room_noise_pcm(start, FRAME), RATE))  # echo removed
    assert not watch.speaking
    assert microphone_notice(watch, muted=True) is None

    dead = MicrophoneWatch()
    for start in range(0, 6 * RATE, FRAME):
        dead.hear_device(measure_pcm(silence_pcm(start, FRAME), RATE))
        dead.hear_sent(measure_pcm(room_noise_pcm(start, FRAME), RATE))
    assert dead.silent

    overdriven = MicrophoneWatch()
    for start in range(0, 3 * RATE, FRAME):
        overdriven.hear_device(measure_pcm(clipped_pcm(start, FRAME), RATE))
        overdriven.hear_sent(measure_pcm(speech_like_pcm(start, FRAME), RATE))
    assert overdriven.clipping
