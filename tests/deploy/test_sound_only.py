"""A video call whose line becomes too narrow for picture (tests/fixtures/netsim/, with our
coturn beside the server): the customer's page offers „Nur Ton übertragen“ and the
console is told at the same time; sound keeps arriving through the narrow line; once on
sound only the page measures the line now and then through the TURN server, stopping
each probe's load as soon as the line is full so that the call carries on; and when the
line carries picture again the customer's earlier choice comes back by itself, on both
sides. The rules behind it: tests/web/test_line_adaptation.py."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from live_protocol import messages as m
from tests.deploy.conftest import NetworkSite
from tests.deploy.test_network_recovery import start_video_call
from tests.fixtures.netsim import NARROW
from tests.fixtures.waiting import eventually_blocking
from tests.web.conftest import BrowserProblems
from tests.web.flow import Advisor, remote_video_plays
from tests.web.test_join_flow import screenshot

pytestmark = pytest.mark.browser

OFFER_WITHIN_MS = 45_000  # the estimate falls, then weak for 5 s
# The first probe 15 s after sound only (its relayed loopbacks open through the narrow
# line first); after it found the line full, the next 30 s later, then a new call.
PROBE_WITHIN_MS = 30_000
BACK_WITHIN_MS = 45_000

# The customer's calls: its peer connections with sound (the line probes have none).
CALLS = ("window.__peers.filter((peer) => peer.getTransceivers()"
         ".some((each) => each.receiver.track.kind === 'audio'))")
# The newest call: what it sends, and the sound's priority.
SENDERS = f"""
async () => {{
  const peer = {CALLS}.at(-1);
  const sending = peer.getSenders().filter((sender) => sender.track)
    .map((sender) => sender.track.kind);
  const audio = peer.getSenders().find((sender) => sender.track?.kind === "audio");
  const encoding = audio.getParameters().encodings[0];
  return {{ sending, priority: encoding.priority, networkPriority: encoding.networkPriority }};
}}
"""


def customer_line_reports(advisor: Advisor) -> list[bool]:
    return [event.weak for event in list(advisor.engine.events)
            if isinstance(event, m.CustomerLine)]


def sound_arrives(advisor: Advisor, seconds: float) -> None:
    """The engine keeps decoding the customer's sound for ``seconds``."""
    peer = advisor.engine.peer
    assert peer is not None
    before = peer.received.audio_frames
    time.sleep(seconds)
    assert advisor.engine.peer is peer, "the call was renegotiated meanwhile"
    # 50 frames a second of Opus: at least half of them made it through.
    assert peer.received.audio_frames - before > 25 * seconds, (before, peer.received)


def test_on_a_narrow_line_sound_only_is_offered_and_the_picture_comes_back(
    network_turn_site: NetworkSite, network_turn_advisor: Advisor, impaired_page: Page,
    tmp_path: Path,
) -> None:
    page, advisor, network = impaired_page, network_turn_advisor, network_turn_site.network
    problems = BrowserProblems(page)
    start_video_call(page, network_turn_site, advisor)
    senders = page.evaluate(SENDERS)
    assert sorted(senders["sending"]) == ["audio", "video"], senders
    # Sound first: where the line is short, the browser gives sound its share first.
    assert (senders["priority"], senders["networkPriority"]) == ("high", "high"), senders

    network.apply(NARROW)
    narrowed_at = time.monotonic()
    offer = page.get_by_role("button", name="Nur Ton übertragen")
    expect(offer).to_be_visible(timeout=OFFER_WITHIN_MS)
    print(f"narrow line: sound only offered after {time.monotonic() - narrowed_at:.1f} s")
    expect(page.locator("#line-offer-text")).to_contain_text("zu schwach für Bild")
    expect(page.get_by_role("button", name="Bild behalten")).to_be_visible()
    screenshot(page, "session-line-weak")
    advisor.wait_until(lambda: customer_line_reports(advisor) == [True],
                       "the console is told the customer's line is too weak for picture")

    calls = page.evaluate(f"{CALLS}.length")
    offer.click()
    # Both sides now run a call with sound only; the console knows why.
    advisor.wait_until(lambda: advisor.engine.visit is not None
                       and not advisor.engine.visit.show_me
                       and not advisor.engine.visit.see_advisor,
                       "the console's session is sound only")
    expect(page.locator("#line-offer-text")).to_contain_text("Nur Ton:")
    expect(page.get_by_role("button", name="Bild wieder einschalten")).to_be_visible()
    eventually_blocking(lambda: page.evaluate(f"{CALLS}.length") > calls,
                        what="the page opened its sound-only call")
    expect(page.locator("#call-state")).to_have_text("Ton verbunden", timeout=20_000)
    assert page.evaluate(SENDERS)["sending"] == ["audio"]
    expect(page.locator("#remote-placeholder")).to_be_visible()
    screenshot(page, "session-sound-only")
    advisor.wait_until(lambda: advisor.engine.peer is not None
                       and advisor.engine.peer.received.audio_frames > 50,
                       "the console hears the customer on the sound-only call")
    # The first probe runs on the narrow line: it stops its load as soon as the line's
    # queue fills, and the sound-only call carries on through it, on the same peers.
    peer = advisor.engine.peer
    frames, since = peer.received.audio_frames, time.monotonic()
    notice = page.locator("#line-offer")
    expect(notice).to_have_attribute("data-probes", "1", timeout=PROBE_WITHIN_MS)
    sound_arrives(advisor, 2.0)
    seconds = time.monotonic() - since
    print("first probe:", notice.get_attribute("data-last-probe"))
    assert advisor.engine.peer is peer, "the probe's load broke the sound-only call"
    assert peer.received.audio_frames - frames > 25 * seconds, (frames, peer.received)
    expect(notice).to_have_attribute("data-last-probe", re.compile(r"^line full after \d+ ms"))
    expect(page.locator("#call-state")).to_have_text("Ton verbunden")
    assert customer_line_reports(advisor) == [True]

    network.clear()
    cleared_at = time.monotonic()
    try:
        expect(page.locator("#line-offer")).to_be_hidden(timeout=BACK_WITHIN_MS)
    finally:
        print("probes:", page.locator("#line-offer").evaluate("(box) => ({...box.dataset})"))
        # The TURN server's refusals (a quota reached, a peer not allowed), if any.
        log = (tmp_path / "coturn" / "turnserver.log").read_text(errors="replace")
        print("coturn:", *[line for line in log.splitlines()
                           if "error" in line.lower() or "quota" in line.lower()][-20:],
              sep="\n  ")
    print(f"line clear: picture back after {time.monotonic() - cleared_at:.1f} s")
    advisor.wait_until(lambda: advisor.engine.visit is not None
                       and advisor.engine.visit.show_me and advisor.engine.visit.see_advisor,
                       "the customer's own choice is back on the console")
    advisor.wait_until(lambda: customer_line_reports(advisor) == [True, False],
                       "the console is told the line carries picture again")
    remote_video_plays(page)
    advisor.receives_picture_and_sound("the console sees and hears the customer again")
    problems.assert_none(allow="WebSocket")
