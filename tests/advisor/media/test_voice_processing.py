"""The console's microphone processing: the delay found, the echo cancelled in a simulated
room while the advisor's own voice survives double talk, and the switch that turns it off.

The echo guard runs the quick scenario of the echo benchmark (bench/echo.py) in the
office room (laptop speakers, 90 ms delay, 180 ms reverberation): German speech from
espeak-ng, the same 10 ms framing and delay estimation as the console. As in the
benchmark, the gain control is left out where echo is measured: it scales echo and voice
alike, and the level it adds would hide the echo reduction.
"""

from __future__ import annotations

import numpy as np
import pytest

from advisor_app.media.voice_processing import (
    BLOCK,
    DelayEstimator,
    VoiceProcessor,
    WebRtcApm,
)
from tests.fixtures.echo_measure import Scenario, run_one
from tests.fixtures.room import ROOMS, espeak_available

ERLE_GOAL_DB = 25.0
# The echo canceller may not leave less of the advisor's voice than the echo itself
# masks: its band envelope must follow the clean voice at least as closely as the
# unprocessed microphone's does (less a margin for the noise suppression's smoothing).
# Suppressing the advisor during double talk drops the figure well below (the off
# switch shows the unprocessed value; a half-duplex suppressor gives about 0.2).
DOUBLE_TALK_MARGIN = 0.05
CONVERGE_WITHIN_S = 3.0

needs_espeak = pytest.mark.skipif(not espeak_available(),
                                  reason="espeak-ng is missing (scripts/bootstrap installs it)")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    if not espeak_available():
        pytest.fail("espeak-ng is missing: run scripts/bootstrap (as root)")
    return Scenario.build(quick=True)


@pytest.mark.parametrize("delay_ms", [0, 40, 150, 330, 480])
def test_the_delay_estimator_finds_the_echo_path_delay(delay_ms: int) -> None:
    rng = np.random.default_rng(delay_ms)
    far = (rng.standard_normal(48_000 * 3) * 3000).astype(np.int16)
    near = np.concatenate([np.zeros(delay_ms * 48, np.int16), far])[: len(far)]
    estimator = DelayEstimator()
    for start in range(0, len(far), BLOCK):
        estimator.far_end(far[start:start + BLOCK])
        estimator.near_end(near[start:start + BLOCK])
    assert estimator.delay_ms == delay_ms


def test_without_a_far_end_no_delay_is_claimed() -> None:
    estimator = DelayEstimator()
    rng = np.random.default_rng(1)
    for _ in range(300):
        estimator.near_end((rng.standard_normal(BLOCK) * 3000).astype(np.int16))
    assert estimator.delay_ms is None


def test_echo_is_cancelled_and_the_advisor_survives_double_talk(scenario: Scenario) -> None:
    room = ROOMS[1]
    result = run_one(scenario, room, VoiceProcessor(WebRtcApm(auto_gain_control=False)))
    assert result["estimated_delay_ms"] == pytest.approx(room.delay_ms, abs=15)
    assert result["converged_s"] is not None and result["converged_s"] <= CONVERGE_WITHIN_S
    assert result["erle_seconds"] > 2
    assert result["erle_db"] >= ERLE_GOAL_DB, result
    assert result["double_talk_s"] > 1
    assert (result["near_correlation_double_talk"]
            >= result["near_correlation_unprocessed"] - DOUBLE_TALK_MARGIN), result


def test_switched_off_the_microphone_passes_untouched_and_the_guard_notices(
        scenario: Scenario) -> None:
    processor = VoiceProcessor(enabled=False)
    pcm = (np.arange(960, dtype=np.int16) * 7).tobytes()
    assert processor.process(pcm) == pcm
    result = run_one(scenario, ROOMS[1], VoiceProcessor(enabled=False))
    assert result["erle_db"] < 1, "off must not pass the echo guard"
    assert result["estimated_delay_ms"] is not None, "the delay is still followed while off"


def test_switched_on_at_run_time_it_converges(scenario: Scenario) -> None:
    processor = VoiceProcessor(WebRtcApm(auto_gain_control=False), enabled=False)
    processor.enabled = True
    result = run_one(scenario, ROOMS[0], processor)
    assert result["erle_db"] >= ERLE_GOAL_DB, result
