// Generated from live_protocol (scripts/protocol-docs); do not edit.
// The full JSON Schema of every message is protocol.schema.json beside this file.

export const PROTOCOL_VERSION = 1;
// Until the server names its own in welcome.heartbeat_seconds.
export const DEFAULT_HEARTBEAT_SECONDS = 15;
// Every message the server may send to the customer's page.
export const SERVER_TO_CUSTOMER = ["welcome", "signed_in", "queue_status", "message_received", "offered", "media_config", "line_check_servers", "session_started", "chat_message", "signal", "ended", "rated", "pong", "error"];
