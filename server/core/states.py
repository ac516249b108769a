"""Roles and states that only the server names (the ones clients see too are in
:mod:`live_protocol.states`)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADVISOR = "advisor"
    ADMIN = "admin"


class TokenPurpose(enum.StrEnum):
    JOIN = "join"
    MANAGE = "manage"


class MailState(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
