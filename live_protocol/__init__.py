"""The live protocol between the server and its clients (the customer's browser, the
advisor console): every WebSocket message in both directions as a typed model, the
error codes, the version and the heartbeat, and the shapes (visit, chat line,
appointment) that REST shares with it.

No server, database or web framework imports: the console and the server both depend on
this package, never on each other. docs/protocol.md's message tables and the page's
``customer_web/join/protocol.js`` are generated from it (``scripts/protocol-docs``).
"""

from live_protocol.codec import (
    MAX_MESSAGE_BYTES,
    ProtocolError,
    parse_advisor_message,
    parse_customer_message,
    parse_server_to_advisor,
    parse_server_to_customer,
)
from live_protocol.errors import ErrorCode
from live_protocol.messages import HEARTBEAT_SECONDS, PROTOCOL_VERSION

__all__ = [
    "HEARTBEAT_SECONDS",
    "MAX_MESSAGE_BYTES",
    "PROTOCOL_VERSION",
    "ErrorCode",
    "ProtocolError",
    "parse_advisor_message",
    "parse_customer_message",
    "parse_server_to_advisor",
    "parse_server_to_customer",
]
