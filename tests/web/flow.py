"""Helpers shared by the browser tests that walk a customer through the join page with
the headless advisor engine on the other side (tests/web/test_join_flow.py, the
deployment tests in tests/deploy/, and Firefox in tests/web/test_firefox.py through
tests/web/bidi_page.py, which has the same shape as Playwright's page)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx
from playwright.sync_api import Page

from advisor_app.headless import HeadlessAdvisor
from live_protocol.views import VisitView
from tests.fixtures.live import LiveClient
from tests.fixtures.waiting import eventually_blocking
from tests.web.bidi_page import expect
from tests.web.test_join_page import join_path_from_log

T = TypeVar("T")

# Keeps every peer connection the page makes (window.__peers), for getStats() and its
# configuration.
PEERS = """
window.__peers = [];
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(...args) {
    super(...args);
    window.__peers.push(this);
  }
};
"""

# Records every getUserMedia call (its constraints in __gum, the streams it gave in
# __gumStreams) and every WebSocket, so tests can see which devices the page asked for
# and can cut the connection like a network drop would.
RECORDER = """
window.__gum = [];
window.__gumStreams = [];
window.__sockets = [];
if (navigator.mediaDevices) {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    window.__gum.push(constraints);
    return original(constraints).then((stream) => {
      window.__gumStreams.push(stream);
      return stream;
    });
  };
}
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    window.__sockets.push(this);
  }
};
"""


class Advisor:
    """The headless advisor engine on its own asyncio loop in a background thread
    (Playwright's sync API owns the test thread)."""

    def __init__(self, live_server: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        credentials = live_server.advisor_credentials

        async def create() -> HeadlessAdvisor:
            engine = HeadlessAdvisor(live_server.url, credentials["username"],
                                     credentials["password"])
            await engine.start()
            return engine

        self.engine = self.run(create())

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 20) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def accept_next(self) -> VisitView:
        waiting = self.run(self.engine.wait_for_customer())
        return self.run(self.engine.accept(waiting.id))

    def receives_picture_and_sound(self, what: str) -> None:
        """Wait until the engine has decoded the customer's video and hears their voice."""
        eventually_blocking(lambda: self.engine.peer is not None
                            and self.engine.peer.received.video_frames > 10
                            and self.engine.peer.received.audio_rms > 0.01, what=what)

    def engine_state_is(self, flow: Any, timeout: float = 15) -> None:
        """Wait until the engine judges the customer's media ``flow`` (a MediaFlow)."""
        self.wait_until(lambda: self.engine.media_flow == flow,
                        f"the console's media state is {flow}", timeout)

    def wait_until(self, condition: Callable[[], object], what: str,
                   timeout: float = 15) -> None:
        eventually_blocking(condition, what=what, timeout=timeout)

    def wait_for(self, condition: Callable[[Any], bool]) -> Any:
        return self.run(self.engine.wait_for(condition))

    def close(self) -> None:
        try:
            self.run(self.engine.close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
            self.loop.close()



def open_join_page(page: Page, live_server: Any, *scripts: str, path: str | None = None) -> None:
    """Open the join link (``path``, or the demo appointment's from the server log) and
    start the system check, with ``scripts`` run in the page before its own."""
    for script in (RECORDER, *scripts):
        page.add_init_script(script)
    page.goto(f"{live_server.url}{path or join_path_from_log(live_server)}")
    page.get_by_role("button", name="Chat starten").click()
    expect(page.get_by_role("heading", name="Technik-Check")).to_be_visible()


def check(page: Page, name: str) -> Any:
    return page.locator(f'[data-check="{name}"]')


def pass_system_check(page: Page) -> None:
    expect(check(page, "server")).to_have_attribute("data-state", "ok")
    next_button = page.get_by_role("button", name="Weiter", exact=True)
    expect(next_button).to_be_enabled()
    next_button.click()
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()


def sign_in(page: Page, name: str = "Erika Mustermann", phone: str = "030 1234567") -> None:
    page.get_by_label("Ihr Name").fill(name)
    page.get_by_label("Telefonnummer für Rückrufe").fill(phone)
    page.get_by_label("Ich habe die Sicherheits-, Rechts- und Datenschutzhinweise").check()
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator('[data-step="waiting"]')).to_be_visible()


def choose(page: Page, *, video: bool, see_advisor: bool = True, show_me: bool = True) -> None:
    expect(page.locator('[data-step="choice"]')).to_be_visible()
    if video:
        page.get_by_label("Bild und Ton übertragen").check()
        page.get_by_label("Ich möchte den Berater sehen").set_checked(see_advisor)
        page.get_by_label("Der Berater darf mich sehen").set_checked(show_me)
    else:
        page.get_by_label("nur Text übertragen").check()
    page.get_by_role("button", name="Gewählte Verbindung aufbauen").click()
    expect(page.locator('[data-step="session"]')).to_be_visible()


def send_chat(page: Page, text: str) -> None:
    page.get_by_label("Ihre Nachricht", exact=True).fill(text)
    page.get_by_role("button", name="Senden").click()


def chat_line(page: Page, text: str) -> Any:
    return page.locator(".chat__line", has_text=text)


def drop_connection(page: Page) -> None:
    """Cut the page's WebSocket as a network drop would."""
    page.evaluate("window.__sockets.at(-1).close()")


def remote_video_plays(page: Page) -> None:
    page.wait_for_function(
        "() => { const v = document.getElementById('remote-video'); return v.videoWidth > 0 "
        "&& v.currentTime > 0.3; }", timeout=15000)
    first = page.evaluate("document.getElementById('remote-video').currentTime")
    page.wait_for_timeout(600)
    assert page.evaluate("document.getElementById('remote-video').currentTime") > first


async def walk_in(live_server: Any, name: str = "Anderer Kunde") -> LiveClient:
    """A walk-in customer (the first topic) who signed in over the WebSocket, as the join
    page would; ``signed_in`` with the visit token is in ``client.received``."""
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        topics = (await http.get("/api/v1/public/topics")).json()
        consent = {f"{doc}_sha256": (await http.get(f"/api/v1/public/legal/{doc}")).json()[
            "sha256"] for doc in ("privacy", "terms", "security")}
    client = await LiveClient.connect(live_server.url.replace("http", "ws", 1) + "/ws/customer")
    await client.send(type="hello", protocol=1, topic_id=topics[0]["id"])
    await client.expect("welcome")
    await client.send(type="sign_in", name=name, phone="030 7654321", consent=consent)
    await client.expect("signed_in")
    return client
