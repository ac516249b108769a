"""Pure rules of the live part: visit states, queue order and wait estimates, rate limits,
TURN credentials, protocol parsing."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from live_protocol.codec import (
    MAX_MESSAGE_BYTES,
    ProtocolError,
    parse_advisor_message,
    parse_customer_message,
)
from live_protocol.messages import ChooseConnection, CustomerChat
from server.core.config import load_settings
from server.db.models import Visit, VisitState
from server.live.ice import ice_servers, line_check_servers, turn_credentials
from server.live.queue import (
    WaitingVisit,
    ahead_of,
    estimate_wait,
    estimate_waits,
    queue_for_advisor,
    typical_session_length,
)
from server.live.ratelimit import ConnectionCounter, TokenBucket
from server.live.room import RoomSnapshot
from server.live.visit_state import InvalidTransition, VisitEvent, allowed_from, next_state

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
MIN = timedelta(minutes=1)


# Visit states ---------------------------------------------------------------------------


def test_the_happy_path_of_a_visit() -> None:
    state = VisitState.WAITING
    for event in (VisitEvent.ACCEPT, VisitEvent.CHOOSE_CONNECTION,
                  VisitEvent.SWITCH_CONNECTION, VisitEvent.END):
        state = next_state(state, event)
    assert state == VisitState.ENDED


@pytest.mark.parametrize("state", [VisitState.WAITING, VisitState.OFFERED, VisitState.ACTIVE])
def test_every_live_visit_can_be_abandoned(state: VisitState) -> None:
    assert next_state(state, VisitEvent.VANISH) == VisitState.ABANDONED


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (VisitState.ENDED, VisitEvent.ACCEPT),
        (VisitState.OFFERED, VisitEvent.ACCEPT),
        (VisitState.ACTIVE, VisitEvent.LEAVE_MESSAGE),
        (VisitState.WAITING, VisitEvent.CHOOSE_CONNECTION),
        (VisitState.ABANDONED, VisitEvent.END),
        (VisitState.LEFT_MESSAGE, VisitEvent.VANISH),
    ],
)
def test_impossible_steps_are_refused(state: VisitState, event: VisitEvent) -> None:
    with pytest.raises(InvalidTransition):
        next_state(state, event)


def test_allowed_from() -> None:
    assert allowed_from(VisitEvent.ACCEPT) == {VisitState.WAITING}
    assert allowed_from(VisitEvent.END) == {VisitState.OFFERED, VisitState.ACTIVE}


# Queue ---------------------------------------------------------------------------------


def visit(visit_id: int, *, advisor: int | None = None, topic: int | None = 1,
          appointment: datetime | None = None, since: int = 0) -> WaitingVisit:
    return WaitingVisit(visit_id, advisor, topic, appointment, T0 + since * MIN)


def test_appointments_come_before_walk_ins_and_earlier_appointments_first() -> None:
    waiting = [
        visit(1, since=0),  # walk-in, topic 1, waiting longest
        visit(2, advisor=7, appointment=T0 + 30 * MIN, since=5),
        visit(3, advisor=7, appointment=T0, since=9),
        visit(4, advisor=8, appointment=T0, since=1),  # someone else's appointment
        visit(5, topic=2, since=2),  # a topic advisor 7 does not serve
    ]
    order = queue_for_advisor(waiting, 7, frozenset({1}))
    assert [v.visit_id for v in order] == [3, 2, 1]
    assert ahead_of(waiting[1], waiting) == 1
    assert ahead_of(waiting[2], waiting) == 0
    assert ahead_of(waiting[0], waiting) == 0  # first walk-in of topic 1


def test_typical_session_length_is_the_median() -> None:
    assert typical_session_length([]) == timedelta(minutes=20)
    assert typical_session_length([10 * MIN, 12 * MIN, 90 * MIN]) == 12 * MIN


def test_wait_estimates() -> None:
    recent = [20 * MIN] * 5
    assert estimate_wait(0, recent) == timedelta(0)
    assert estimate_wait(0, recent, busy_for=[5 * MIN]) == 15 * MIN
    assert estimate_wait(1, recent, busy_for=[5 * MIN]) == 35 * MIN
    assert estimate_wait(0, recent, busy_for=[40 * MIN]) == MIN  # overdue: soon
    assert estimate_wait(1, recent) == 20 * MIN
    # Two advisors, one busy for 10 minutes: the first in line goes to the free one.
    assert estimate_wait(0, recent, advisors=2, busy_for=[10 * MIN]) == timedelta(0)
    assert estimate_wait(1, recent, advisors=2, busy_for=[10 * MIN]) == 10 * MIN
    assert estimate_wait(2, recent, advisors=2, busy_for=[10 * MIN]) == 20 * MIN


# Worked out by hand from the rule: the typical session is the median of recent ones
# (12, 18, 25 → 18 minutes); an advisor in a session is free again after 18 minutes minus
# what has passed, at least one more minute; each customer in line takes the advisor who is
# free first, who is then busy for another 18 minutes.
@pytest.mark.parametrize(
    ("advisors", "busy_for", "minutes"),
    [
        # One free advisor: one typical session per person ahead.
        (1, [], [0, 18, 36, 54, 72]),
        # One advisor 7 minutes into a session: free in 11, then every 18.
        (1, [7], [11, 29, 47, 65]),
        # Overdue (30 > 18): "one more minute", then every 18.
        (1, [30], [1, 19, 37]),
        # Two free advisors take the line two at a time.
        (2, [], [0, 0, 18, 18, 36, 36]),
        # Three advisors: one free (0), one overdue (1), one 2 minutes in (16); each
        # served customer frees that advisor 18 minutes later: 0+18, 1+18, 16+18, …
        (3, [2, 30], [0, 1, 16, 18, 19, 34, 36, 37, 52]),
        # No advisor online still estimates as if one were.
        (0, [], [0, 18, 36]),
    ],
    ids=["one-free", "one-busy", "one-overdue", "two-free", "three-mixed", "none-online"],
)
def test_wait_of_every_place_in_a_line(advisors: int, busy_for: list[int],
                                       minutes: list[int]) -> None:
    recent = [12 * MIN, 25 * MIN, 18 * MIN]
    line = estimate_waits(len(minutes), recent, advisors=advisors,
                          busy_for=[b * MIN for b in busy_for])
    assert line == [m * MIN for m in minutes]


def test_an_empty_line_has_no_waits() -> None:
    assert estimate_waits(0, [12 * MIN]) == []


def test_each_waiting_customer_is_told_the_place_and_wait_in_their_own_line() -> None:
    now = T0 + 120 * MIN
    # Walk-ins of topics 2 and 1 in turn, visit 1 waiting longest; advisor 7 serves both
    # topics and is 5 minutes into a session, sessions take 20 minutes. Each topic is its
    # own line, so both lines are told: free in 15 minutes, then every 20.
    waiting = [visit(i, topic=1 + i % 2, since=i) for i in range(1, 9)]
    session = Visit(id=99, advisor_id=7, state=VisitState.ACTIVE, started_at=now - 5 * MIN)
    snapshot = RoomSnapshot(now=now, visits={99: session}, waiting=waiting, online={7},
                            topics_of={7: frozenset({1, 2})}, recent=[20 * MIN])
    told = {entry.visit_id: snapshot.customer_status(entry.visit_id) for entry in waiting}
    assert all(status is not None for status in told.values())
    assert {visit_id: (status.place, status.estimated_wait_seconds)
            for visit_id, status in told.items() if status is not None} == {
        1: (1, 900), 3: (2, 2100), 5: (3, 3300), 7: (4, 4500),  # topic 2
        2: (1, 900), 4: (2, 2100), 6: (3, 3300), 8: (4, 4500),  # topic 1
    }
    assert {status.advisor_status for status in told.values() if status is not None} == {"busy"}


# Rate limits ----------------------------------------------------------------------------


def test_token_bucket_allows_bursts_then_the_rate() -> None:
    bucket = TokenBucket(rate=2, burst=3)
    assert [bucket.allow(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.allow(0.4) is False
    assert bucket.allow(0.5) is True


def test_connection_counter_caps_an_address() -> None:
    counter = ConnectionCounter(limit=2)
    assert counter.acquire("a") and counter.acquire("a") and not counter.acquire("a")
    assert counter.acquire("b")
    counter.release("a")
    assert counter.acquire("a")


# ICE ------------------------------------------------------------------------------------


def test_no_ice_servers_unless_configured() -> None:
    assert ice_servers(load_settings(), "x", T0) == []


def test_turn_credentials_follow_the_turn_rest_scheme() -> None:
    settings = load_settings(stun_urls=["stun:turn.example.de:3478"],
                             turn_urls=["turn:turn.example.de:3478?transport=udp"],
                             turn_secret="a-long-shared-secret", turn_ttl_seconds=3600)
    stun, turn = ice_servers(settings, "visit-4", T0)
    assert stun.urls == ["stun:turn.example.de:3478"] and stun.username is None
    expiry, who = turn.username.split(":") if turn.username else ("", "")
    assert int(expiry) == int((T0 + timedelta(hours=1)).timestamp()) and who == "visit-4"
    expected = base64.b64encode(hmac.new(b"a-long-shared-secret", turn.username.encode(),
                                         hashlib.sha1).digest()).decode()
    assert turn.credential == expected
    assert turn_credentials("a-long-shared-secret", "visit-4", T0 + timedelta(hours=1)) == (
        turn.username, turn.credential)


def test_line_check_gets_only_turn_with_two_minute_credentials() -> None:
    settings = load_settings(stun_urls=["stun:turn.example.de:3478"],
                             turn_urls=["turn:turn.example.de:3478?transport=udp"],
                             turn_secret="a-long-shared-secret", turn_ttl_seconds=3600)
    (turn,) = line_check_servers(settings, "check-visit-4", T0)
    assert turn.urls == ["turn:turn.example.de:3478?transport=udp"]
    expiry = int(turn.username.split(":")[0]) if turn.username else 0
    assert expiry == int((T0 + timedelta(minutes=2)).timestamp())
    assert line_check_servers(load_settings(), "check-visit-4", T0) == []


# Protocol -------------------------------------------------------------------------------


def test_messages_parse_into_their_types() -> None:
    chat = parse_customer_message('{"type": "chat", "text": "Hallo", "client_id": "1"}')
    assert isinstance(chat, CustomerChat) and chat.text == "Hallo"
    choice = parse_customer_message('{"type": "choose_connection", "mode": "video", '
                                    '"see_advisor": true, "show_me": false}')
    assert isinstance(choice, ChooseConnection) and choice.see_advisor and not choice.show_me
    assert parse_advisor_message('{"type": "accept", "visit_id": 3}').type == "accept"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "invalid_json"),
        ('{"type": "teleport"}', "unknown_type"),
        ('{"text": "no type"}', "unknown_type"),
        ("[1, 2]", "invalid_message"),
        ('{"type": "chat", "text": "", "client_id": "1"}', "invalid_message"),
        ('{"type": "chat", "text": "x", "client_id": "1", "visit_id": 9}', "invalid_message"),
        ('{"type": "choose_connection", "mode": "hologram"}', "invalid_message"),
        ('{"type": "chat", "text": "' + "x" * MAX_MESSAGE_BYTES + '", "client_id": "1"}',
         "too_large"),
    ],
)
def test_bad_messages_say_what_is_wrong(raw: str, code: str) -> None:
    with pytest.raises(ProtocolError) as problem:
        parse_customer_message(raw)
    assert problem.value.code == code
    assert problem.value.message
