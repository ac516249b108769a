"""Echo benchmark: the customer's German speech (espeak-ng) plays through the console's
speaker path, comes back into the microphone through a simulated room
(tests/fixtures/room.py), with the advisor talking at times; each echo canceller
processes the microphone through the console's :class:`VoiceProcessor` (the same
10 ms framing and delay estimation the console uses).

Per room and canceller: echo return loss enhancement after convergence (far end only),
time to converge, how much of the advisor's own voice survives double talk, and the CPU
per 10 ms block.

Run: ``.venv/bin/python bench/echo.py`` (``--quick`` for a short scenario).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from echo_candidates import PyWebrtcAudio, Speexdsp

from advisor_app.media.voice_processing import BLOCK, RATE, VoiceProcessor, WebRtcApm
from tests.fixtures.room import (
    ADVISOR_LINES,
    CUSTOMER_LINES,
    ROOMS,
    Acoustics,
    Room,
    from_pcm,
    german_speech,
    level_db,
    to_pcm,
)

CONVERGED_DB = 20.0  # a window counts as converged from this much echo reduction on
WINDOW_S = 0.5


class Passthrough:
    """Processing off: what the console sent before."""

    name = "off (no processing)"

    def far_end(self, block: np.ndarray) -> None:
        pass

    def __init__(self, auto_gain_control: bool = True) -> None:
        pass

    def near_end(self, block: np.ndarray) -> np.ndarray:
        return block

    def set_delay_ms(self, delay_ms: int) -> None:
        pass


CANDIDATES: dict[str, Callable[[], Any]] = {
    "livekit": WebRtcApm,
    "pywebrtc-audio": PyWebrtcAudio,
    "speexdsp": Speexdsp,
    "off": Passthrough,
}


@dataclass
class Scenario:
    """The customer's lines one after the other; the advisor starts during the third
    (double talk) and goes on after the customer stopped (near end only)."""

    far: np.ndarray
    near: np.ndarray
    near_at: int
    length: int

    @classmethod
    def build(cls, quick: bool = False) -> Scenario:
        gap = np.zeros(int(RATE * 0.4))
        lines = CUSTOMER_LINES[:3] if quick else CUSTOMER_LINES
        spoken = [german_speech(line) * 0.5 for line in lines]  # about −12 dBFS peaks
        far = np.concatenate([part for line in spoken for part in (line, gap)])
        double_talk_from = sum(len(line) + len(gap) for line in spoken[:-1]) + RATE // 2
        advisor = [german_speech(line, voice="de+m3", pitch=35) * 0.4
                   for line in (ADVISOR_LINES if not quick else ADVISOR_LINES[:1])]
        near = np.concatenate([part for line in advisor for part in (line, gap)])
        length = max(len(far), double_talk_from + len(near)) + RATE // 2
        length -= length % BLOCK
        return cls(far=far, near=near, near_at=double_talk_from, length=length)


def run_one(scenario: Scenario, acoustics: Acoustics, canceller: Any) -> dict[str, Any]:
    """Play the scenario through ``acoustics`` into a processor with ``canceller``."""
    room = Room(acoustics, near=scenario.near, near_at=scenario.near_at)
    processor = VoiceProcessor(canceller)
    mic, echo, near, out = (np.zeros(scenario.length) for _ in range(4))
    cpu = 0.0
    for start in range(0, scenario.length, BLOCK):
        far_block = np.zeros(BLOCK)
        part = scenario.far[start:start + BLOCK]
        far_block[:len(part)] = part
        room.play(far_block)
        heard, heard_echo, heard_near = room.hear(BLOCK)
        began = time.process_time()
        processor.played(to_pcm(far_block))
        processed = processor.process(to_pcm(heard))
        cpu += time.process_time() - began
        mic[start:start + BLOCK] = heard
        echo[start:start + BLOCK] = heard_echo
        near[start:start + BLOCK] = heard_near
        out[start:start + BLOCK] = from_pcm(processed)
    return {
        "room": acoustics.name,
        "true_delay_ms": acoustics.delay_ms,
        "estimated_delay_ms": processor.delay_ms,
        "cpu_us_per_block": cpu / (scenario.length / BLOCK) * 1e6,
        **measure(scenario, mic, echo, near, out),
    }


def _windows(mask: np.ndarray, step: int) -> list[int]:
    return [i for i in range(0, len(mask) - step, step) if mask[i:i + step].all()]


def measure(scenario: Scenario, mic: np.ndarray, echo: np.ndarray, near: np.ndarray,
            out: np.ndarray) -> dict[str, Any]:
    """The figures of one run (float signals, full scale 1)."""
    near_active = np.convolve(np.abs(near) > 1e-4, np.ones(BLOCK * 5), "same") > 0
    echo_active = np.convolve(np.abs(echo) > 10 ** (-50 / 20), np.ones(BLOCK * 5), "same") > 0
    far_only = echo_active & ~near_active
    window = int(RATE * WINDOW_S)
    # Convergence: the first far-only window whose echo is reduced by CONVERGED_DB.
    converged_s = None
    for start in _windows(far_only, window // 5):
        stop = start + window
        if not far_only[start:stop].all():
            continue
        if level_db(mic[start:stop]) - level_db(out[start:stop]) >= CONVERGED_DB:
            converged_s = stop / RATE
            break
    after = np.zeros_like(far_only)
    after[int(RATE * (converged_s if converged_s is not None else 3.0)):] = True
    measured = far_only & after
    erle = level_db(mic[measured]) - level_db(out[measured]) if measured.any() else float("nan")
    double_talk = near_active & echo_active & (np.abs(near) > 0)
    near_only = near_active & ~echo_active
    latency = processing_latency(out, near, near_active)
    out = np.concatenate([out[latency:], np.zeros(latency)])
    return {
        "erle_db": erle,
        "erle_seconds": float(measured.sum() / RATE),
        "converged_s": converged_s,
        "double_talk_s": float(double_talk.sum() / RATE),
        "near_correlation_double_talk": correlation(out, near, double_talk),
        "near_correlation_unprocessed": correlation(mic, near, double_talk),
        "near_sisnr_db_double_talk": segmental_si_snr(out, near, double_talk),
        "near_correlation_near_only": correlation(out, near, near_only),
        "latency_ms": latency * 1000 / RATE,
        "residual_echo_dbfs": level_db(out[measured]) if measured.any() else float("nan"),
        "echo_dbfs": level_db(echo[measured]) if measured.any() else float("nan"),
    }


def processing_latency(out: np.ndarray, clean: np.ndarray, mask: np.ndarray,
                       longest_s: float = 0.04) -> int:
    """How many samples the processing holds the near end back (blocks, filter banks),
    from where the output best matches the clean near end."""
    longest = int(RATE * longest_s)
    a, b = np.where(mask, out, 0), np.where(mask, clean, 0)
    n = 1 << int(np.ceil(np.log2(len(a) * 2)))
    lags = np.fft.irfft(np.fft.rfft(a, n) * np.conj(np.fft.rfft(b, n)), n)[:longest]
    return int(np.argmax(np.abs(lags)))


def band_envelope(samples: np.ndarray, frame_s: float = 0.02, bands: int = 24) -> np.ndarray:
    """Band energies (dB) of 20 ms frames, bands evenly spaced on a log scale from
    100 Hz to 8 kHz: where speech lives, blind to phase (the filter banks of the
    processing shift it)."""
    size = int(RATE * frame_s)
    frames = samples[: len(samples) // size * size].reshape(-1, size) * np.hanning(size)
    power = np.square(np.abs(np.fft.rfft(frames, axis=1)))
    edges = np.geomspace(100, 8000, bands + 1) * size / RATE
    bins = np.arange(power.shape[1])
    energy = np.stack([power[:, (bins >= lo) & (bins < hi)].sum(axis=1)
                       for lo, hi in zip(edges[:-1], edges[1:], strict=True)], axis=1)
    return 10 * np.log10(energy + 1e-10)


def correlation(out: np.ndarray, clean: np.ndarray, mask: np.ndarray) -> float:
    """How much of the clean near end the output keeps where ``mask`` holds: the
    correlation of their band envelopes (dB) over the 20 ms frames with the near end
    speaking. Gain-independent, so the gain control does not count against it; 1 is
    the near end alone, and echo or suppression of the advisor's voice lowers it."""
    size = int(RATE * 0.02)
    frames = mask[: len(mask) // size * size].reshape(-1, size).mean(axis=1) > 0.8
    speaking = frames & (band_envelope(clean).max(axis=1) > -20)
    if speaking.sum() < 10:
        return float("nan")
    a, b = band_envelope(out)[speaking], band_envelope(clean)[speaking]
    # Each band's own mean off: what is compared is how the bands move with the
    # syllables, not the voice's fixed spectral shape (which echo hardly changes).
    a, b = a - a.mean(axis=0), b - b.mean(axis=0)
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def segmental_si_snr(out: np.ndarray, clean: np.ndarray, mask: np.ndarray,
                     segment_s: float = 0.1) -> float:
    """Median over 100 ms segments (with the near end speaking) of the scale-invariant
    SNR of the output against the clean near end, in dB."""
    step = int(RATE * segment_s)
    values = []
    for start in range(0, len(out) - step, step):
        if mask[start:start + step].mean() < 0.8:
            continue
        reference, estimate = clean[start:start + step], out[start:start + step]
        energy = float(np.dot(reference, reference))
        if energy < 1e-6:
            continue
        target = reference * float(np.dot(estimate, reference)) / energy
        residue = estimate - target
        values.append(10 * np.log10(max(float(np.dot(target, target)), 1e-12)
                                    / max(float(np.dot(residue, residue)), 1e-12)))
    return float(np.median(values)) if values else float("nan")


def available() -> dict[str, Any]:
    """The candidates that load here, and why the others do not."""
    loaded: dict[str, Any] = {}
    for key, make in CANDIDATES.items():
        try:
            make()
            loaded[key] = make
        except (ImportError, OSError) as problem:
            loaded[key] = repr(problem)
    return loaded


def run(quick: bool = False, rooms: tuple[Acoustics, ...] = ROOMS) -> dict[str, Any]:
    scenario = Scenario.build(quick)
    candidates = available()
    results: list[dict[str, Any]] = []
    # Interleaved: each room runs every candidate before the next room.
    for acoustics in rooms:
        for key, make in candidates.items():
            if isinstance(make, str):
                continue
            result = run_one(scenario, acoustics, make(auto_gain_control=False))
            result["candidate"] = key
            result["name"] = make().name
            results.append(result)
    return {
        "quick": quick,
        "scenario_s": scenario.length / RATE,
        "double_talk_from_s": scenario.near_at / RATE,
        "missing": {key: why for key, why in candidates.items() if isinstance(why, str)},
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    result = run(args.quick)
    for row in result["results"]:
        print(f"{row['room'][:28]:28} {row['candidate']:15} ERLE {row['erle_db']:6.1f} dB "
              f"conv {row['converged_s']} s  dt corr {row['near_correlation_double_talk']:.2f} "
              f"(raw {row['near_correlation_unprocessed']:.2f}) sisnr "
              f"{row['near_sisnr_db_double_talk']:.1f} dB  near-only "
              f"{row['near_correlation_near_only']:.2f}  cpu {row['cpu_us_per_block']:.0f} us  "
              f"delay {row['estimated_delay_ms']}/{row['true_delay_ms']} lat {row['latency_ms']:.0f}")
    print(json.dumps(result["missing"]))


if __name__ == "__main__":
    main()
