"""The page's rules for a line too weak for picture (customer_web/join/line-adaptation.js),
run in Chromium on the module the page loads: when sound only is offered, when the offer
is withdrawn or waits, how often the line is probed while on sound only, and what brings
the picture back. The whole step on a real narrow line: tests/deploy/test_sound_only.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route

pytestmark = pytest.mark.browser

WEB = Path(__file__).resolve().parents[2] / "customer_web"
ORIGIN = "http://rules.test"

# Runs `steps` ([method, time in ms, argument]) on one LineAdaptation; the actions of each.
RUN = """
async (steps) => {
  const { LineAdaptation } = await import("/static/join/line-adaptation.js");
  const rule = new LineAdaptation();
  return steps.map(([method, at, argument]) => rule[method](at, argument));
}
"""
FUNCTIONS = """
async ([samples, probes]) => {
  const { pictureKbps, probeCarriesPicture } = await import("/static/join/line-adaptation.js");
  return [samples.map(pictureKbps), probes.map((figures) => probeCarriesPicture(figures))];
}
"""

OFFER = [{"type": "offer"}, {"type": "report", "weak": True}]
WEAK, STRONG = 100, 800  # kbit/s
WEAK_LINE = {"throughputKbps": 120, "lossPercent": 0.5, "rttMs": 90}
GOOD_LINE = {"throughputKbps": 440, "lossPercent": 0.0, "rttMs": 20}


@pytest.fixture
def rules(page: Page) -> Page:
    """A page that loads the join page's modules as they are in the repository (the rules
    need no server, so none is started)."""
    def serve(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/static/"):
            route.fulfill(path=str(WEB / path.removeprefix("/static/")),
                          content_type="text/javascript")
        else:
            route.fulfill(body="<!doctype html><title>rules</title>", content_type="text/html")

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    return page


def run(page: Page, *steps: tuple[str, int, Any]) -> list[list[dict[str, Any]]]:
    result: list[list[dict[str, Any]]] = page.evaluate(RUN, [list(step) for step in steps])
    return result


def weak_from(start: int, until: int, kbps: int = WEAK) -> list[tuple[str, int, Any]]:
    return [("sample", at, kbps) for at in range(start, until + 1, 1000)]


def test_sound_only_is_offered_after_five_weak_seconds_once_the_call_settled(rules: Page) -> None:
    steps = [("callStarted", 0, None), *weak_from(0, 20_000)]
    actions = run(rules, *steps)
    offered = [at for (_, at, _), done in zip(steps, actions, strict=True) if done]
    # Ten seconds to settle, then weak from 10 s on: offered at 15 s, and only then.
    assert offered == [15_000]
    assert actions[steps.index(("sample", 15_000, WEAK))] == OFFER


def test_a_short_dip_or_nothing_to_judge_offers_nothing(rules: Page) -> None:
    steps = [("callStarted", 0, None), *weak_from(10_000, 14_000),
             ("sample", 15_000, 200), *weak_from(16_000, 20_000),
             ("sample", 21_000, None), *weak_from(22_000, 26_000)]
    assert not any(run(rules, *steps))


def test_the_offer_is_withdrawn_when_the_line_comes_back_before_an_answer(rules: Page) -> None:
    steps = [("callStarted", 0, None), *weak_from(10_000, 15_000), ("sample", 16_000, 250),
             ("sample", 17_000, STRONG)]
    actions = run(rules, *steps)
    assert actions[-3] == OFFER
    assert actions[-2] == []  # above "weak", not yet enough for picture
    assert actions[-1] == [{"type": "withdraw"}, {"type": "report", "weak": False}]


def test_keeping_the_picture_silences_the_offer_for_a_minute(rules: Page) -> None:
    steps = [("callStarted", 0, None), *weak_from(10_000, 15_000), ("keepPicture", 15_500, None),
             *weak_from(16_000, 80_000)]
    actions = run(rules, *steps)
    again = [at for (_, at, _), done in zip(steps, actions, strict=True) if done and at > 15_000]
    # Quiet until 75.5 s; the console already knows, so it is not told twice.
    assert again == [76_000]
    assert actions[steps.index(("sample", 76_000, WEAK))] == [{"type": "offer"}]


def test_on_sound_only_the_line_is_probed_ever_less_often_until_it_carries_picture(
    rules: Page,
) -> None:
    steps: list[tuple[str, int, Any]] = [("callStarted", 0, None), *weak_from(10_000, 15_000),
                                         ("acceptSoundOnly", 16_000, None)]
    at = 31_000
    for _ in range(4):  # each probe finds the line still weak
        steps.append(("probed", at, WEAK_LINE))
        at += 1000
    steps += [("sample", 90_000, WEAK), ("probed", 100_000, None),
              ("probed", 101_000, GOOD_LINE), ("probed", 102_000, GOOD_LINE)]
    actions = run(rules, *steps)
    assert actions[6] == OFFER
    assert actions[7] == [{"type": "sound_only"}, {"type": "probe_at", "at": 31_000}]
    pauses = [action[0]["at"] - step[1] for step, action in zip(steps[8:12], actions[8:12],
                                                                 strict=True)]
    assert pauses == [30_000, 60_000, 120_000, 120_000]
    assert actions[12] == []  # on sound only the call's figures say nothing
    # A probe that could not measure says nothing about the line: the next one soon.
    assert actions[13] == [{"type": "probe_at", "at": 115_000}]
    assert actions[14] == [{"type": "picture_back", "manual": False},
                           {"type": "report", "weak": False}]
    assert actions[15] == []


def test_the_customer_can_bring_the_picture_back_at_once(rules: Page) -> None:
    steps = [("callStarted", 0, None), *weak_from(10_000, 15_000),
             ("acceptSoundOnly", 16_000, None), ("pictureWanted", 17_000, None),
             ("callStarted", 18_000, None), *weak_from(19_000, 28_000)]
    actions = run(rules, *steps)
    assert actions[8] == [{"type": "picture_back", "manual": True},
                          {"type": "report", "weak": False}]
    # The picture's new call settles again before the line is judged again.
    assert not any(actions[9:])


def test_what_the_line_carries_and_what_a_probe_must_show(rules: Page) -> None:
    samples = [
        {"sendingVideo": True, "availableOutgoingKbps": 120, "receivingVideo": True,
         "receivedVideoKbps": 900},
        {"sendingVideo": False, "availableOutgoingKbps": 2000, "receivingVideo": True,
         "receivedVideoKbps": 90},
        {"sendingVideo": True, "availableOutgoingKbps": None, "receivingVideo": True,
         "receivedVideoKbps": 400},
        {"sendingVideo": False, "availableOutgoingKbps": 50, "receivingVideo": False,
         "receivedVideoKbps": None},
    ]
    probes = [
        {"throughputKbps": 300, "lossPercent": 2.9},
        {"throughputKbps": 299, "lossPercent": 0},
        {"throughputKbps": 450, "lossPercent": 3.0},
        None,
        # The probe stopped its load because the line's queue filled.
        {"throughputKbps": None, "lossPercent": 0, "queued": True, "queuedAfterMs": 300},
    ]
    kbps, carries = rules.evaluate(FUNCTIONS, [samples, probes])
    assert kbps == [120, 90, 400, None]
    assert carries == [True, False, False, False, False]


# The session's notice as the join page has it, with the page's live region.
NOTICE = re.search(r'<div id="line-offer".*?\n      </div>\n', (WEB / "join" / "index.html")
                   .read_text(), re.S)
WATCH = """
async ([pictureBack]) => {
  const { LineWatch } = await import("/static/join/line-watch.js");
  const { ADAPTATION } = await import("/static/join/line-adaptation.js");
  const chosen = [];
  const watch = new LineWatch({
    call: () => null, iceServers: () => [], send: () => {}, onSoundOnly: () => {},
    choose: (choice) => chosen.push(choice),
    limits: { ...ADAPTATION, settleMs: 0, weakForMs: 0, firstProbeMs: 300 },
  });
  let probes = 0;
  watch.probe = () => { probes += 1; };
  watch.callStarted({ see_advisor: true, show_me: true });
  watch.apply(watch.rule.sample(performance.now(), 100));
  document.getElementById("line-sound-only").click();
  if (pictureBack) document.getElementById("line-picture-back").click();
  await new Promise((resolve) => setTimeout(resolve, 900));
  watch.stop();
  return { chosen, probes };
}
"""


@pytest.mark.parametrize("picture_back", [False, True], ids=["sound-only", "picture-back"])
def test_bringing_the_picture_back_by_hand_cancels_the_next_probe(
    rules: Page, picture_back: bool
) -> None:
    """A probe loads the line for seconds: none once the customer has the picture back."""
    assert NOTICE is not None
    rules.set_content(f'<p id="announcer"></p>{NOTICE.group(0)}')
    result = rules.evaluate(WATCH, [picture_back])
    sound_only = {"mode": "video", "see_advisor": False, "show_me": False}
    if picture_back:
        assert result == {"chosen": [sound_only, {"mode": "video", "see_advisor": True,
                                                  "show_me": True}], "probes": 0}
    else:
        assert result == {"chosen": [sound_only], "probes": 1}


# One page load's LineWatch: before the reload the call goes to sound only; after it the
# sound-only call starts again (the server kept the choice with both boxes unticked).
RELOADED = """
async ([before, visit]) => {
  const { LineWatch } = await import("/static/join/line-watch.js");
  const { ADAPTATION } = await import("/static/join/line-adaptation.js");
  window.chosen = [];
  window.watch = new LineWatch({
    call: () => null, iceServers: () => [], send: () => {}, onSoundOnly: () => {},
    choose: (choice) => window.chosen.push(choice), memoryKey: "join-token",
    limits: { ...ADAPTATION, settleMs: 0, weakForMs: 0 },
  });
  window.watch.probe = () => {};
  window.watch.callStarted(visit);
  if (before) {
    window.watch.apply(window.watch.rule.sample(performance.now(), 100));
    document.getElementById("line-sound-only").click();
  }
  return document.getElementById("line-offer").dataset.mode;
}
"""


def test_a_reload_on_sound_only_keeps_the_way_back_to_the_picture(rules: Page) -> None:
    assert NOTICE is not None
    notice = f'<p id="announcer"></p>{NOTICE.group(0)}'
    own_choice = {"see_advisor": True, "show_me": False}
    sound_only = {"see_advisor": False, "show_me": False}
    rules.set_content(notice)
    assert rules.evaluate(RELOADED, [True, own_choice]) == "sound_only"

    rules.reload()
    rules.set_content(notice)
    assert rules.evaluate(RELOADED, [False, sound_only]) == "sound_only"
    picture_back = rules.get_by_role("button", name="Bild wieder einschalten")
    assert picture_back.is_visible()
    picture_back.click()
    assert rules.evaluate("window.chosen") == [{"mode": "video", **own_choice}]

    # Once the picture is back, a reload starts from the call as it is.
    rules.reload()
    rules.set_content(notice)
    assert rules.evaluate(RELOADED, [False, sound_only]) == "picture"
