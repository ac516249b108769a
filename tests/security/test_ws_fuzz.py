"""Generated frames against both WebSocket endpoints of a real server.

Valid messages drawn from the protocol's JSON Schema, the same with one thing broken, and
garbage (bytes, other JSON, oversized frames, unicode edge cases), sent before and after
``hello``. Every connection must either stay usable (a ``ping`` gets ``pong``) or be
closed with a documented code; whatever the server sends must be a protocol message; the
server's log must stay free of unhandled exceptions; and a neighbouring customer, signed
in and waiting, must notice nothing: their ping is answered, their queue status holds.

``VB_FUZZ_FRAMES`` sets the examples per test (``make fuzz`` raises it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings, strategies as st

from live_protocol.codec import ProtocolError, parse_advisor_message, parse_customer_message
from live_protocol.messages import AdvisorToServer, CustomerToServer
from tests.security.conftest import World
from tests.security.frames import UNICODE_EDGES, Frame, frames
from tests.security.peers import DOCUMENTED_CLOSE_CODES, Peer

# A failing example may hold a 64 KiB frame; its repr is long, and that is fine.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
EXAMPLES = int(os.environ.get("VB_FUZZ_FRAMES", "150"))
WS_MAX_SIZE = 64 * 1024  # uvicorn's limit (server/cli.py): a larger frame is closed 1009


@dataclass
class Neighbour:
    """A customer waiting for their appointment while others misbehave."""

    peer: Peer
    queue_status: dict[str, Any]
    checked_at: float = 0.0

    def check(self, every: float = 1.0) -> None:
        """Ping (at most once per ``every`` seconds: the neighbour must not flood) and
        look at what arrived meanwhile."""
        if time.monotonic() - self.checked_at < every:
            return
        self.checked_at = time.monotonic()
        assert self.peer.ping_or_close_code() == "pong"
        for message in self.peer.received:
            assert message["type"] in ("pong", "queue_status"), message
            if message["type"] == "queue_status":
                assert message == self.queue_status
        self.peer.received.clear()


@dataclass
class Scene:
    world: World
    neighbour: Neighbour
    walk_in_topic: int
    visit_token: str
    advisor_token: str


@pytest.fixture(scope="module")
def scene(world: World) -> Iterator[Scene]:
    neighbour = Peer(world.ws_url, "customer")
    world.sign_in_customer(neighbour, join_token=world.demo_customer())
    status = neighbour.expect("queue_status")
    assert status["place"] == 1
    neighbour.received.clear()
    # Someone else's walk-in visit, resumed by its token in the "visit" greetings.
    other = Peer(world.ws_url, "customer")
    visit_token = world.sign_in_customer(other, topic_id=world.topic_ids["geldanlage"]
                                         )["visit_token"]
    other.close()
    yield Scene(world, Neighbour(neighbour, status), world.topic_ids["geldanlage"],
                visit_token, world.add_advisor("yvonne", "geldanlage"))
    neighbour.close()


def _greet(scene: Scene, peer: Peer, how: str) -> None:
    hello: dict[str, Any] = {"type": "hello", "protocol": 1}
    if how == "advisor":
        hello["token"] = scene.advisor_token
    elif how == "walk_in":
        hello["topic_id"] = scene.walk_in_topic
    else:
        hello["visit_token"] = scene.visit_token
    peer.send(json.dumps(hello))
    peer.expect("welcome")


def _size(frame: Frame) -> int:
    return len(frame if isinstance(frame, bytes) else frame.encode())


def _parses(endpoint: str, frame: Frame) -> bool:
    if isinstance(frame, bytes):
        return False
    parse = parse_customer_message if endpoint == "customer" else parse_advisor_message
    try:
        parse(frame)
    except ProtocolError:
        return False
    return True


def _run(scene: Scene, endpoint: str, greeting: str | None, sent: list[Frame]) -> None:
    peer = Peer(scene.world.ws_url, endpoint)
    try:
        if greeting is not None:
            _greet(scene, peer, greeting)
        outcome: str | int | None = None
        for frame in sent:
            if not peer.send(frame):
                break
            if _size(frame) > WS_MAX_SIZE:
                # The server closes (1009); writing on would race its close frame with
                # a TCP reset, so only listen.
                outcome = peer.wait_closed()
                break
        if outcome is None:
            pings = sum(_parses(endpoint, frame) and json.loads(frame)["type"] == "ping"
                        for frame in sent)
            outcome = peer.ping_or_close_code(pongs_before=pings)
    finally:
        peer.close()
    if greeting is None:
        # Before hello: anything but a good hello is answered and closed (1008).
        assert outcome == "pong" or outcome in DOCUMENTED_CLOSE_CODES, outcome
    elif any(_size(frame) > WS_MAX_SIZE for frame in sent):
        assert outcome in ("pong", 1009), outcome
    else:
        assert outcome == "pong", (outcome, peer.received[-5:])
        errors = [m for m in peer.received if m["type"] == "error"]
        assert all(m["code"] != "internal" for m in errors), errors
        # Each frame the protocol refuses is answered with an error of its own.
        refused = sum(not _parses(endpoint, frame) for frame in sent)
        assert len(errors) >= refused, (refused, errors, [repr(f)[:300] for f in sent])
    scene.neighbour.check()


UNIONS = {"customer": CustomerToServer, "advisor": AdvisorToServer}
GREETINGS = {"customer": [None, "walk_in", "visit"], "advisor": [None, "advisor"]}


@pytest.mark.parametrize("endpoint", ["customer", "advisor"])
def test_generated_frames_are_answered_or_closed_cleanly(scene: Scene, endpoint: str) -> None:
    after_hello = GREETINGS[endpoint][-1]

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    # Always tried, whatever is generated: the wrong order, every unicode edge case and
    # both sizes of oversized frame, after hello.
    @example(greeting=None, sent=['{"type": "accept", "visit_id": 1}'])
    @example(greeting=None, sent=['{"type": "chat", "text": "x", "client_id": "y"}'])
    @example(greeting=after_hello, sent=UNICODE_EDGES[:4])
    @example(greeting=after_hello, sent=UNICODE_EDGES[4:8])
    @example(greeting=after_hello, sent=UNICODE_EDGES[8:])
    @example(greeting=after_hello, sent=['{"type": "ping", "pad": "' + "a" * 40_000 + '"}'])
    @example(greeting=after_hello, sent=['{"type": "ping", "pad": "' + "a" * 70_000 + '"}'])
    @given(greeting=st.sampled_from(GREETINGS[endpoint]),
           sent=st.lists(frames(UNIONS[endpoint]), min_size=1, max_size=4))
    def run(greeting: str | None, sent: list[Frame]) -> None:
        _run(scene, endpoint, greeting, sent)

    run()
    scene.neighbour.check(every=0)
    problems = scene.world.server_log_problems()
    assert not problems, "\n".join(problems[:40])
