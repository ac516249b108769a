"""The words the database, the live protocol and the console share: roles and states.

Plain enums with no database or web imports, so the advisor console can use the
protocol module without pulling in SQLAlchemy.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADVISOR = "advisor"
    ADMIN = "admin"


class AppointmentState(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    WAITING = "waiting"
    IN_SESSION = "in_session"
    COMPLETED = "completed"
    MISSED = "missed"


class TokenPurpose(enum.StrEnum):
    JOIN = "join"
    MANAGE = "manage"


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


class MailState(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
