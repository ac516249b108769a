"""Calls that hold on real networks: the customer's Chromium in a network namespace
behind a router namespace (tests/fixtures/netsim/), our server and the console's engine
where the operator has them. After an outage or a change of the customer's address,
picture and sound come back by themselves on both sides within 5 s, both sides show that
they are reconnecting meanwhile, and every chat line written meanwhile arrives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from advisor_app.media.flow import MediaFlow
from tests.deploy.conftest import NetworkSite
from tests.fixtures.netsim import GOOD, MOBILE, STRICT_FIREWALL, Profile
from tests.web.conftest import BrowserProblems
from tests.web.flow import (
    PEERS,
    Advisor,
    chat_line,
    choose,
    open_join_page,
    pass_system_check,
    remote_video_plays,
    send_chat,
    sign_in,
)

pytestmark = pytest.mark.browser

RECOVERY_SECONDS = 5.0
OUTAGE_SECONDS = 10.0
RECONNECTING = "Verbindung wird wiederhergestellt …"
CONNECTED = "Bild und Ton verbunden"

# What the customer's page has received so far on its newest peer connection.
RECEIVED = """
async () => {
  const peer = window.__peers.at(-1);
  const found = { peers: window.__peers.length, frames: 0, energy: 0 };
  (await peer.getStats()).forEach((entry) => {
    if (entry.type === "inbound-rtp" && entry.kind === "video") {
      found.frames += entry.framesDecoded ?? 0;
    }
    if (entry.type === "inbound-rtp" && entry.kind === "audio") {
      found.energy += entry.totalAudioEnergy ?? 0;
    }
  });
  const video = document.getElementById("remote-video");
  found.playing = video.videoWidth > 0 && !video.paused;
  return found;
}
"""


@dataclass
class Progress:
    """Both sides' received media at one moment."""

    page: dict[str, Any]
    video_frames: int
    audio_frames: int


def progress(page: Page, advisor: Advisor) -> Progress:
    peer = advisor.engine.peer
    received = peer.received if peer is not None else None
    return Progress(page=page.evaluate(RECEIVED),
                    video_frames=received.video_frames if received else -1,
                    audio_frames=received.audio_frames if received else -1)


def page_flows(before: Progress, after: Progress) -> bool:
    """The customer sees the advisor's picture move and hears sound (non-silent audio)."""
    a, b = before.page, after.page
    return (a["peers"] == b["peers"] and b["playing"] and b["frames"] > a["frames"]
            and b["energy"] > a["energy"])


def advisor_flows(before: Progress, after: Progress) -> bool:
    return (after.video_frames > before.video_frames >= 0
            and after.audio_frames > before.audio_frames >= 0)


def seconds_until_media_flows(page: Page, advisor: Advisor, since: float,
                              limit: float) -> tuple[float, float]:
    """Seconds after ``since`` (time.monotonic()) at which each side, customer and
    advisor, first received picture and sound again; fails after ``limit`` s."""
    customer_at = advisor_at = None
    previous = progress(page, advisor)
    while customer_at is None or advisor_at is None:
        time.sleep(0.2)
        current = progress(page, advisor)
        now = time.monotonic() - since
        if customer_at is None and page_flows(previous, current):
            customer_at = now
        if advisor_at is None and advisor_flows(previous, current):
            advisor_at = now
        previous = current
        assert now < limit, (f"picture and sound not back on both sides within {limit} s: "
                             f"customer {customer_at}, advisor {advisor_at}")
    return customer_at, advisor_at


def start_video_call(page: Page, site: NetworkSite, advisor: Advisor) -> None:
    open_join_page(page, site.site, PEERS, path=site.site.join_path)
    pass_system_check(page)
    sign_in(page)
    advisor.accept_next()
    choose(page, video=True, see_advisor=True, show_me=True)
    remote_video_plays(page)
    advisor.receives_picture_and_sound("the advisor decodes the customer's picture and sound")
    expect(page.locator("#call-state")).to_have_text(CONNECTED)
    advisor.engine_state_is(MediaFlow.FLOWING)


def both_show_reconnecting(page: Page, advisor: Advisor) -> None:
    expect(page.locator("#call-state")).to_have_text(RECONNECTING, timeout=5000)
    advisor.engine_state_is(MediaFlow.INTERRUPTED, timeout=5)


def chat_meanwhile(page: Page, advisor: Advisor, tag: str) -> list[str]:
    """Two lines from each side while the call is interrupted; returns all four."""
    lines = []
    for n in (1, 2):
        customer, consultant = f"{tag}: Kunde {n}", f"{tag}: Berater {n}"
        send_chat(page, customer)
        advisor.run(advisor.engine.say(consultant))
        lines += [customer, consultant]
    return lines


def every_line_arrived(page: Page, advisor: Advisor, lines: list[str]) -> None:
    for text in lines:
        expect(chat_line(page, text)).to_have_count(1, timeout=10_000)
        expect(chat_line(page, text)).not_to_contain_text("wird gesendet")
    advisor.wait_until(lambda: {line.text for line in advisor.engine.chat} >= set(lines),
                       "the console has every chat line")
    texts = [line.text for line in advisor.engine.chat]
    assert all(texts.count(text) == 1 for text in lines), texts


@pytest.mark.parametrize("profile", [GOOD, MOBILE], ids=lambda profile: profile.name)
def test_picture_and_sound_come_back_after_a_ten_second_outage(
    network_site: NetworkSite, network_advisor: Advisor, impaired_page: Page, profile: Profile,
) -> None:
    page, advisor, network = impaired_page, network_advisor, network_site.network
    problems = BrowserProblems(page)
    network.apply(profile)
    start_video_call(page, network_site, advisor)

    cut_at = network.cut()
    both_show_reconnecting(page, advisor)
    lines = chat_meanwhile(page, advisor, "Ausfall")
    time.sleep(max(0.0, cut_at + OUTAGE_SECONDS - time.monotonic()))
    restored_at = network.restore()

    customer, consultant = seconds_until_media_flows(page, advisor, restored_at,
                                                     RECOVERY_SECONDS)
    print(f"outage ({profile.name}): picture and sound back after {customer:.1f} s (customer), "
          f"{page.evaluate('window.__peers.length')} peer connections, "
          f"{consultant:.1f} s (advisor)")
    expect(page.locator("#call-state")).to_have_text(CONNECTED)
    advisor.engine_state_is(MediaFlow.FLOWING)
    every_line_arrived(page, advisor, lines)
    problems.assert_none(allow="WebSocket")


def test_picture_and_sound_come_back_after_the_customer_changes_network(
    network_site: NetworkSite, network_advisor: Advisor, impaired_page: Page,
) -> None:
    page, advisor, network = impaired_page, network_advisor, network_site.network
    problems = BrowserProblems(page)
    start_video_call(page, network_site, advisor)

    switched_at = time.monotonic()
    network.switch_customer_address()
    both_show_reconnecting(page, advisor)
    lines = chat_meanwhile(page, advisor, "Netzwechsel")

    customer, consultant = seconds_until_media_flows(page, advisor, switched_at,
                                                     RECOVERY_SECONDS)
    print(f"address change: picture and sound back after {customer:.1f} s (customer), "
          f"{consultant:.1f} s (advisor)")
    expect(page.locator("#call-state")).to_have_text(CONNECTED)
    advisor.engine_state_is(MediaFlow.FLOWING)
    every_line_arrived(page, advisor, lines)
    problems.assert_none(allow="WebSocket")


# The candidate pair the browser's newest peer connection uses.
SELECTED_PAIR = """
async () => {
  const report = await window.__peers.at(-1).getStats();
  for (const stats of report.values()) {
    if (stats.type === "transport" && stats.selectedCandidatePairId) {
      const pair = report.get(stats.selectedCandidatePairId);
      const local = report.get(pair.localCandidateId);
      return { state: pair.state, type: local.candidateType, relay: local.relayProtocol,
               url: local.url ?? null };
    }
  }
  return null;
}
"""


def test_behind_a_strict_firewall_the_call_goes_through_turn_over_tls_on_443(
    network_turn_site: NetworkSite, network_turn_advisor: Advisor, impaired_page: Page,
) -> None:
    """No UDP, TCP only to 80 and 443: the call connects through coturn's TLS port, and
    after an outage it comes back the same way."""
    page, advisor, network = impaired_page, network_turn_advisor, network_turn_site.network
    problems = BrowserProblems(page)
    network.apply(STRICT_FIREWALL)
    start_video_call(page, network_turn_site, advisor)
    through_turn_over_tls(page)

    cut_at = network.cut()
    both_show_reconnecting(page, advisor)
    lines = chat_meanwhile(page, advisor, "Firewall")
    time.sleep(max(0.0, cut_at + 3 - time.monotonic()))
    restored_at = network.restore()
    customer, consultant = seconds_until_media_flows(page, advisor, restored_at,
                                                     RECOVERY_SECONDS)
    print(f"strict firewall, outage: picture and sound back after {customer:.1f} s "
          f"(customer), {consultant:.1f} s (advisor)")
    through_turn_over_tls(page)
    every_line_arrived(page, advisor, lines)
    problems.assert_none(allow="WebSocket")


def through_turn_over_tls(page: Page) -> None:
    # Media may flow a moment before the stats call the selected pair "succeeded".
    pair = page.evaluate(SELECTED_PAIR)
    deadline = time.monotonic() + 5
    while (pair is None or pair["state"] != "succeeded") and time.monotonic() < deadline:
        time.sleep(0.1)
        pair = page.evaluate(SELECTED_PAIR)
    assert pair is not None and (pair["state"], pair["type"]) == ("succeeded", "relay"), pair
    assert pair["relay"] == "tls" and pair["url"].startswith("turns:"), pair
    assert pair["url"].split("?")[0].endswith(":443"), pair


def test_the_console_warns_when_the_customers_picture_freezes(
    network_site: NetworkSite, network_advisor: Advisor, impaired_page: Page,
) -> None:
    """The customer's camera stops sending (its track taken off the connection) while
    their sound carries on: the console calls the picture frozen, and fine again once
    pictures arrive."""
    page, advisor = impaired_page, network_advisor
    start_video_call(page, network_site, advisor)
    page.evaluate("""() => {
      const sender = window.__peers.at(-1).getSenders().find((s) => s.track?.kind === "video");
      window.__camera = sender.track;
      return sender.replaceTrack(null);
    }""")
    advisor.engine_state_is(MediaFlow.FROZEN, timeout=5)
    page.evaluate("""() => window.__peers.at(-1).getSenders()
      .find((s) => s.track === null).replaceTrack(window.__camera)""")
    advisor.engine_state_is(MediaFlow.FLOWING, timeout=5)
