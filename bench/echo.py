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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from echo_candidates import PyWebrtcAudio, Speexdsp

from advisor_app.media.voice_processing import RATE, VoiceProcessor, WebRtcApm
from tests.fixtures.echo_measure import Scenario, run_one
from tests.fixtures.room import ROOMS, Acoustics


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
    """Every candidate in every room, without gain control: it scales the echo and the
    advisor's voice alike and would hide the echo reduction in the level it adds."""
    scenario = Scenario.build(quick)
    candidates = available()
    results: list[dict[str, Any]] = []
    # Interleaved: each room runs every candidate before the next room.
    for acoustics in rooms:
        for key, make in candidates.items():
            if isinstance(make, str):
                continue
            result = run_one(scenario, acoustics,
                             VoiceProcessor(make(auto_gain_control=False)))
            result["candidate"] = key
            result["name"] = make().name
            if acoustics == rooms[0]:
                # The CPU of the whole chain, with the gain control the console runs.
                full = run_one(scenario, acoustics, VoiceProcessor(make()))
                result["cpu_us_full_chain"] = full["cpu_us_per_block"]
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
              f"(raw {row['near_correlation_unprocessed']:.2f}) near-only "
              f"{row['near_correlation_near_only']:.2f}  cpu {row['cpu_us_per_block']:.0f} us  "
              f"delay {row['estimated_delay_ms']}/{row['true_delay_ms']} "
              f"full chain {row.get('cpu_us_full_chain', 0):.0f} us")
    print(json.dumps(result["missing"]))


if __name__ == "__main__":
    main()
