"""The console's media engine: aiortc peer, synthetic sources, offer directions, stats.

No widgets here; the UI feeds tracks in and shows what comes out.
"""

from advisor_app.media.directions import AnswerPlan, OfferedMedia, parse_offer, plan_answer
from advisor_app.media.peer import AdvisorPeer
from advisor_app.media.received import ReceivedMedia
from advisor_app.media.stats import SessionStats
from advisor_app.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack, read_frame_number

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
