"""What the advisor's microphone is doing: speaking, silent or clipping.

Pure rules over per-frame measurements (:class:`FrameLevel`), so they are tested with
generated signals, without a device or a widget. :class:`MicrophoneWatch` takes the
microphone's 20 ms frames one by one and keeps three verdicts:

- *speaking*: the level stays clearly above the tracked noise floor for about 300 ms
  (a steady hum or tone becomes the floor and is not speech);
- *silent*: no level at all (digital silence) for several seconds — a muted or wrong
  input device, not a quiet room (a real room always has some noise);
- *clipping*: a share of the samples of the last seconds at full scale.

:func:`microphone_notice` decides which one the advisor is told about. Time is the
audio's own time (the frames' durations), so the rules do not depend on a clock.
The customer's page applies the same rules in ``customer_web/join/mic-watch.js``.
"""

from __future__ import annotations

import array
import enum
import math
import operator
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only for annotations: the console's texts load this module before any media.
    import av

S16_FULL_SCALE = 32768


@dataclass(frozen=True)
class FrameLevel:
    """One frame's measurement: RMS and peak (0–1 of full scale), how many samples."""

    rms: float
    peak: float
    samples: int
    clipped: int
    seconds: float


def measure_pcm(pcm: bytes, sample_rate: int, *, clip_at: float = 0.99) -> FrameLevel:
    """Measure mono s16 samples; a sample at ``clip_at`` of full scale or beyond counts
    as clipped."""
    values = array.array("h", pcm[: len(pcm) // 2 * 2])
    count = len(values)
    if not count:
        return FrameLevel(0.0, 0.0, 0, 0, 0.0)
    squares = sum(map(operator.mul, values, values))
    highest, lowest = max(values), min(values)
    peak = max(highest, -lowest) / S16_FULL_SCALE
    limit = clip_at * S16_FULL_SCALE
    clipped = sum(1 for v in values if abs(v) >= limit) if peak >= clip_at else 0
    return FrameLevel(rms=math.sqrt(squares / count) / S16_FULL_SCALE, peak=peak,
                      samples=count, clipped=clipped, seconds=count / sample_rate)


def measure_frame(frame: av.AudioFrame) -> FrameLevel:
    """Measure one of the microphone's frames (mono s16, as the console captures)."""
    if frame.format.name != "s16" or len(frame.layout.channels) != 1:
        raise ValueError(f"expected mono s16, got {frame.layout.name} {frame.format.name}")
    # The plane may be padded beyond the samples it carries.
    return measure_pcm(bytes(frame.planes[0])[: frame.samples * 2], frame.sample_rate)


@dataclass(frozen=True)
class Thresholds:
    """The numbers behind the verdicts; the defaults suit speech into a headset or a
    desk microphone."""

    # Speech: this far above the noise floor (4 = 12 dB), and never below ~-46 dBFS.
    speech_over_floor: float = 4.0
    speech_minimum_rms: float = 0.005
    speech_onset_seconds: float = 0.3
    speech_onset_share: float = 0.8  # of the onset window above the threshold
    speech_hangover_seconds: float = 0.8
    # The floor follows a quieter frame at once and rises by at most this per second,
    # so speech pauses pull it down and a new steady noise is learnt within seconds.
    floor_rise_per_second: float = 1.6  # about 4 dB/s
    floor_lowest: float = 1e-5
    # Digital silence: a peak below this (one or two LSBs of dither) is "no level".
    silence_peak: float = 2 / S16_FULL_SCALE
    silent_seconds: float = 5.0
    clip_window_seconds: float = 2.0
    clip_share: float = 0.002


class MicrophoneWatch:
    """Reads the microphone frame by frame and keeps the three verdicts up to date."""

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self.speaking = False
        self.silent = False
        self.clipping = False
        self.floor: float | None = None
        self._onset: deque[tuple[float, bool]] = deque()
        self._onset_seconds = 0.0
        self._loud_in_onset = 0.0
        self._since_loud = math.inf
        self._silent_for = 0.0
        self._clip_frames: deque[tuple[int, int, float]] = deque()
        self._clip_samples = 0
        self._clip_clipped = 0
        self._clip_seconds = 0.0

    def hear(self, level: FrameLevel) -> None:
        """Take in the next frame's measurement, where what the device delivers is also
        what is sent (no processing in between)."""
        self.hear_sent(level)
        self.hear_device(level)

    def hear_sent(self, level: FrameLevel) -> None:
        """What goes to the customer (the echo removed): speech is judged here, so the
        customer's own voice from the speakers does not count as the advisor talking."""
        if level.samples:
            self._judge_speech(level)
            self._track_floor(level)

    def hear_device(self, level: FrameLevel) -> None:
        """What the device delivered, before any processing: a dead microphone's digital
        silence and a clipping converter show here (noise suppression and gain control
        would hide both)."""
        if level.samples:
            self._judge_silence(level)
            self._judge_clipping(level)

    def _track_floor(self, level: FrameLevel) -> None:
        rules = self.thresholds
        if self.floor is None or level.rms < self.floor:
            self.floor = max(level.rms, rules.floor_lowest)
        else:
            rise = rules.floor_rise_per_second ** level.seconds
            self.floor = min(level.rms, max(self.floor, rules.floor_lowest) * rise)

    def _judge_speech(self, level: FrameLevel) -> None:
        rules = self.thresholds
        # The first frame only sets the floor: there is nothing yet to compare with.
        loud = self.floor is not None and level.rms >= max(
            rules.speech_minimum_rms, self.floor * rules.speech_over_floor)
        self._onset.append((level.seconds, loud))
        self._onset_seconds += level.seconds
        self._loud_in_onset += level.seconds if loud else 0.0
        while self._onset and self._onset_seconds - self._onset[0][0] >= rules.speech_onset_seconds:
            seconds, was_loud = self._onset.popleft()
            self._onset_seconds -= seconds
            self._loud_in_onset -= seconds if was_loud else 0.0
        self._since_loud = 0.0 if loud else self._since_loud + level.seconds
        window_full = self._onset_seconds >= rules.speech_onset_seconds - 1e-9
        if (window_full
                and self._loud_in_onset >= rules.speech_onset_share * self._onset_seconds):
            self.speaking = True
        elif self._since_loud >= rules.speech_hangover_seconds:
            self.speaking = False

    def _judge_silence(self, level: FrameLevel) -> None:
        if level.peak < self.thresholds.silence_peak:
            self._silent_for += level.seconds
        else:
            self._silent_for = 0.0
        self.silent = self._silent_for >= self.thresholds.silent_seconds

    def _judge_clipping(self, level: FrameLevel) -> None:
        rules = self.thresholds
        self._clip_frames.append((level.samples, level.clipped, level.seconds))
        self._clip_samples += level.samples
        self._clip_clipped += level.clipped
        self._clip_seconds += level.seconds
        while self._clip_seconds - self._clip_frames[0][2] >= rules.clip_window_seconds:
            samples, clipped, seconds = self._clip_frames.popleft()
            self._clip_samples -= samples
            self._clip_clipped -= clipped
            self._clip_seconds -= seconds
        self.clipping = self._clip_clipped >= rules.clip_share * self._clip_samples


class MicrophoneNotice(enum.Enum):
    """What the advisor is told about their own microphone."""

    MUTED_BUT_SPEAKING = "muted_but_speaking"
    SILENT = "silent"
    CLIPPING = "clipping"


def microphone_notice(watch: MicrophoneWatch, *, muted: bool) -> MicrophoneNotice | None:
    """The one notice to show, or None: talking into a muted microphone matters most; a
    silent microphone only while unmuted (muted, nobody expects to be heard)."""
    if muted:
        return MicrophoneNotice.MUTED_BUT_SPEAKING if watch.speaking else None
    if watch.silent:
        return MicrophoneNotice.SILENT
    if watch.clipping:
        return MicrophoneNotice.CLIPPING
    return None
