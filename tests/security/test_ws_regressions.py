"""Cases the generated frames found, kept as plain tests."""

from __future__ import annotations

import json

from tests.security.conftest import World
from tests.security.peers import Peer

OVERSIZED = '{"type": "ping", "pad": "' + "a" * 70_000 + '"}'  # over uvicorn's 64 KiB


def test_an_oversized_frame_after_resuming_closes_without_a_traceback(world: World) -> None:
    """The writer found the socket closed (1009) and the next read raised
    WebSocketDisconnected out of the endpoint: now the endpoint just ends."""
    first = Peer(world.ws_url, "customer")
    token = world.sign_in_customer(first, topic_id=world.topic_ids["geldanlage"]
                                   )["visit_token"]
    first.close()
    for _ in range(12):  # a race: the traceback came in about one of eight tries
        peer = Peer(world.ws_url, "customer")
        peer.send(json.dumps({"type": "hello", "protocol": 1, "visit_token": token}))
        peer.expect("welcome")
        peer.send('{"type": 5}')
        peer.send(OVERSIZED)
        assert peer.ping_or_close_code() == 1009
        peer.close()
    assert not world.server_log_problems()


def test_a_binary_frame_before_hello_is_refused_and_closed(world: World) -> None:
    """docs/protocol.md: before hello, anything else gets an error and the connection is
    closed (1008) — binary frames used to be answered and left open."""
    for endpoint in ("customer", "advisor"):
        peer = Peer(world.ws_url, endpoint)
        peer.send(b"\x00\xff binary")
        assert peer.expect("error")["code"] == "invalid_json"
        assert peer.next_message(timeout=3) is None, "still open"
        assert peer.close_code == 1008
        peer.close()


def test_a_binary_frame_after_hello_is_refused_and_the_connection_stays(world: World) -> None:
    peer = Peer(world.ws_url, "customer")
    peer.send(json.dumps({"type": "hello", "protocol": 1,
                          "topic_id": world.topic_ids["geldanlage"]}))
    peer.expect("welcome")
    peer.send(b"\x00\xff binary")
    assert peer.expect("error")["code"] == "invalid_json"
    assert peer.ping_or_close_code() == "pong"
    peer.close()


def test_an_advisor_who_accepts_gets_no_customer_only_message(world: World) -> None:
    """Accepting subscribed the advisor to the visit's channel before ``offered`` went
    out on it, so the console got a message that is not in ServerToAdvisor (Peer parses
    every frame strictly and fails on it)."""
    token = world.add_advisor(f"annahme{world.next_number()}", "baufinanzierung")
    customer = Peer(world.ws_url, "customer")
    visit = world.sign_in_customer(customer, join_token=world.book_now(
        token, "baufinanzierung").join_token)["visit"]
    advisor = Peer(world.ws_url, "advisor")
    advisor.send(json.dumps({"type": "hello", "protocol": 1, "token": token}))
    advisor.expect("welcome")
    advisor.send(json.dumps({"type": "accept", "visit_id": visit["id"]}))
    advisor.expect("accepted")
    customer.expect("offered")
    assert advisor.ping_or_close_code() == "pong"
    assert "offered" not in [m["type"] for m in advisor.received]
    advisor.close()
    customer.close()
