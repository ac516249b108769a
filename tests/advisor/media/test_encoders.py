"""The console's encoder bitrates: speech at a fixed voice rate, the picture allowed far
below aiortc's 250 kbit/s floor, so that a narrow line keeps the sound."""

from __future__ import annotations

import fractions

import av
import numpy as np
from aiortc.codecs import opus, vpx

from advisor_app.media.encoders import VIDEO_MIN_BITRATE, VOICE_BITRATE, tune_aiortc_encoders


def opus_kbit_per_s(encoder: opus.OpusEncoder, seconds: int = 2) -> float:
    rng = np.random.default_rng(7)
    sent = 0
    for index in range(seconds * 50):  # 20 ms frames
        samples = (rng.standard_normal((1, 960 * 2)) * 3000).astype("int16")
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="stereo")
        frame.sample_rate, frame.pts = 48_000, index * 960
        frame.time_base = fractions.Fraction(1, 48_000)
        payloads, _ = encoder.encode(frame)
        sent += sum(len(payload) for payload in payloads)
    return sent * 8 / seconds / 1000


def test_speech_is_sent_at_the_voice_bitrate_and_video_follows_a_low_estimate() -> None:
    tune_aiortc_encoders()
    tune_aiortc_encoders()  # twice changes nothing

    assert opus_kbit_per_s(opus.OpusEncoder()) <= VOICE_BITRATE / 1000 * 1.1
    video = vpx.Vp8Encoder()
    video.target_bitrate = 100_000  # a REMB estimate of a narrow line
    assert video.target_bitrate == 100_000
    video.target_bitrate = 10_000
    assert video.target_bitrate == VIDEO_MIN_BITRATE
