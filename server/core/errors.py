"""Domain errors. Raised inside the services, turned into HTTP/CLI errors at the edges."""

from __future__ import annotations


class DomainError(Exception):
    """Base class. ``code`` is stable and machine-readable; the message is for people."""

    code = "error"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Gone(DomainError):
    """The thing existed but can no longer be used (an expired link, a past appointment)."""

    code = "gone"
    status = 410


class Conflict(DomainError):
    code = "conflict"
    status = 409


class SlotTaken(Conflict):
    code = "slot_taken"


class InvalidInput(DomainError):
    code = "invalid"
    status = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Throttled(DomainError):
    code = "throttled"
    status = 429

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
