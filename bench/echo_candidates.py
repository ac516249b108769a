"""The other echo cancellers the benchmark compares with the console's (the
:class:`~advisor_app.media.voice_processing.EchoCanceller` shape: 10 ms int16 blocks,
far end, near end, delay hint). Each tries its import and says why it is missing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections import deque

import numpy as np

from advisor_app.media.voice_processing import BLOCK, RATE


class PyWebrtcAudio:
    """WebRTC's module through ``pywebrtc-audio`` (pybind11): far and near go in
    together, so far blocks wait in a queue for the next near block."""

    name = "WebRTC APM (pywebrtc-audio)"

    def __init__(self, auto_gain_control: bool = True) -> None:
        import pywebrtc_audio

        self._apm = pywebrtc_audio.AudioProcessor(
            sample_rate=RATE, num_channels=1, echo_cancellation=True, noise_suppression=True,
            high_pass_filter=True, auto_gain_control=auto_gain_control)
        self._queue: deque[np.ndarray] = deque()
        self._silence = np.zeros(BLOCK, np.int16)

    def far_end(self, block: np.ndarray) -> None:
        self._queue.append(block)

    def near_end(self, block: np.ndarray) -> np.ndarray:
        far = self._queue.popleft() if self._queue else self._silence
        return np.asarray(self._apm.process(block, far), np.int16)

    def set_delay_ms(self, delay_ms: int) -> None:
        self._apm.stream_delay_ms = delay_ms


# speexdsp's requests (speex_echo.h, speex_preprocess.h)
_ECHO_SET_SAMPLING_RATE = 24
_PREPROCESS_SET_DENOISE = 0
_PREPROCESS_SET_AGC = 2
_PREPROCESS_SET_ECHO_STATE = 24
_PREPROCESS_SET_AGC_TARGET = 46


class Speexdsp:
    """speexdsp (Debian's libspeexdsp1) through ctypes: the MDF echo canceller, then the
    preprocessor's residual echo suppression, noise suppression and AGC.

    speexdsp has no delay estimation of its own: the far end is held back by the
    estimated delay (less a margin) so that the echo falls inside its filter.
    """

    name = "speexdsp 1.2 (ctypes)"
    FILTER_MS = 350
    MARGIN_MS = 20

    def __init__(self, auto_gain_control: bool = True) -> None:
        path = ctypes.util.find_library("speexdsp")
        if path is None:
            raise ImportError("libspeexdsp is not installed (Debian: libspeexdsp1)")
        lib = ctypes.CDLL(path)
        lib.speex_echo_state_init.restype = ctypes.c_void_p
        lib.speex_preprocess_state_init.restype = ctypes.c_void_p
        for name in ("speex_echo_cancellation", "speex_echo_ctl", "speex_preprocess_run",
                     "speex_preprocess_ctl", "speex_echo_state_destroy",
                     "speex_preprocess_state_destroy"):
            getattr(lib, name).argtypes = None
        self._lib = lib
        self._echo = ctypes.c_void_p(lib.speex_echo_state_init(
            BLOCK, RATE * self.FILTER_MS // 1000))
        rate = ctypes.c_int(RATE)
        lib.speex_echo_ctl(self._echo, _ECHO_SET_SAMPLING_RATE, ctypes.byref(rate))
        self._pre = ctypes.c_void_p(lib.speex_preprocess_state_init(BLOCK, RATE))
        on = ctypes.c_int(1)
        agc = ctypes.c_int(int(auto_gain_control))
        target = ctypes.c_int(8000)
        lib.speex_preprocess_ctl(self._pre, _PREPROCESS_SET_DENOISE, ctypes.byref(on))
        lib.speex_preprocess_ctl(self._pre, _PREPROCESS_SET_AGC, ctypes.byref(agc))
        lib.speex_preprocess_ctl(self._pre, _PREPROCESS_SET_AGC_TARGET, ctypes.byref(target))
        lib.speex_preprocess_ctl(self._pre, _PREPROCESS_SET_ECHO_STATE, self._echo)
        self._held = np.zeros(0, np.int16)
        self._hold = 0
        self._out = np.zeros(BLOCK, np.int16)

    def far_end(self, block: np.ndarray) -> None:
        self._held = np.concatenate([self._held, block])

    def near_end(self, block: np.ndarray) -> np.ndarray:
        # The far end the echo in this block started from: ``hold`` samples back.
        needed = self._hold + BLOCK
        if len(self._held) < needed:
            self._held = np.concatenate([np.zeros(needed - len(self._held), np.int16),
                                         self._held])
        far = np.ascontiguousarray(self._held[len(self._held) - needed:][:BLOCK])
        self._held = self._held[len(self._held) - needed:]
        near = np.ascontiguousarray(block, np.int16)
        out = np.zeros(BLOCK, np.int16)
        pointer = ctypes.POINTER(ctypes.c_int16)
        self._lib.speex_echo_cancellation(self._echo, near.ctypes.data_as(pointer),
                                          far.ctypes.data_as(pointer),
                                          out.ctypes.data_as(pointer))
        self._lib.speex_preprocess_run(self._pre, out.ctypes.data_as(pointer))
        return out

    def set_delay_ms(self, delay_ms: int) -> None:
        self._hold = max(0, (delay_ms - self.MARGIN_MS)) * RATE // 1000

    def __del__(self) -> None:
        lib = getattr(self, "_lib", None)
        if lib is not None:
            lib.speex_echo_state_destroy(self._echo)
            lib.speex_preprocess_state_destroy(self._pre)
