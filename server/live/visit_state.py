"""The life of a visit as a pure state machine.

``waiting`` → ``offered`` (an advisor accepted) → ``active`` (text or video) → ``ended``;
from ``waiting`` also ``left_message``; any live state → ``abandoned`` when the customer
vanished for longer than the grace period.
"""

from __future__ import annotations

import enum

from server.db.models import VisitState


class VisitEvent(enum.StrEnum):
    ACCEPT = "accept"
    CHOOSE_CONNECTION = "choose_connection"
    SWITCH_CONNECTION = "switch_connection"
    END = "end"
    LEAVE_MESSAGE = "leave_message"
    GIVE_UP = "give_up"  # the customer stopped waiting
    VANISH = "vanish"  # the grace period ran out


class InvalidTransition(Exception):
    def __init__(self, state: VisitState, event: VisitEvent) -> None:
        super().__init__(f"a visit that is {state.value} cannot {event.value.replace('_', ' ')}")
        self.state = state
        self.event = event


LIVE_STATES = frozenset({VisitState.WAITING, VisitState.OFFERED, VisitState.ACTIVE})

_TRANSITIONS: dict[tuple[VisitState, VisitEvent], VisitState] = {
    (VisitState.WAITING, VisitEvent.ACCEPT): VisitState.OFFERED,
    (VisitState.WAITING, VisitEvent.LEAVE_MESSAGE): VisitState.LEFT_MESSAGE,
    (VisitState.WAITING, VisitEvent.GIVE_UP): VisitState.ENDED,
    (VisitState.OFFERED, VisitEvent.CHOOSE_CONNECTION): VisitState.ACTIVE,
    (VisitState.OFFERED, VisitEvent.END): VisitState.ENDED,
    (VisitState.ACTIVE, VisitEvent.SWITCH_CONNECTION): VisitState.ACTIVE,
    (VisitState.ACTIVE, VisitEvent.END): VisitState.ENDED,
    **{(state, VisitEvent.VANISH): VisitState.ABANDONED for state in LIVE_STATES},
}


def next_state(state: VisitState, event: VisitEvent) -> VisitState:
    """The state after ``event``, or :class:`InvalidTransition`."""
    try:
        return _TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransition(state, event) from None


def allowed_from(event: VisitEvent) -> frozenset[VisitState]:
    """The states in which ``event`` may happen (for conditional UPDATEs)."""
    return frozenset(state for state, e in _TRANSITIONS if e == event)
