"""Frames to messages and back. A frame that cannot be used raises :class:`ProtocolError`
with the code the server answers it with."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from live_protocol.errors import ErrorCode
from live_protocol.messages import (
    AdvisorToServer,
    CustomerToServer,
    ErrorMessage,
    ServerMessage,
    ServerToAdvisor,
    ServerToCustomer,
)

MAX_MESSAGE_BYTES = 32 * 1024  # an SDP offer with many candidates stays well below


class ProtocolError(Exception):
    """A message that cannot be used; answered with an ``error`` message."""

    def __init__(self, code: ErrorCode, message: str, in_reply_to: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.in_reply_to = in_reply_to

    def as_message(self) -> ErrorMessage:
        return ErrorMessage(code=self.code, message=self.message, in_reply_to=self.in_reply_to)


def encode(message: ServerMessage) -> str:
    """The frame of a server message."""
    return message.model_dump_json()


def as_payload(message: ServerMessage) -> dict[str, Any]:
    """A server message as plain JSON data (for the bus between instances)."""
    payload: dict[str, Any] = message.model_dump(mode="json")
    return payload


def _parse(adapter: TypeAdapter[Any], raw: str | bytes, limit: int | None) -> Any:
    if limit is not None and len(raw) > limit:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"a message may have at most {limit} bytes")
    try:
        return adapter.validate_json(raw)
    except ValidationError as problem:
        first = problem.errors()[0]
        kind = first.get("type", "")
        where = ".".join(str(p) for p in first.get("loc", ()))
        if kind == "json_invalid":
            raise ProtocolError(ErrorCode.INVALID_JSON, "the message is not valid JSON") from None
        if kind in ("model_attributes_type", "dict_type"):
            raise ProtocolError(ErrorCode.INVALID_MESSAGE,
                                "a message must be a JSON object") from None
        if kind in ("union_tag_invalid", "union_tag_not_found", "model_type"):
            raise ProtocolError(ErrorCode.UNKNOWN_TYPE, "unknown or missing message type") from None
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, f"{where}: {first.get('msg', 'invalid')}",
                            _peek_type(raw)) from None


def _peek_type(raw: str | bytes) -> str | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) and len(kind) <= 32 else None


_customer: TypeAdapter[CustomerToServer] = TypeAdapter(CustomerToServer)
_advisor: TypeAdapter[AdvisorToServer] = TypeAdapter(AdvisorToServer)
_to_customer: TypeAdapter[ServerToCustomer] = TypeAdapter(ServerToCustomer)
_to_advisor: TypeAdapter[ServerToAdvisor] = TypeAdapter(ServerToAdvisor)


def parse_customer_message(raw: str | bytes) -> CustomerToServer:
    parsed: CustomerToServer = _parse(_customer, raw, MAX_MESSAGE_BYTES)
    return parsed


def parse_advisor_message(raw: str | bytes) -> AdvisorToServer:
    parsed: AdvisorToServer = _parse(_advisor, raw, MAX_MESSAGE_BYTES)
    return parsed


def parse_server_to_customer(raw: str | bytes) -> ServerToCustomer:
    parsed: ServerToCustomer = _parse(_to_customer, raw, None)
    return parsed


def parse_server_to_advisor(raw: str | bytes) -> ServerToAdvisor:
    """What the console receives (a waiting room may exceed the client's size limit)."""
    parsed: ServerToAdvisor = _parse(_to_advisor, raw, None)
    return parsed
