"""Every message of the live protocol, both directions, as typed models.

Each frame is one JSON object; ``type`` says which message it is. The docstring of each
model is its line in docs/protocol.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from live_protocol.errors import ErrorCode
from live_protocol.states import ConnectionMode, Party
from live_protocol.views import (
    AdvisorAppointmentView,
    AdvisorIdentity,
    AppointmentView,
    ChatLine,
    IceServer,
    TopicView,
    VisitView,
)

PROTOCOL_VERSION = 1
HEARTBEAT_SECONDS = 15.0  # the default; the server names its own in ``welcome``
MAX_SDP_CHARS = 24_000

Token = Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]
# A UUID or similar: printable ASCII only (the database stores and compares it).
ClientId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
RecordId = Annotated[int, Field(ge=1, le=2_147_483_647)]
ChatText = Annotated[str, Field(min_length=1, max_length=4000)]
IceTransportPolicy = Literal["all", "relay"]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True,
                              validate_by_name=True, validate_by_alias=True)


# Payloads ---------------------------------------------------------------------------


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


# Either party → server --------------------------------------------------------------


class Ping(Message):
    """Every `heartbeat_seconds` (from `welcome`); answered with `pong`. A connection
    silent for three heartbeats is closed."""

    type: Literal["ping"]


# Customer → server ------------------------------------------------------------------


class CustomerHello(Message):
    """First message: exactly one of a join token (appointment), a visit token (resume
    after a reload or a drop) or a topic (walk-in)."""

    type: Literal["hello"]
    protocol: int
    join_token: Token | None = None
    visit_token: Token | None = None
    topic_id: RecordId | None = None


class SignIn(Message):
    """„Anmelden“: name, call-back phone and consent (the SHA-256 of each legal text as
    served by `GET /api/v1/public/legal/…`), after `welcome` with `step: sign_in`."""

    type: Literal["sign_in"]
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=1, max_length=40)
    language: Literal["de", "en"] = "de"
    consent: Consent


class LeaveMessage(Message):
    """While waiting: leave a message instead (optionally another call-back number)."""

    type: Literal["leave_message"]
    text: str = Field(min_length=1, max_length=4000)
    phone: str | None = Field(None, max_length=40)


class ChooseConnection(Message):
    """After `offered`: „Bild und Ton übertragen“ (`video`, with the two choices) or „nur
    Text übertragen“ (`text`) — „Gewählte Verbindung aufbauen“; later again to switch."""

    type: Literal["choose_connection"]
    mode: ConnectionMode
    see_advisor: bool = False
    show_me: bool = False


class GiveUp(Message):
    """The customer stops waiting."""

    type: Literal["give_up"]


class CustomerChat(Message):
    """A chat line during a session; a resend with the same `client_id` is stored once."""

    type: Literal["chat"]
    text: ChatText
    client_id: ClientId


class CustomerSignal(Message):
    """Video sessions: the browser's offer, or a trickled candidate."""

    type: Literal["signal"]
    description: SessionDescription | None = None
    candidate: IceCandidate | None = None


class End(Message):
    """End the session."""

    type: Literal["end"]


class Rate(Message):
    """After the end: 1 to 5 stars."""

    type: Literal["rate"]
    stars: int = Field(ge=1, le=5)


class LineCheck(Message):
    """The system check asks for TURN servers to measure the line through (after a
    `hello` with a join link or a visit token; walk-ins are refused)."""

    type: Literal["line_check"]


class LineState(Message):
    """Video sessions: the page found the customer's line too weak for picture (`weak`:
    it offers „Nur Ton übertragen“), or carrying it again; relayed as `customer_line`."""

    type: Literal["line_state"]
    weak: bool


CustomerToServer = Annotated[
    CustomerHello | SignIn | LeaveMessage | ChooseConnection | GiveUp | CustomerChat
    | CustomerSignal | End | Rate | LineCheck | LineState | Ping,
    Field(discriminator="type"),
]


# Advisor → server -------------------------------------------------------------------


class AdvisorHello(Message):
    """First message: the bearer token from `POST /api/v1/auth/sign-in`."""

    type: Literal["hello"]
    protocol: int
    token: str = Field(min_length=16, max_length=128)


class Accept(Message):
    """Take a waiting customer of theirs (own appointment, or a walk-in of their topics)."""

    type: Literal["accept"]
    visit_id: RecordId


class AdvisorChat(Message):
    """A chat line in their own session."""

    type: Literal["chat"]
    visit_id: RecordId
    text: ChatText
    client_id: ClientId


class AdvisorSignal(Message):
    """Their own video session: the answer, or a candidate."""

    type: Literal["signal"]
    visit_id: RecordId
    description: SessionDescription | None = None
    candidate: IceCandidate | None = None


class AdvisorEnd(Message):
    """End their own session."""

    type: Literal["end"]
    visit_id: RecordId


AdvisorToServer = Annotated[
    AdvisorHello | Accept | AdvisorChat | AdvisorSignal | AdvisorEnd | Ping,
    Field(discriminator="type"),
]


# Server → either party ----------------------------------------------------------------


class Pong(Message):
    """The answer to `ping`."""

    type: Literal["pong"] = "pong"


class ErrorMessage(Message):
    """A refused message. Before `hello` succeeded the connection is then closed (1008);
    after it, it stays usable."""

    type: Literal["error"] = "error"
    code: ErrorCode
    message: str
    in_reply_to: str | None = None


class SessionStarted(Message):
    """The customer chose the connection: `visit` with `mode`, `see_advisor`, `show_me`."""

    type: Literal["session_started"] = "session_started"
    visit: VisitView


class ChatPosted(Message):
    """A stored chat line (also the sender's own, as its confirmation), ordered by `id`."""

    type: Literal["chat_message"] = "chat_message"
    line: ChatLine


class RelayedSignal(Message):
    """The other party's description or candidate."""

    type: Literal["signal"] = "signal"
    visit_id: int
    sender: Party = Field(alias="from")
    description: SessionDescription | None = None
    candidate: IceCandidate | None = None


class Ended(Message):
    """The session or the waiting ended: `by` whom; `reason: abandoned` when the customer
    did not come back within the grace period."""

    type: Literal["ended"] = "ended"
    visit_id: int
    by: Party
    reason: Literal["abandoned"] | None = None


# Server → customer ----------------------------------------------------------------------


class CustomerWelcome(Message):
    """The answer to `hello`. `step: sign_in` with the `appointment` or `topic`; `step:
    visit` (resumed) with the `visit` and its `chat_history`."""

    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    heartbeat_seconds: float
    step: Literal["sign_in", "visit"]
    appointment: AppointmentView | None = None
    topic: TopicView | None = None
    visit: VisitView | None = None
    chat_history: list[ChatLine] = Field(default_factory=list)


class MediaConfig(Message):
    """The STUN/TURN servers for this visit's peer connection, with TURN credentials
    issued for it alone. Sent only once picture and sound start: just before
    `session_started` with `mode: video` (also a switch from text), and before the
    `welcome` that resumes an active video session."""

    type: Literal["media_config"] = "media_config"
    ice_servers: list[IceServer]
    ice_transport_policy: IceTransportPolicy = "all"


class LineCheckServers(Message):
    """The answer to `line_check`: only the TURN servers, with credentials that expire
    after two minutes. Empty when no TURN server is configured."""

    type: Literal["line_check_servers"] = "line_check_servers"
    ice_servers: list[IceServer]


class SignedIn(Message):
    """„Anmelden“ was stored: keep `visit_token` in the browser to resume."""

    type: Literal["signed_in"] = "signed_in"
    visit_token: str
    visit: VisitView


class QueueStatus(Message):
    """While waiting: whether the advisor is `free`, `busy` (with another customer) or
    `offline`, the `place` (1 = next) and the estimated wait."""

    type: Literal["queue_status"] = "queue_status"
    advisor_status: Literal["free", "busy", "offline"]
    place: int
    estimated_wait_seconds: int


class MessageReceived(Message):
    """The left message was stored."""

    type: Literal["message_received"] = "message_received"
    message_id: int


class Offered(Message):
    """The advisor accepted (`visit` with `advisor_name`): choose the connection."""

    type: Literal["offered"] = "offered"
    visit: VisitView


class Rated(Message):
    """The rating was stored."""

    type: Literal["rated"] = "rated"
    stars: int


ServerToCustomer = Annotated[
    CustomerWelcome | SignedIn | QueueStatus | MessageReceived | Offered | MediaConfig
    | LineCheckServers | SessionStarted | ChatPosted | RelayedSignal | Ended | Rated | Pong
    | ErrorMessage,
    Field(discriminator="type"),
]


# Server → advisor -----------------------------------------------------------------------


class AdvisorWelcome(Message):
    """The answer to `hello`: the advisor, their current `session` (or null) with its
    `chat_history`, the count of unhandled left messages, the ICE servers."""

    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    heartbeat_seconds: float
    advisor: AdvisorIdentity
    session: VisitView | None
    chat_history: list[ChatLine] = Field(default_factory=list)
    messages_unread: int
    ice_servers: list[IceServer] = Field(default_factory=list)
    ice_transport_policy: IceTransportPolicy = "all"


class WaitingRoom(Message):
    """Whenever it changes: the customers this advisor may accept, in serving order (own
    appointments first, then walk-ins of their topics, longest waiting first), their
    current `session`, and today's `appointments` with their live state."""

    type: Literal["waiting_room"] = "waiting_room"
    waiting: list[VisitView]
    session: VisitView | None
    appointments: list[AdvisorAppointmentView]


class Accepted(Message):
    """`accept` succeeded: the visit is theirs."""

    type: Literal["accepted"] = "accepted"
    visit: VisitView


class MessagesUnread(Message):
    """The number of messages left for them that nobody marked handled (read them over
    REST: `GET /api/v1/messages`)."""

    type: Literal["messages_unread"] = "messages_unread"
    count: int


class CustomerLine(Message):
    """The customer's line in the current video session is too weak for picture (`weak`:
    their page offers sound only, or is on sound only until it carries picture again), or
    no longer is."""

    type: Literal["customer_line"] = "customer_line"
    visit_id: int
    weak: bool


ServerToAdvisor = Annotated[
    AdvisorWelcome | WaitingRoom | Accepted | SessionStarted | ChatPosted | RelayedSignal
    | Ended | MessagesUnread | CustomerLine | Pong | ErrorMessage,
    Field(discriminator="type"),
]

ServerMessage = (
    CustomerWelcome | SignedIn | QueueStatus | MessageReceived | Offered | MediaConfig
    | LineCheckServers | Rated
    | AdvisorWelcome | WaitingRoom | Accepted | MessagesUnread | CustomerLine
    | SessionStarted | ChatPosted | RelayedSignal | Ended | Pong | ErrorMessage
)
