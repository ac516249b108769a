"""The console's media engine: aiortc peer, devices, synthetic sources, offer directions,
stats.

No widgets here; the UI feeds tracks in and shows what comes out. The names below load
on first use (PEP 562), so importing a light module of this package (``devices``,
``convert``) does not load aiortc before the console needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "AdvisorPeer": "advisor_app.media.peer",
    "AnswerPlan": "advisor_app.media.directions",
    "OfferedMedia": "advisor_app.media.directions",
    "parse_offer": "advisor_app.media.directions",
    "plan_answer": "advisor_app.media.directions",
    "ReceivedMedia": "advisor_app.media.received",
    "SessionStats": "advisor_app.media.stats",
    "SyntheticAudioTrack": "advisor_app.media.synthetic",
    "SyntheticVideoTrack": "advisor_app.media.synthetic",
    "read_frame_number": "advisor_app.media.synthetic",
}

__all__ = [
    "AdvisorPeer",
    "AnswerPlan",
    "OfferedMedia",
    "ReceivedMedia",
    "SessionStats",
    "SyntheticAudioTrack",
    "SyntheticVideoTrack",
    "parse_offer",
    "plan_answer",
    "read_frame_number",
]

if TYPE_CHECKING:
    from advisor_app.media.directions import AnswerPlan, OfferedMedia, parse_offer, plan_answer
    from advisor_app.media.peer import AdvisorPeer
    from advisor_app.media.received import ReceivedMedia
    from advisor_app.media.stats import SessionStats
    from advisor_app.media.synthetic import (
        SyntheticAudioTrack,
        SyntheticVideoTrack,
        read_frame_number,
    )


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
