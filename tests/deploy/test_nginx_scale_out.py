"""Scale-out for real: nginx from Debian's package, running the shipped site configuration
(HTTPS, WebSocket upgrade) in front of two server instances that share one PostgreSQL
and one Redis. A customer in Chromium and the headless advisor engine hold a video
consultation through it; then one instance crashes while customers wait, and they are
back in their places through the other one, with nothing lost."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.db.models import Visit
from server.db.session import Database
from server.live.visit_state import LIVE_STATES
from tests.deploy.conftest import ScaledSite, Site
from tests.fixtures.live import LiveClient
from tests.fixtures.nginx import UPSTREAM_HEADER
from tests.fixtures.waiting import eventually_blocking
from tests.web.conftest import BrowserProblems
from tests.web.flow import (
    Advisor,
    chat_line,
    check,
    choose,
    open_join_page,
    pass_system_check,
    remote_video_plays,
    send_chat,
    sign_in,
    walk_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

NEXT_IN_LINE = "Sie sind als Nächstes an der Reihe."


class SocketUpstreams:
    """The instance behind each WebSocket a page opens, from the handshake's (test-only)
    upstream header, seen through the DevTools protocol."""

    def __init__(self, page: Page) -> None:
        self.seen: list[str] = []
        session = page.context.new_cdp_session(page)
        session.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        session.send("Network.enable")

    def wait_for(self, page: Page, count: int) -> None:
        """Until ``count`` handshakes were seen (Playwright delivers the events only
        while it is called, so wait through the page)."""
        for _ in range(50):
            if len(self.seen) >= count:
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"{len(self.seen)} WebSocket handshake(s) seen, not {count}")

    def _handshake(self, event: dict[str, Any]) -> None:
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        self.seen.append(answered_by(headers.get(UPSTREAM_HEADER.lower(), "?")))


def answered_by(upstreams: str) -> str:
    """The instance that answered: nginx lists every upstream it tried ("dead, alive")."""
    return upstreams.split(",")[-1].strip()


def upstream_of(client: LiveClient) -> str:
    return answered_by(str(client.connection.response.headers[UPSTREAM_HEADER]))


async def place_of(client: LiveClient) -> int:
    """The customer's place: the newest queue_status so far (the server may send it just
    before the welcome of a resumed visit), else the next one."""
    statuses = [m for m in client.received if m["type"] == "queue_status"]
    status = statuses[-1] if statuses else await client.expect("queue_status")
    return int(status["place"])


async def live_visits(database_url: str) -> dict[str, tuple[str | None, bool]]:
    """Each live visit's customer: (the instance holding their connection, whether they
    count as disconnected), straight from the database."""
    db = Database(database_url)
    try:
        async with db.session() as session:
            rows = (await session.execute(
                select(Visit.customer_name, Visit.instance_id, Visit.disconnected_at)
                .where(Visit.state.in_(LIVE_STATES)))).all()
    finally:
        await db.dispose()
    return {name: (instance, gone is not None) for name, instance, gone in rows}


async def resume(site: Site, client: LiveClient) -> tuple[LiveClient, dict[str, Any]]:
    """Reconnect a dropped customer with their visit token, as the join page does."""
    token = next(m["visit_token"] for m in client.received if m["type"] == "signed_in")
    again = await LiveClient.connect(site.url.replace("https", "wss", 1) + "/ws/customer")
    await again.send(type="hello", protocol=1, visit_token=token)
    return again, await again.expect("welcome", step="visit")


def test_a_video_consultation_through_nginx_on_two_instances(
    scaled_site: ScaledSite, scaled_advisor: Advisor, customer_page: Page,
    problems: BrowserProblems,
) -> None:
    page, advisor, site = customer_page, scaled_advisor, scaled_site.site
    open_join_page(page, site, path=site.join_path)
    expect(check(page, "secure")).to_have_attribute("data-state", "ok")
    pass_system_check(page)
    sign_in(page)
    advisor.accept_next()
    choose(page, video=True, see_advisor=True, show_me=True)

    remote_video_plays(page)
    advisor.receives_picture_and_sound("the advisor decodes the customer's picture and sound")
    send_chat(page, "Über nginx und zwei Server")
    advisor.wait_for(lambda e: e.type == "chat_message"
                     and e.line.text == "Über nginx und zwei Server")
    advisor.run(advisor.engine.say("Kommt an."))
    expect(chat_line(page, "Kommt an.")).to_be_visible()
    advisor.run(advisor.engine.end())
    expect(page.get_by_role("heading", name="Vielen Dank für Ihr Gespräch")).to_be_visible()

    # Both instances served the visit; nginx as shipped: HTTPS only, HSTS, no metrics.
    nginx = scaled_site.nginx
    assert nginx.served_by() == {f"127.0.0.1:{i.port}" for i in scaled_site.instances}
    plain = httpx.get(f"{nginx.http_url}{site.join_path}")
    assert plain.status_code == 301
    assert plain.headers["location"] == f"https://127.0.0.1{site.join_path}"
    with httpx.Client(base_url=site.url,
                      verify=ssl.create_default_context(cafile=nginx.cert)) as https:
        health = https.get("/healthz")
        assert health.status_code == 200
        assert health.headers["strict-transport-security"] == "max-age=63072000"
        assert https.get("/metrics").status_code == 404
    problems.assert_none()


def test_waiting_customers_keep_their_places_when_an_instance_crashes(
    scaled_site: ScaledSite, scaled_advisor: Advisor, customer_page: Page,
    problems: BrowserProblems,
) -> None:
    page, advisor, site = customer_page, scaled_advisor, scaled_site.site
    upstreams = SocketUpstreams(page)
    clients: list[LiveClient] = []

    def walk_in_as(name: str) -> LiveClient:
        client = advisor.run(walk_in(site, name))
        clients.append(client)
        return client

    try:
        # The advisor is in a text conversation with a walk-in customer.
        talking = walk_in_as("Im Gespräch")
        advisor.accept_next()
        advisor.run(talking.expect("offered"))
        advisor.run(talking.send(type="choose_connection", mode="text"))
        advisor.run(talking.expect("session_started"))
        advisor.run(talking.send(type="chat", text="Vor dem Ausfall", client_id="c1"))
        advisor.wait_for(lambda e: e.type == "chat_message"
                         and e.line.text == "Vor dem Ausfall")
        advisor.run(advisor.engine.say("Auch vor dem Ausfall"))
        advisor.run(talking.expect("chat_message"))
        advisor.run(talking.expect("chat_message"))

        # The customer with the appointment waits in Chromium, two walk-ins behind her,
        # and one more customer leaves a message instead of waiting.
        open_join_page(page, site, path=site.join_path)
        pass_system_check(page)
        sign_in(page)
        expect(page.locator("#waiting-status")).to_have_text(
            "Ihr Berater ist noch im Gespräch mit einem anderen Kunden.")
        expect(page.locator("#waiting-place")).to_contain_text(NEXT_IN_LINE)
        queued = {name: walk_in_as(name) for name in ("Zweiter Kunde", "Dritter Kunde")}
        places = {name: advisor.run(place_of(client)) for name, client in queued.items()}
        assert places["Zweiter Kunde"] < places["Dritter Kunde"]
        leaving = walk_in_as("Nachricht")
        advisor.run(leaving.send(type="leave_message", text="Bitte rufen Sie mich zurück."))
        advisor.run(leaving.expect("message_received"))

        # The instance holding the Chromium customer's connection crashes.
        upstreams.wait_for(page, 1)
        assert len(upstreams.seen) == 1
        victim = scaled_site.instance_at(upstreams.seen[0])
        survivor = next(i for i in scaled_site.instances if i is not victim)
        dropped = {client for client in (talking, *queued.values())
                   if upstream_of(client) == upstreams.seen[0]}
        crashed_id = advisor.run(live_visits(scaled_site.database_url))["Erika Mustermann"][0]
        victim.kill()

        # The page reconnects by itself, through nginx to the other instance: same place.
        page.wait_for_function(
            "() => window.__sockets.length > 1 && window.__sockets.at(-1).readyState === 1",
            timeout=15_000)
        upstreams.wait_for(page, 2)
        assert upstreams.seen[-1] == f"127.0.0.1:{survivor.port}"
        expect(page.locator("#reconnecting")).to_be_hidden()
        expect(page.locator('[data-step="waiting"]')).to_be_visible()
        expect(page.locator("#waiting-place")).to_contain_text(NEXT_IN_LINE)

        # The WebSocket customers of the crashed instance come back with their visit
        # tokens; those of the other instance never noticed.
        for client in (talking, *queued.values()):
            if client in dropped:
                advisor.run(asyncio.wait_for(client.closed.wait(), 10))
            else:
                assert not client.closed.is_set()
        if talking in dropped:
            talking, welcome = advisor.run(resume(site, talking))
            clients.append(talking)
            assert [line["text"] for line in welcome["chat_history"]] == [
                "Vor dem Ausfall", "Auch vor dem Ausfall"]
        for name, client in queued.items():
            if client in dropped:
                client, _ = advisor.run(resume(site, client))
                clients.append(client)
            assert advisor.run(place_of(client)) == places[name]

        # Everyone is connected again, through the other instance, nobody counted as gone.
        visits = advisor.run(live_visits(scaled_site.database_url))
        assert sorted(visits) == ["Dritter Kunde", "Erika Mustermann", "Im Gespräch",
                                  "Zweiter Kunde"]
        assert all(instance not in (None, crashed_id) and not gone
                   for instance, gone in visits.values()), visits
        # The advisor sees them as before: in the same order, none gone.
        eventually_blocking(lambda: [(v.customer_name, v.disconnected)
                                     for v in advisor.engine.waiting]
                            == [("Erika Mustermann", False), ("Zweiter Kunde", False),
                                ("Dritter Kunde", False)], what="the advisor's waiting room")
        # Nothing written before the crash is lost, and the conversation goes on.
        messages = advisor.run(asyncio.to_thread(advisor.engine.rest.get, "/api/v1/messages"))
        assert [m["text"] for m in messages] == ["Bitte rufen Sie mich zurück."]
        advisor.run(talking.send(type="chat", text="Nach dem Ausfall", client_id="c2"))
        advisor.wait_for(lambda e: e.type == "chat_message"
                         and e.line.text == "Nach dem Ausfall")

        # Next: the customer in Chromium, whose page works on as before.
        advisor.run(advisor.engine.end())
        advisor.run(advisor.engine.accept(advisor.engine.waiting[0].id))
        choose(page, video=False)
        send_chat(page, "Da bin ich.")
        advisor.wait_for(lambda e: e.type == "chat_message"
                         and e.line.text == "Da bin ich.")
        problems.assert_none()
    finally:
        for client in clients:
            if not client.closed.is_set():
                advisor.run(client.close())
