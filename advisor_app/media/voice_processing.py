"""Echo cancellation, noise suppression and gain control for the advisor's microphone.

Browsers run these on the microphone before it is sent; aiortc does not, so the console
does it here. :class:`VoiceProcessor` sits between the devices and the rest of the
audio path:

- :meth:`VoiceProcessor.played` gets exactly the PCM the speaker plays, at the moment it
  starts to sound (the far end, the reference the echo is cancelled against); frames
  the speaker dropped never reach it;
- :meth:`VoiceProcessor.process` takes the microphone's PCM before the level meter and
  the outgoing tracks see it (the near end).

Both run in 10 ms blocks of 48 kHz mono s16 on the GUI thread. The work is WebRTC's
audio processing module (AEC3, noise suppression, AGC, high-pass filter) through the
``livekit`` package: docs/benchmarks.md compares it with the other bindings and
speexdsp on the same rooms.

The delay between a block going to the speaker and its echo in the microphone is not
assumed: :class:`DelayEstimator` finds it by cross-correlating the two streams (on the
microphone's sample clock) and the estimate is given to the module as its stream delay.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol

import numpy as np

RATE = 48_000
BLOCK = RATE // 100  # 10 ms, what the processing module takes
_BLOCK_BYTES = BLOCK * 2


class EchoCanceller(Protocol):
    """What the processor needs of a native implementation (10 ms int16 blocks)."""

    name: str

    def far_end(self, block: np.ndarray) -> None: ...

    def near_end(self, block: np.ndarray) -> np.ndarray: ...

    def set_delay_ms(self, delay_ms: int) -> None: ...


class WebRtcApm:
    """WebRTC's audio processing module from the ``livekit`` package."""

    name = "WebRTC APM (livekit)"

    def __init__(self, auto_gain_control: bool = True) -> None:
        from livekit import rtc

        self._frame = rtc.AudioFrame
        self._apm = rtc.AudioProcessingModule(echo_cancellation=True, noise_suppression=True,
                                              high_pass_filter=True,
                                              auto_gain_control=auto_gain_control)

    def far_end(self, block: np.ndarray) -> None:
        self._apm.process_reverse_stream(self._frame(bytearray(block.tobytes()), RATE, 1, BLOCK))

    def near_end(self, block: np.ndarray) -> np.ndarray:
        frame = self._frame(bytearray(block.tobytes()), RATE, 1, BLOCK)
        self._apm.process_stream(frame)
        return np.frombuffer(frame.data, np.int16).copy()

    def set_delay_ms(self, delay_ms: int) -> None:
        self._apm.set_stream_delay_ms(delay_ms)


class DelayEstimator:
    """The echo path's delay, from where the far end best matches the microphone.

    Both streams are kept for the last :attr:`window` seconds at 8 kHz, on the
    microphone's sample clock (a far block sits where the microphone stream was when it
    was played). Every :attr:`interval` seconds with enough far-end signal, a
    phase-transform cross-correlation (GCC-PHAT) picks the lag; a lag whose peak does not
    stand out from the rest is ignored, and the estimate is the median of the last
    accepted lags, so one bad window does not move it.
    """

    DECIMATE = 6  # 48 kHz → 8 kHz
    MAX_DELAY_S = 0.5  # what WebRTC accepts as a stream delay

    def __init__(self, window: float = 1.5, interval: float = 0.5,
                 min_peak_ratio: float = 6.0) -> None:
        self.window = window
        self.interval = interval
        self.min_peak_ratio = min_peak_ratio
        self._rate = RATE // self.DECIMATE
        length = int(self._rate * (window + self.MAX_DELAY_S))
        self._far = np.zeros(length)
        self._near = np.zeros(length)
        self._position = 0  # microphone samples (8 kHz) seen
        self._far_end = 0  # where the last far block ended, same clock
        self._since_estimate = 0
        self._lags: deque[int] = deque(maxlen=5)
        self.delay_ms: int | None = None

    def _decimate(self, block: np.ndarray) -> np.ndarray:
        samples = block.astype(np.float64)
        groups = samples[: len(samples) // self.DECIMATE * self.DECIMATE].reshape(
            -1, self.DECIMATE)
        decimated: np.ndarray = groups.mean(axis=1)
        return decimated

    def _write(self, buffer: np.ndarray, at: int, samples: np.ndarray) -> None:
        index = np.arange(at, at + len(samples)) % len(buffer)
        buffer[index] = samples

    def far_end(self, block: np.ndarray) -> None:
        samples = self._decimate(block)
        start = max(self._far_end, self._position)
        if start - self._position > len(self._far) // 2:
            return  # a far end far ahead of the microphone (a burst); not placeable
        self._write(self._far, start, samples)
        self._far_end = start + len(samples)

    def near_end(self, block: np.ndarray) -> int | None:
        """Add a microphone block; returns the estimate (ms) when it changed."""
        samples = self._decimate(block)
        if self._far_end < self._position:
            # The far end was silent (nothing played): clear what it left behind.
            self._write(self._far, self._position, np.zeros(len(samples)))
        self._write(self._near, self._position, samples)
        self._position += len(samples)
        self._since_estimate += len(samples)
        if self._since_estimate < self.interval * self._rate:
            return None
        self._since_estimate = 0
        return self._estimate()

    def _estimate(self) -> int | None:
        size = len(self._far)
        order = np.arange(self._position, self._position + size) % size
        far, near = self._far[order], self._near[order]
        max_lag = int(self.MAX_DELAY_S * self._rate)
        recent_far = far[max_lag:]
        if np.sqrt(np.mean(np.square(recent_far))) < 30:  # −60 dBFS: nothing played
            return None
        near_window = near[max_lag:]
        n = 1 << int(np.ceil(np.log2(size * 2)))
        spectrum = np.fft.rfft(far, n) * np.conj(np.fft.rfft(near_window, n))
        spectrum /= np.maximum(np.abs(spectrum), 1e-9)
        correlation = np.fft.irfft(spectrum, n)
        # near[max_lag + i] ~ far[max_lag + i - d], so sum_i far[i + k] near[max_lag + i]
        # peaks at k = max_lag - d.
        candidates = np.abs(correlation[: max_lag + 1])[::-1]  # index = delay d
        lag = int(np.argmax(candidates))
        floor = float(np.median(candidates)) + 1e-12
        if candidates[lag] / floor < self.min_peak_ratio:
            return None
        self._lags.append(lag)
        delay_ms = round(float(np.median(self._lags)) * 1000 / self._rate)
        if delay_ms == self.delay_ms:
            return None
        self.delay_ms = delay_ms
        return delay_ms


class VoiceProcessor:
    """The console's microphone processing, switchable at run time.

    Off, the microphone passes untouched (an advisor with a headset may want that), but
    the canceller still follows both streams (its output unused): switched on again, it
    is converged at once, its gain control set for the voice now in the room. A
    canceller left idle meanwhile, with its state from minutes ago, let the echo
    through for seconds, boosted by a stale gain (docs/benchmarks.md, part 7).
    """

    def __init__(self, canceller: EchoCanceller | None = None, enabled: bool = True) -> None:
        self.canceller: EchoCanceller = canceller or WebRtcApm()
        self.enabled = enabled
        self.delay = DelayEstimator()
        self._far = bytearray()
        self._near = bytearray()
        self.far_blocks = 0
        self.near_blocks = 0

    @property
    def delay_ms(self) -> int | None:
        return self.delay.delay_ms

    def played(self, pcm: bytes) -> None:
        """PCM the speaker just started to play (48 kHz mono s16)."""
        self._far.extend(pcm)
        while len(self._far) >= _BLOCK_BYTES:
            block = np.frombuffer(bytes(self._far[:_BLOCK_BYTES]), np.int16)
            del self._far[:_BLOCK_BYTES]
            self.far_blocks += 1
            self.delay.far_end(block)
            self.canceller.far_end(block)

    def process(self, pcm: bytes) -> bytes:
        """The microphone's PCM, processed, in whole 10 ms blocks (a remainder waits for
        the next call, so the output lags by less than 10 ms)."""
        self._near.extend(pcm)
        out = bytearray()
        while len(self._near) >= _BLOCK_BYTES:
            block = np.frombuffer(bytes(self._near[:_BLOCK_BYTES]), np.int16)
            del self._near[:_BLOCK_BYTES]
            self.near_blocks += 1
            changed = self.delay.near_end(block)
            if changed is not None:
                self.canceller.set_delay_ms(changed)
            elif self.delay_ms is not None:
                # The module wants the delay before every near block (WebRTC's rule).
                self.canceller.set_delay_ms(self.delay_ms)
            processed = self.canceller.near_end(block)
            out.extend((processed if self.enabled else block).tobytes())
        return bytes(out)
