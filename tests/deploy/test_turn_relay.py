"""TURN for real: coturn from Debian's package on loopback, the server configured with
VB_ICE_TRANSPORT_POLICY=relay, the customer in Chromium and the headless advisor engine
both forced through the relay with the time-limited credentials the server issued."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from server.core.config import ConfigError, load_settings
from tests.deploy.conftest import Site
from tests.fixtures.coturn import TurnServer
from tests.web.conftest import BrowserProblems
from tests.web.flow import (
    PEERS,
    Advisor,
    choose,
    open_join_page,
    pass_system_check,
    remote_video_plays,
    sign_in,
)

# The candidate pair the browser's call actually uses, with both candidates' types.
SELECTED_PAIR = """
async () => {
  const report = await window.__peers.at(-1).getStats();
  for (const stats of report.values()) {
    if (stats.type === "transport" && stats.selectedCandidatePairId) {
      const pair = report.get(stats.selectedCandidatePairId);
      return {
        state: pair.state,
        local: report.get(pair.localCandidateId).candidateType,
        remote: report.get(pair.remoteCandidateId).candidateType,
        bytesReceived: pair.bytesReceived,
        bytesSent: pair.bytesSent,
      };
    }
  }
  return null;
}
"""


def selected_pair(page: Page) -> dict[str, Any]:
    found: dict[str, Any] | None = page.evaluate(SELECTED_PAIR)
    assert found is not None, "the browser has no selected candidate pair"
    return found


def test_relay_without_a_turn_server_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="VB_ICE_TRANSPORT_POLICY: relay needs a TURN server"):
        load_settings(ice_transport_policy="relay")


@pytest.mark.browser
def test_picture_and_sound_flow_through_coturn_when_relay_is_required(
    relay_site: Site, turn_server: TurnServer, relay_advisor: Advisor,
    customer_page: Page, problems: BrowserProblems,
) -> None:
    page, advisor = customer_page, relay_advisor
    assert advisor.engine.ice_transport_policy == "relay"
    open_join_page(page, relay_site, PEERS, path=relay_site.join_path)
    pass_system_check(page)
    sign_in(page)
    visit = advisor.accept_next()
    choose(page, video=True, see_advisor=True, show_me=True)

    remote_video_plays(page)
    advisor.receives_picture_and_sound("the advisor decodes the customer's picture and sound")
    expect(page.locator("#call-state")).to_have_text("Bild und Ton verbunden")

    # The page did as the server said, and the console offered relay candidates only.
    assert page.evaluate(
        "window.__peers.at(-1).getConfiguration().iceTransportPolicy") == "relay"
    answer = page.evaluate("window.__peers.at(-1).remoteDescription.sdp")
    candidates = [line for line in answer.splitlines() if line.startswith("a=candidate:")]
    assert candidates and all(" typ relay " in line for line in candidates), candidates

    # The media path in use: from relay to relay, through coturn, and it carries the call.
    pair = selected_pair(page)
    assert (pair["state"], pair["local"], pair["remote"]) == ("succeeded", "relay", "relay")
    before = pair["bytesReceived"]
    page.wait_for_timeout(1000)
    assert selected_pair(page)["bytesReceived"] > before + 10_000

    # coturn accepted the credentials the server issued, for both peers, time-limited.
    # (The page keeps the credentials of its first welcome, issued before the sign-in.)
    # The system check's line test had credentials of its own: two minutes, named after
    # the appointment (tests/deploy/test_line_check.py).
    allocations = turn_server.allocations()
    checks = [user for user in allocations if user.split(":", 1)[1].startswith("check-")]
    users = [user for user in allocations if user not in checks]
    who = {user.split(":", 1)[1] for user in users}
    advisor_side, customer_side = {f"advisor-{visit.advisor_id}"}, {"customer",
                                                                        f"visit-{visit.id}"}
    assert who & advisor_side and who & customer_side, users
    assert who <= advisor_side | customer_side, users
    for user in users:
        lifetime = int(user.split(":", 1)[0]) - time.time()
        assert 5 * 3600 < lifetime <= 6 * 3600, user
    for user in checks:
        assert int(user.split(":", 1)[0]) - time.time() <= 120, user

    advisor.run(advisor.engine.end())
    expect(page.get_by_role("heading", name="Vielen Dank für Ihr Gespräch")).to_be_visible()
    problems.assert_none()
