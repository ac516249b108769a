"""Who may do what: every REST operation and every client message type, for each of
seven people, against a real server. The expected answer of each cell is written down
once, in the tables below; a route or message type without a row fails the test.

The people:
- ``anonymous``: no token of any kind (a made-up one where a token is required).
- ``customer_a``, ``customer_b``: holders of the links of their own appointment (join
  and manage tokens in the path) and, on the WebSocket, of their own visit. The REST
  rows target A's appointment: A uses A's link; B holds no link of A's and tries theirs
  of the other kind (a join token where a manage token belongs, and the reverse).
- ``advisor_x`` (topic baufinanzierung; A's appointment is theirs), ``advisor_y``
  (topic geldanlage, another advisor), ``admin`` (the demo's administrator, both topics),
  ``signed_out`` (a token of X's that was signed out).
Advisors also send their bearer token wherever a path token is asked for.
"""

from __future__ import annotations

import json
import pathlib
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute

from live_protocol.messages import AdvisorToServer, CustomerToServer
from tests.security.conftest import Customer, World
from tests.security.frames import message_types
from tests.security.peers import Peer

ROLES = ("anonymous", "customer_a", "customer_b", "advisor_x", "advisor_y", "admin",
         "signed_out")

# REST: operation → the status each role gets, in the order of ROLES.
REST: dict[str, tuple[int, ...]] = {
    #                                             anon  cu_A  cu_B  adv_X adv_Y admin out
    "GET /openapi.json":                          (200,  200,  200,  200,  200,  200,  200),
    "GET /healthz":                               (200,  200,  200,  200,  200,  200,  200),
    # Loopback without VB_METRICS_TOKEN: the test's client is local, as a scraper is.
    "GET /metrics":                               (200,  200,  200,  200,  200,  200,  200),
    "GET /":                                      (307,  307,  307,  307,  307,  307,  307),
    "GET /book":                                  (200,  200,  200,  200,  200,  200,  200),
    # The pages are the same static HTML for any token; their scripts ask the API.
    "GET /join/{token}":                          (200,  200,  200,  200,  200,  200,  200),
    "GET /manage/{token}":                        (200,  200,  200,  200,  200,  200,  200),
    "GET /legal/{document}":                      (200,  200,  200,  200,  200,  200,  200),
    "POST /api/v1/auth/sign-in":                  (200,  200,  200,  200,  200,  200,  200),
    "POST /api/v1/auth/sign-out":                 (401,  401,  401,  204,  204,  204,  401),
    "GET /api/v1/auth/me":                        (401,  401,  401,  200,  200,  200,  401),
    "GET /api/v1/public/config":                  (200,  200,  200,  200,  200,  200,  200),
    "GET /api/v1/public/topics":                  (200,  200,  200,  200,  200,  200,  200),
    "GET /api/v1/public/advisors":                (200,  200,  200,  200,  200,  200,  200),
    "GET /api/v1/public/slots":                   (200,  200,  200,  200,  200,  200,  200),
    "GET /api/v1/public/legal/{document}":        (200,  200,  200,  200,  200,  200,  200),
    "POST /api/v1/public/bookings":               (201,  201,  201,  201,  201,  201,  201),
    "GET /api/v1/public/join/{token}":            (404,  200,  404,  404,  404,  404,  404),
    "GET /api/v1/public/manage/{token}":          (404,  200,  404,  404,  404,  404,  404),
    "POST /api/v1/public/manage/{token}/cancel":  (404,  200,  404,  404,  404,  404,  404),
    "POST /api/v1/public/manage/{token}/reschedule":
                                                  (404,  200,  404,  404,  404,  404,  404),
    # ?advisor_id= X's: another advisor's list is refused, an administrator's is not.
    "GET /api/v1/appointments":                   (401,  401,  401,  200,  403,  200,  401),
    "POST /api/v1/appointments":                  (401,  401,  401,  201,  403,  201,  401),
    "GET /api/v1/appointments/{appointment_id}":  (401,  401,  401,  200,  403,  200,  401),
    "POST /api/v1/appointments/{appointment_id}/cancel":
                                                  (401,  401,  401,  200,  403,  200,  401),
    "POST /api/v1/appointments/{appointment_id}/reschedule":
                                                  (401,  401,  401,  200,  403,  200,  401),
    "GET /api/v1/advisors/me/availability":       (401,  401,  401,  200,  200,  200,  401),
    "PUT /api/v1/advisors/me/availability":       (401,  401,  401,  200,  200,  200,  401),
    "GET /api/v1/advisors":                       (401,  401,  401,  403,  403,  200,  401),
    "POST /api/v1/advisors":                      (401,  401,  401,  403,  403,  201,  401),
    "POST /api/v1/advisors/{advisor_id}/deactivate": (401, 401, 401,  403,  403,  200,  401),
    "GET /api/v1/topics":                         (401,  401,  401,  200,  200,  200,  401),
    "POST /api/v1/topics":                        (401,  401,  401,  403,  403,  201,  401),
    "GET /api/v1/messages":                       (401,  401,  401,  200,  200,  200,  401),
    # A message left by a walk-in of baufinanzierung: for X's topic, and the
    # administrator's (they advise on it too) — Y does not see it at all.
    "POST /api/v1/messages/{message_id}/handled": (401,  401,  401,  200,  404,  200,  401),
    "GET /api/v1/ice-servers":                    (401,  401,  401,  200,  200,  200,  401),
}

# WebSocket answers: "welcome", "pong", the type of the answer, "ok" (no answer, and the
# connection stays usable), "error:<code>" (refused, the connection stays) or
# "closed:<code>" (refused with that error code, then closed with 1008).
FIRST = "closed:hello_first"
NO_VISIT = "closed:not_found"
NO_AUTH = "closed:not_authenticated"
NOT_YOURS = "error:forbidden"
# The visit is waiting: the server answers "conflict" (not "wrong_step") here.
NOT_NOW = "error:conflict"

# /ws/customer: A and B are each a customer signed in and waiting (a fresh walk-in for
# every cell). Advisors present their bearer token as a visit token.
CUSTOMER_MESSAGES: dict[str, tuple[str, ...]] = {
    #                    anon       cu_A                cu_B                adv_X     adv_Y ...
    "hello":             (NO_VISIT, "welcome",          "welcome",          NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "sign_in":           (FIRST,    "error:wrong_step", "error:wrong_step", NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "leave_message":     (FIRST,    "message_received", "message_received", NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "choose_connection": (FIRST,    NOT_NOW,            NOT_NOW,            NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "give_up":           (FIRST,    "ended",            "ended",            NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "chat":              (FIRST,    NOT_NOW,            NOT_NOW,            NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "signal":            (FIRST,    "error:wrong_step", "error:wrong_step", NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "end":               (FIRST,    "ended",            "ended",            NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "rate":              (FIRST,    NOT_NOW,            NOT_NOW,            NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "line_check":        (FIRST,    "line_check_servers", "line_check_servers", NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "line_state":        (FIRST,    "error:wrong_step", "error:wrong_step", NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
    "ping":              (FIRST,    "pong",             "pong",             NO_VISIT, NO_VISIT, NO_VISIT, NO_VISIT),  # noqa: E501
}

# /ws/advisor, every message about A's visit (A's appointment is X's). In the order of
# the rows: A waits (accept), then A chose picture and sound (chat, signal, end).
# Customers present their visit token as a bearer token. Within a row X goes last.
ADVISOR_MESSAGES: dict[str, tuple[str, ...]] = {
    #         anon        cu_A        cu_B        adv_X           adv_Y      admin      out
    "hello":  (NO_AUTH, NO_AUTH, NO_AUTH, "welcome",      "welcome", "welcome", NO_AUTH),
    "ping":   (FIRST,      NO_AUTH, NO_AUTH, "pong",         "pong",    "pong",    NO_AUTH),
    "accept": (FIRST,      NO_AUTH, NO_AUTH, "accepted",     NOT_YOURS, NOT_YOURS, NO_AUTH),
    "chat":   (FIRST,      NO_AUTH, NO_AUTH, "chat_message", NOT_YOURS, NOT_YOURS, NO_AUTH),
    "signal": (FIRST,      NO_AUTH, NO_AUTH, "ok",           NOT_YOURS, NOT_YOURS, NO_AUTH),
    "end":    (FIRST,      NO_AUTH, NO_AUTH, "ended",        NOT_YOURS, NOT_YOURS, NO_AUTH),
}

# Answers that come unasked and say nothing about the message just sent.
BACKGROUND = {"queue_status", "waiting_room", "messages_unread", "session_started",
              "offered"}
ALL_DAY = {"slot_minutes": 30, "windows": [{"weekday": day, "start": "00:00", "end": "00:00"}
                                           for day in range(7)]}


def http_operations() -> set[str]:
    """"METHOD /path" of every HTTP route of the app, hidden ones included."""
    from server.api.app import create_app
    from server.core.config import load_settings

    app = create_app(load_settings(data_dir=pathlib.Path(tempfile.mkdtemp())))
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI with included routers
    except ImportError:  # older FastAPI: the routes are flat
        entries = [(r.path, getattr(r, "methods", None), r) for r in app.routes]
    else:
        entries = [(c.path, c.methods, c.route) for c in iter_route_contexts(app.router.routes)]
    from starlette.routing import Route

    return {f"{method} {path}" for path, methods, route in entries
            if isinstance(route, Route | APIRoute) and methods
            for method in methods if method != "HEAD"}


def test_every_route_and_message_type_has_a_row() -> None:
    assert set(REST) == http_operations()
    assert set(CUSTOMER_MESSAGES) == set(message_types(CustomerToServer))
    assert set(ADVISOR_MESSAGES) == set(message_types(AdvisorToServer))
    for table in (REST, CUSTOMER_MESSAGES, ADVISOR_MESSAGES):
        assert all(len(row) == len(ROLES) for row in table.values())


# The cast ------------------------------------------------------------------------------


@dataclass
class Cast:
    world: World
    tokens: dict[str, str]  # bearer tokens of advisor_x, advisor_y, admin, signed_out
    a: Customer
    b: Customer
    message_id: int

    def bearer(self, role: str) -> dict[str, str]:
        return self.world.headers(self.tokens.get(role))


@pytest.fixture(scope="module")
def cast(world: World) -> Cast:
    x = world.add_advisor("xaver", "baufinanzierung")
    y = world.add_advisor("yvonne", "geldanlage")
    response = world.http.put("/api/v1/advisors/me/availability", json=ALL_DAY,
                              headers=world.headers(x))
    assert response.status_code == 200, response.text
    signed_out = world.sign_in("xaver")
    assert world.http.post("/api/v1/auth/sign-out",
                           headers=world.headers(signed_out)).status_code == 204
    walk_in = Peer(world.ws_url, "customer")
    world.sign_in_customer(walk_in, topic_id=world.topic_ids["baufinanzierung"])
    walk_in.send(json.dumps({"type": "leave_message", "text": "Bitte rufen Sie mich an."}))
    message_id = walk_in.expect("message_received")["message_id"]
    walk_in.close()
    return Cast(world, {"advisor_x": x, "advisor_y": y, "admin": world.admin_token,
                        "signed_out": signed_out},
                world.book(x), world.book(y, "geldanlage"), message_id)


# REST cells ------------------------------------------------------------------------------

Request = tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]  # method, path, query, body


def _unknown_token() -> str:
    return secrets.token_urlsafe(24)


def _link_token(cast: Cast, role: str, purpose: str, owner: Customer | None = None) -> str:
    owner = owner or cast.a
    if role == "customer_a":
        return owner.join_token if purpose == "join" else owner.manage_token
    if role == "customer_b":
        return cast.b.manage_token if purpose == "join" else cast.b.join_token
    return cast.tokens.get(role) or _unknown_token()


def _free_slot(cast: Cast, advisor: str = "xaver") -> str:
    world = cast.world
    response = world.http.get("/api/v1/public/slots", params={
        "topic_id": world.topic_ids["baufinanzierung"],
        "advisor_id": world.advisor_ids.get(advisor) or None, "days": 7})
    assert response.status_code == 200, response.text
    return str(response.json()["slots"][-1]["starts_at"])


def _later(cast: Cast) -> str:
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC) + timedelta(days=40, minutes=30 * cast.world.next_number())
    return start.replace(second=0, microsecond=0).isoformat()


def _customer_fields() -> dict[str, str]:
    return {"name": "Kundin Matrix", "email": "matrix@example.com", "phone": "030 1234567"}


def _request(cast: Cast, operation: str, role: str) -> Request:
    """The request ``role`` makes for ``operation``, with fresh data where the
    operation changes something."""
    world = cast.world
    method, path = operation.split(" ", 1)
    query: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    if "{token}" in path:
        purpose = "join" if "/join/" in path else "manage"
        # A's cancel and reschedule each work on an appointment of their own.
        owner = world.book(cast.tokens["advisor_x"]) if method == "POST" else cast.a
        path = path.replace("{token}", _link_token(cast, role, purpose, owner))
        if path.endswith("/reschedule"):
            body = {"starts_at": _free_slot(cast)}
    elif "{appointment_id}" in path:
        appointment = world.book(cast.tokens["advisor_x"]) if method == "POST" else cast.a
        path = path.replace("{appointment_id}", str(appointment.appointment_id))
        if path.endswith("/reschedule"):
            body = {"starts_at": _later(cast)}
    elif "{advisor_id}" in path:
        # Each deactivation ends an advisor of its own, made for it.
        number = world.next_number()
        made = world.http.post("/api/v1/advisors", headers=cast.bearer("admin"), json={
            "username": f"weg{number}", "password": "another password",
            "display_name": "Weg", "email": f"weg{number}@example.com"})
        assert made.status_code == 201, made.text
        path = path.replace("{advisor_id}", str(made.json()["id"]))
    path = path.replace("{document}", "privacy").replace("{message_id}", str(cast.message_id))
    number = world.next_number()
    match operation:
        case "POST /api/v1/auth/sign-in":
            body = {"username": "xaver", "password": "fuzzing-password-1"}
        case "GET /api/v1/public/slots":
            query = {"topic_id": world.topic_ids["baufinanzierung"]}
        case "POST /api/v1/public/bookings":
            privacy = world.http.get("/api/v1/public/legal/privacy").json()["sha256"]
            body = {**_customer_fields(), "topic_id": world.topic_ids["baufinanzierung"],
                    "advisor_id": world.advisor_ids["xaver"],
                    "starts_at": _free_slot(cast), "privacy_sha256": privacy}
        case "GET /api/v1/appointments":
            query = {"advisor_id": world.advisor_ids["xaver"]}
        case "POST /api/v1/appointments":
            body = {**_customer_fields(), "advisor_id": world.advisor_ids["xaver"],
                    "topic_id": world.topic_ids["baufinanzierung"], "starts_at": _later(cast)}
        case "PUT /api/v1/advisors/me/availability":
            body = ALL_DAY
        case "POST /api/v1/advisors":
            body = {"username": f"neu{number}", "password": "another password",
                    "display_name": "Neu", "email": f"neu{number}@example.com"}
        case "POST /api/v1/topics":
            body = {"slug": f"thema-{number}", "name_de": "Thema", "name_en": "Topic"}
        case "POST /api/v1/messages/{message_id}/handled":
            body = {"handled": True}
    return method, path, query, body


def _headers(cast: Cast, operation: str, role: str) -> dict[str, str]:
    if operation == "POST /api/v1/auth/sign-out" and role in ("advisor_x", "advisor_y",
                                                              "admin"):
        # Signing out must not end the session the other rows use.
        username = {"advisor_x": "xaver", "advisor_y": "yvonne"}.get(role)
        if username is None:
            credentials = cast.world.server.advisor_credentials
            return cast.world.headers(cast.world.sign_in(credentials["username"],
                                                         credentials["password"]))
        return cast.world.headers(cast.world.sign_in(username))
    return cast.bearer(role)


def test_rest_answers_match_the_table(cast: Cast) -> None:
    http = cast.world.http
    differences = []
    for operation, expected in REST.items():
        for role, status in zip(ROLES, expected, strict=True):
            method, path, query, body = _request(cast, operation, role)
            response = http.request(method, path, params=query, json=body,
                                    headers=_headers(cast, operation, role))
            if response.status_code != status:
                differences.append(f"{operation} as {role}: {response.status_code} "
                                   f"(table: {status}) {response.text[:200]}")
    assert not differences, "\n".join(differences)
    assert not cast.world.server_log_problems()


# WebSocket cells --------------------------------------------------------------------------


def _answer(peer: Peer, kind: str) -> str:
    """What the server made of the last message: see the tables' legend."""
    outcome = peer.ping_or_close_code(pongs_before=1 if kind == "ping" else 0)
    answers = [m for m in peer.received if m["type"] not in BACKGROUND]
    if outcome != "pong":
        errors = [m for m in answers if m["type"] == "error"]
        assert outcome == 1008, (outcome, answers)
        return f"closed:{errors[0]['code']}" if errors else f"closed:{outcome}"
    first = answers[0]
    if first["type"] == "pong":
        return "pong" if kind == "ping" else "ok"
    if first["type"] == "error":
        return f"error:{first['code']}"
    return str(first["type"])


def _customer_message(kind: str, consent: dict[str, str]) -> dict[str, Any]:
    return {
        "hello": {"type": "hello", "protocol": 1},
        "sign_in": {"type": "sign_in", "name": "Erika", "phone": "030 1234567",
                    "consent": consent},
        "leave_message": {"type": "leave_message", "text": "Rufen Sie mich an"},
        "choose_connection": {"type": "choose_connection", "mode": "text"},
        "give_up": {"type": "give_up"},
        "chat": {"type": "chat", "text": "Hallo", "client_id": "c1"},
        "signal": {"type": "signal", "candidate": {"candidate": ""}},
        "end": {"type": "end"},
        "rate": {"type": "rate", "stars": 5},
        "line_check": {"type": "line_check"},
        "line_state": {"type": "line_state", "weak": True},
        "ping": {"type": "ping"},
    }[kind]


def _customer_cell(cast: Cast, kind: str, role: str, consent: dict[str, str]) -> str:
    world = cast.world
    if role in ("customer_a", "customer_b"):
        first = Peer(world.ws_url, "customer")
        topic = "baufinanzierung" if role == "customer_a" else "geldanlage"
        visit_token = world.sign_in_customer(first, topic_id=world.topic_ids[topic]
                                             )["visit_token"]
        first.close()
    else:
        visit_token = cast.tokens.get(role) or _unknown_token()
    peer = Peer(world.ws_url, "customer")
    try:
        hello = {"type": "hello", "protocol": 1, "visit_token": visit_token}
        if role != "anonymous" or kind == "hello":
            peer.send(json.dumps(hello))
            if kind == "hello" or peer.close_code is not None:
                return _answer(peer, kind)
            greeting = _greeting(peer)
            if greeting is None or greeting["type"] != "welcome":
                return _answer_from(peer, greeting, kind)
            peer.received.clear()
        peer.send(json.dumps(_customer_message(kind, consent)))
        return _answer(peer, kind)
    finally:
        peer.close()


def _greeting(peer: Peer) -> dict[str, Any] | None:
    """The answer to hello, past what comes unasked."""
    while (message := peer.next_message(timeout=10)) is not None:
        if message["type"] not in BACKGROUND:
            return message
    return None


def _answer_from(peer: Peer, greeting: dict[str, Any] | None, kind: str) -> str:
    if greeting is not None and greeting["type"] == "error":
        assert peer.wait_closed() == 1008
        return f"closed:{greeting['code']}"
    return _answer(peer, kind)


def test_customer_socket_answers_match_the_table(cast: Cast) -> None:
    consent = cast.world.consent()
    differences = []
    for kind, expected in CUSTOMER_MESSAGES.items():
        for role, answer in zip(ROLES, expected, strict=True):
            got = _customer_cell(cast, kind, role, consent)
            if got != answer:
                differences.append(f"{kind} as {role}: {got} (table: {answer})")
    assert not differences, "\n".join(differences)
    assert not cast.world.server_log_problems()


@pytest.fixture(scope="module")
def waiting_a(cast: Cast) -> Iterator[tuple[Peer, int]]:
    """Customer A, in the room of their appointment with X (which starts now)."""
    world = cast.world
    appointment = world.book_now(cast.tokens["advisor_x"], "baufinanzierung")
    peer = Peer(world.ws_url, "customer")
    signed_in = world.sign_in_customer(peer, join_token=appointment.join_token)
    yield peer, int(signed_in["visit"]["id"])
    peer.close()


def _advisor_cell(cast: Cast, kind: str, role: str, visit_id: int,
                  visit_token: str) -> str:
    token = {"customer_a": visit_token, "customer_b": visit_token}.get(role) or (
        cast.tokens.get(role) or _unknown_token())
    messages: dict[str, dict[str, Any]] = {
        "hello": {"type": "hello", "protocol": 1, "token": token},
        "ping": {"type": "ping"},
        "accept": {"type": "accept", "visit_id": visit_id},
        "chat": {"type": "chat", "visit_id": visit_id, "text": "Guten Tag", "client_id": "a1"},
        "signal": {"type": "signal", "visit_id": visit_id,
                   "candidate": {"candidate": "", "sdpMid": "0", "sdpMLineIndex": 0}},
        "end": {"type": "end", "visit_id": visit_id},
    }
    peer = Peer(cast.world.ws_url, "advisor")
    try:
        if role != "anonymous" or kind == "hello":
            peer.send(json.dumps(messages["hello"]))
            if kind == "hello":
                return _answer(peer, kind)
            greeting = _greeting(peer)
            if greeting is None or greeting["type"] != "welcome":
                return _answer_from(peer, greeting, kind)
            peer.received.clear()
        peer.send(json.dumps(messages[kind]))
        return _answer(peer, kind)
    finally:
        peer.close()


def test_advisor_socket_answers_match_the_table(cast: Cast,
                                                waiting_a: tuple[Peer, int]) -> None:
    a_peer, visit_id = waiting_a
    b_peer = Peer(cast.world.ws_url, "customer")
    b_token = cast.world.sign_in_customer(b_peer, join_token=cast.world.book_now(
        cast.tokens["advisor_y"], "geldanlage").join_token)["visit_token"]
    order = [role for role in ROLES if role != "advisor_x"] + ["advisor_x"]
    differences = []
    for kind, expected in ADVISOR_MESSAGES.items():
        if kind == "chat":  # X accepted: A chooses picture and sound
            a_peer.send(json.dumps({"type": "choose_connection", "mode": "video"}))
            a_peer.expect("session_started")
        answers = dict(zip(ROLES, expected, strict=True))
        for role in order:
            got = _advisor_cell(cast, kind, role, visit_id, b_token)
            if got != answers[role]:
                differences.append(f"{kind} as {role}: {got} (table: {answers[role]})")
    b_peer.close()
    assert not differences, "\n".join(differences)
    # What reached A: X's one chat line and X's end, nothing of Y's or the admin's tries.
    a_peer.ping_or_close_code()
    reached = [m for m in a_peer.received if m["type"] in ("chat_message", "ended", "signal")]
    assert [m["type"] for m in reached] == ["chat_message", "signal", "ended"], reached
    assert reached[0]["line"]["sender"] == "advisor" and reached[2]["by"] == "advisor"
    assert not cast.world.server_log_problems()


