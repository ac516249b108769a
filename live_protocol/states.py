"""The states and parties that the server, the console and the page all name."""

from __future__ import annotations

import enum


class AppointmentState(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    WAITING = "waiting"
    IN_SESSION = "in_session"
    COMPLETED = "completed"
    MISSED = "missed"


class VisitState(enum.StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    ACTIVE = "active"
    ENDED = "ended"
    LEFT_MESSAGE = "left_message"
    ABANDONED = "abandoned"


class ConnectionMode(enum.StrEnum):
    TEXT = "text"
    VIDEO = "video"


class Party(enum.StrEnum):
    CUSTOMER = "customer"
    ADVISOR = "advisor"
    SYSTEM = "system"
