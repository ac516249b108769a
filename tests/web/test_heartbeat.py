"""The server names the heartbeat in ``welcome``, and the page and the console keep to
it: with a 3 s heartbeat (a connection silent for 9 s is closed) both stay connected."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from advisor_app.net.live import Disconnected
from tests.web.conftest import BrowserProblems
from tests.web.flow import Advisor, open_join_page, pass_system_check, sign_in

HEARTBEAT = 3


@pytest.mark.server_env(VB_HEARTBEAT_SECONDS=str(HEARTBEAT))
def test_page_and_console_keep_the_servers_heartbeat(
    live_server: Any, page: Page, problems: BrowserProblems
) -> None:
    advisor = Advisor(live_server)
    try:
        assert advisor.engine.connection is not None
        assert advisor.engine.connection.heartbeat_seconds == HEARTBEAT
        open_join_page(page, live_server)
        pass_system_check(page)
        sign_in(page)
        marks = advisor.engine.event_count

        # Longer than two silent windows of three heartbeats each.
        page.wait_for_timeout(20_000)

        assert page.evaluate("window.__sockets.length") == 1, "the page never reconnected"
        assert page.evaluate("window.__sockets[0].readyState === WebSocket.OPEN")
        expect(page.locator("#reconnecting")).to_be_hidden()
        expect(page.locator('[data-step="waiting"]')).to_be_visible()
        since = list(advisor.engine.events)[-(advisor.engine.event_count - marks):]
        assert not any(isinstance(event, Disconnected) for event in since), (
            "the console never lost its connection")
        assert advisor.engine.connection.connected.is_set()
        problems.assert_none()
    finally:
        advisor.close()
