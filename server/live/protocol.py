"""The WebSocket protocol (version 1): every message typed, shared by server and console.

Each message is one JSON object with a ``type``. A client's first message is ``hello``;
the server answers ``welcome`` or an ``error`` and closes. Any later malformed or unknown
message gets an ``error`` and the connection stays usable. See docs/protocol.md.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from server.core.states import ConnectionMode, Party, VisitState

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 32 * 1024  # an SDP offer with many candidates stays well below
MAX_SDP_CHARS = 24_000

Token = Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]
ClientId = Annotated[str, Field(min_length=1, max_length=64)]
RecordId = Annotated[int, Field(ge=1, le=2_147_483_647)]
ChatText = Annotated[str, Field(min_length=1, max_length=4000)]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Signalling payloads (WebRTC) --------------------------------------------------------


class SessionDescription(Message):
    type: Literal["offer", "answer"]
    sdp: str = Field(min_length=1, max_length=MAX_SDP_CHARS)


class IceCandidate(Message):
    candidate: str = Field(max_length=1000)  # "" marks the end of candidates
    sdpMid: str | None = Field(None, max_length=32)
    sdpMLineIndex: int | None = Field(None, ge=0, le=64)


class Consent(Message):
    """SHA-256 of each legal text as the customer saw it."""

    privacy_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    terms_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    security_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


# Customer → server -------------------------------------------------------------------


class CustomerHello(Message):
    """Open with a join token (appointment), a visit token (resume), or a topic (walk-in)."""

    type: Literal["hello"]
    protocol: int
    join_token: Token | None = None
    visit_token: Token | None = None
    topic_id: RecordId | None = None


class SignIn(Message):
    """„Anmelden“: name, call-back phone and consent."""

    type: Literal["sign_in"]
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=1, max_length=40)
    language: Literal["de", "en"] = "de"
    consent: Consent


class LeaveMessage(Message):
    type: Literal["leave_message"]
    text: str = Field(min_length=1, max_length=4000)
    phone: str | None = Field(None, max_length=40)  # another call-back number, if wished


class ChooseConnection(Message):
    """„Bild und Ton übertragen“ (video, with the two choices) or „nur Text übertragen“."""

    type: Literal["choose_connection"]
    mode: ConnectionMode
    see_advisor: bool = False
    show_me: bool = False


class GiveUp(Message):
    """The customer stops waiting."""

    type: Literal["give_up"]


class CustomerChat(Message):
    type: Literal["chat"]
    text: ChatText
    client_id: ClientId


class CustomerSignal(Message):
    type: Literal["signal"]
    description: SessionDescription | None = None
    candidate: IceCandidate | None = None


class End(Message):
    type: Literal["end"]


class Rate(Message):
    type: Literal["rate"]
    stars: int = Field(ge=1, le=5)


class Ping(Message):
    type: Literal["ping"]


CustomerMessage = Annotated[
    CustomerHello | SignIn | LeaveMessage | ChooseConnection | GiveUp | CustomerChat
    | CustomerSignal | End | Rate | Ping,
    Field(discriminator="type"),
]


# Advisor → server --------------------------------------------------------------------


class AdvisorHello(Message):
    type: Literal["hello"]
    protocol: int
    token: str = Field(min_length=16, max_length=128)


class Accept(Message):
    type: Literal["accept"]
    visit_id: RecordId


class AdvisorChat(Message):
    type: Literal["chat"]
    visit_id: RecordId
    text: ChatText
    client_id: ClientId


class AdvisorSignal(Message):
    type: Literal["signal"]
    visit_id: RecordId
    description: SessionDescription | None = None
    candidate: IceCandidate | None = None


class AdvisorEnd(Message):
    type: Literal["end"]
    visit_id: RecordId


AdvisorMessage = Annotated[
    AdvisorHello | Accept | AdvisorChat | AdvisorSignal | AdvisorEnd | Ping,
    Field(discriminator="type"),
]


# Server → clients --------------------------------------------------------------------


class VisitView(BaseModel):
    """A visit as both parties may see it."""

    id: int
    state: VisitState
    customer_name: str
    customer_phone: str
    language: str
    appointment_id: int | None
    appointment_start: datetime | None
    topic_id: int | None
    advisor_id: int | None
    advisor_name: str | None
    mode: ConnectionMode | None
    see_advisor: bool
    show_me: bool
    waiting_since: datetime
    consent_at: datetime | None
    disconnected: bool


class ChatLine(BaseModel):
    id: int
    visit_id: int
    sender: Party
    text: str
    client_id: str
    sent_at: datetime


class ErrorMessage(BaseModel):
    type: Literal["error"] = "error"
    code: str
    message: str
    in_reply_to: str | None = None


def error(code: str, message: str, in_reply_to: str | None = None) -> dict[str, Any]:
    return ErrorMessage(code=code, message=message, in_reply_to=in_reply_to).model_dump()


class ProtocolError(Exception):
    """A client message that cannot be used; answered with an ``error`` message."""

    def __init__(self, code: str, message: str, in_reply_to: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.in_reply_to = in_reply_to


_customer_adapter: TypeAdapter[CustomerMessage] = TypeAdapter(CustomerMessage)
_advisor_adapter: TypeAdapter[AdvisorMessage] = TypeAdapter(AdvisorMessage)


def _parse(adapter: TypeAdapter[Any], raw: str | bytes) -> Any:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_large", f"a message may have at most {MAX_MESSAGE_BYTES} bytes")
    try:
        return adapter.validate_json(raw)
    except ValidationError as problem:
        first = problem.errors()[0]
        kind = first.get("type", "")
        where = ".".join(str(p) for p in first.get("loc", ()))
        if kind == "json_invalid":
            raise ProtocolError("invalid_json", "the message is not valid JSON") from None
        if kind in ("model_attributes_type", "dict_type"):
            raise ProtocolError("invalid_message", "a message must be a JSON object") from None
        if kind in ("union_tag_invalid", "union_tag_not_found", "model_type"):
            raise ProtocolError("unknown_type", "unknown or missing message type") from None
        message_type = _peek_type(raw)
        raise ProtocolError(
            "invalid_message", f"{where}: {first.get('msg', 'invalid')}", message_type
        ) from None


def _peek_type(raw: str | bytes) -> str | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) and len(kind) <= 32 else None


def parse_customer_message(raw: str | bytes) -> CustomerMessage:
    parsed: CustomerMessage = _parse(_customer_adapter, raw)
    return parsed


def parse_advisor_message(raw: str | bytes) -> AdvisorMessage:
    parsed: AdvisorMessage = _parse(_advisor_adapter, raw)
    return parsed
