"""The join page handles every message the server may send a customer.

The page runs in Chromium against the real server's pages and REST; its WebSocket is
answered by a scripted server that speaks only through the protocol models, so each
server → customer type can be sent at the moment it belongs and its effect looked at.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Page, WebSocketRoute, expect

from live_protocol import messages as m
from live_protocol.codec import encode
from live_protocol.document import server_to_customer_types
from live_protocol.states import ConnectionMode, Party, VisitState
from live_protocol.views import ChatLine, IceServer, VisitView
from tests.web.conftest import BrowserProblems
from tests.web.flow import (
    PEERS,
    chat_line,
    choose,
    open_join_page,
    pass_system_check,
    send_chat,
    sign_in,
)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
VISIT = VisitView(
    id=41, state=VisitState.WAITING, customer_name="Erika Mustermann",
    customer_phone="+49 30 1234567", language="de", appointment_id=None,
    appointment_start=None, topic_id=1, advisor_id=None, advisor_name=None, mode=None,
    see_advisor=False, show_me=False, waiting_since=NOW, consent_at=NOW, disconnected=False)
# Nothing listens there: the page only has to hand it to its peer connection.
RELAY = IceServer(urls=["turn:127.0.0.1:9?transport=udp"], username="1:visit-41",
                  credential="c2VjcmV0")


class ScriptedServer:
    """Stands in for ``/ws/customer``: answers each client message as the server would,
    with protocol models only, and records what it sent and received."""

    def __init__(self, page: Page) -> None:
        self.sent: list[str] = []
        self.received: list[dict[str, Any]] = []
        self.socket: WebSocketRoute | None = None
        self.offer = threading.Event()
        self.offer_sdp = ""
        self.lines = 0
        page.route_web_socket(re.compile(r"/ws/customer$"), self._connect)

    def _connect(self, socket: WebSocketRoute) -> None:
        self.socket = socket
        socket.on_message(self._on_message)

    def send(self, message: m.ServerMessage) -> None:
        assert self.socket is not None
        self.sent.append(message.type)
        self.socket.send(encode(message))

    def _on_message(self, frame: str | bytes) -> None:
        message = json.loads(frame)
        self.received.append(message)
        match message["type"]:
            case "hello":
                self.send(m.CustomerWelcome(heartbeat_seconds=15, step="sign_in"))
            case "ping":
                self.send(m.Pong())
            case "sign_in":
                self.send(m.SignedIn(visit_token="v" * 32, visit=VISIT))
                self.send(m.QueueStatus(advisor_status="busy", place=2,
                                        estimated_wait_seconds=600))
            case "choose_connection":
                video = message["mode"] == "video"
                if video:
                    self.send(m.MediaConfig(ice_servers=[RELAY]))
                self.send(m.SessionStarted(visit=VISIT.model_copy(update={
                    "state": VisitState.ACTIVE, "advisor_id": 7, "advisor_name": "Anna Berater",
                    "mode": ConnectionMode(message["mode"]),
                    "see_advisor": video and message["see_advisor"],
                    "show_me": video and message["show_me"]})))
            case "signal" if message.get("description", {}).get("type") == "offer":
                self.offer_sdp = message["description"]["sdp"]
                self.offer.set()
            case "chat":
                self.lines += 1
                self.send(m.ChatPosted(line=ChatLine(
                    id=self.lines, visit_id=VISIT.id, sender=Party.CUSTOMER,
                    text=message["text"], client_id=message["client_id"], sent_at=NOW)))
            case "leave_message":
                self.send(m.MessageReceived(message_id=5))
            case "end":
                self.send(m.Ended(visit_id=VISIT.id, by=Party.CUSTOMER))
            case "rate":
                self.send(m.Rated(stars=message["stars"]))
            case "line_check":
                # No TURN server here: the system check falls back to its own probes.
                self.send(m.LineCheckServers(ice_servers=[]))


def wait_until(page: Page, condition: Any, what: str, timeout: float = 15) -> None:
    """Wait while Playwright keeps dispatching (the scripted server's handlers run only
    then, on this thread)."""
    for _ in range(int(timeout * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"not in time: {what}")


def answer_in_page(page: Page, offer_sdp: str) -> str:
    """An answer to the page's offer from a second peer in the same page (a stand-in
    for the console's engine, which the scripted server does not have)."""
    return str(page.evaluate("""async (sdp) => {
        const answerer = new RTCPeerConnection();
        await answerer.setRemoteDescription({type: "offer", sdp});
        const answer = await answerer.createAnswer();
        await answerer.setLocalDescription(answer);
        window.__answerer = answerer;
        return answer.sdp;
    }""", offer_sdp))


def test_the_page_handles_every_message_the_server_sends_a_customer(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    server = ScriptedServer(page)
    open_join_page(page, live_server, PEERS)
    pass_system_check(page)  # welcome and pong: the server check turned green
    sign_in(page)  # signed_in
    expect(page.locator("#waiting-status")).to_have_text(  # queue_status
        "Ihr Berater ist noch im Gespräch mit einem anderen Kunden.")

    # A refused message shows where it belongs.
    page.get_by_role("button", name="Nachricht schreiben").click()
    server.send(m.ErrorMessage(code=m.ErrorCode.INVALID, message="text: too long",
                               in_reply_to="leave_message"))
    expect(page.locator("#message-text-error")).not_to_be_empty()

    server.send(m.Offered(visit=VISIT.model_copy(update={
        "state": VisitState.OFFERED, "advisor_id": 7, "advisor_name": "Anna Berater"})))
    expect(page.get_by_role("heading", name="Anna Berater ist jetzt für Sie da")).to_be_visible()
    choose(page, video=True, see_advisor=True, show_me=True)  # session_started

    wait_until(page, server.offer.is_set, "the page offers picture and sound")
    # media_config: the call uses the servers sent with it (welcome carried none).
    assert page.evaluate("""() => window.__peers.map((peer) => peer.getConfiguration())
        .filter((c) => c.iceServers.length).map((c) => c.iceServers[0].urls)""") == [
        RELAY.urls]
    answer = answer_in_page(page, server.offer_sdp)
    server.send(m.RelayedSignal(visit_id=VISIT.id, sender=Party.ADVISOR,
                                description=m.SessionDescription(type="answer", sdp=answer)))
    page.wait_for_function("""() => window.__peers.some(
        (peer) => peer !== window.__answerer && peer.remoteDescription?.type === "answer")""")
    server.send(m.RelayedSignal(visit_id=VISIT.id, sender=Party.ADVISOR,
                                candidate=m.IceCandidate(candidate="", sdpMid="0")))

    send_chat(page, "Guten Tag")
    expect(chat_line(page, "Guten Tag")).to_have_class(re.compile("chat__line--customer"))
    server.send(m.ChatPosted(line=ChatLine(id=99, visit_id=VISIT.id, sender=Party.ADVISOR,
                                           text="Willkommen", client_id="a1", sent_at=NOW)))
    expect(chat_line(page, "Willkommen")).to_have_class(re.compile("chat__line--advisor"))

    server.send(m.Ended(visit_id=VISIT.id, by=Party.ADVISOR))
    expect(page.locator("#ended-text")).to_contain_text("Ihr Berater hat die Beratung beendet")
    page.locator(".rating__star").nth(4).click()
    page.get_by_role("button", name="Bewertung senden").click()
    expect(page.locator("#rating-thanks")).to_have_text(  # rated
        "Danke für Ihre Bewertung (5 von 5 Sternen).")

    # message_received: another customer (another browser) leaves a message instead.
    assert page.context.browser is not None
    other = page.context.browser.new_context(locale="de-DE").new_page()
    writer = ScriptedServer(other)
    open_join_page(other, live_server)
    pass_system_check(other)
    sign_in(other, name="Max Muster")
    other.get_by_role("button", name="Nachricht schreiben").click()
    other.get_by_label("Ihre Nachricht an den Berater").fill("Bitte rufen Sie mich an.")
    other.get_by_role("button", name="Nachricht senden").click()
    expect(other.get_by_role("heading", name="Vielen Dank für Ihre Nachricht")).to_be_visible()

    other.context.close()
    assert set(server.sent) | set(writer.sent) == set(server_to_customer_types())
    problems.assert_none()
