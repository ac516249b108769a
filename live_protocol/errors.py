"""Every error code a client can receive in an ``error`` message."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    # The frame itself
    INVALID_JSON = "invalid_json"
    INVALID_MESSAGE = "invalid_message"
    UNKNOWN_TYPE = "unknown_type"
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"
    # The conversation
    HELLO_FIRST = "hello_first"
    ALREADY_GREETED = "already_greeted"
    UNSUPPORTED_PROTOCOL = "unsupported_protocol"
    NOT_AUTHENTICATED = "not_authenticated"
    WRONG_STEP = "wrong_step"
    # The rules of the service (the server's domain errors)
    INVALID = "invalid"
    CONFLICT = "conflict"
    SLOT_TAKEN = "slot_taken"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    GONE = "gone"
    THROTTLED = "throttled"
    INTERNAL = "internal"


ERROR_MEANINGS: dict[ErrorCode, str] = {
    ErrorCode.INVALID_JSON: "the frame is not JSON text",
    ErrorCode.INVALID_MESSAGE: "a field is missing, unknown or out of range",
    ErrorCode.UNKNOWN_TYPE: "no message has this `type` (for this party)",
    ErrorCode.TOO_LARGE: "the frame exceeds the size limit",
    ErrorCode.RATE_LIMITED: "too many messages; a client that keeps flooding is closed",
    ErrorCode.HELLO_FIRST: "the first message must be `hello`",
    ErrorCode.ALREADY_GREETED: "`hello` was sent twice",
    ErrorCode.UNSUPPORTED_PROTOCOL: "the client speaks another protocol version",
    ErrorCode.NOT_AUTHENTICATED: "the token is unknown, expired or revoked",
    ErrorCode.WRONG_STEP: "the message does not fit where the conversation is",
    ErrorCode.INVALID: "a value was refused (e.g. the phone number)",
    ErrorCode.CONFLICT: "the state changed meanwhile (another advisor was faster, "
    "the notes changed)",
    ErrorCode.SLOT_TAKEN: "the time was booked meanwhile",
    ErrorCode.FORBIDDEN: "not this party's visit or customer",
    ErrorCode.NOT_FOUND: "no such visit, topic or message",
    ErrorCode.GONE: "the appointment was cancelled or is over",
    ErrorCode.THROTTLED: "too many attempts; try again later",
    ErrorCode.INTERNAL: "a fault on the server's side; the client may retry",
}
