"""Calls on impaired networks: our engine against Chromium as the advisor.

The customer's Chromium runs in the customer's namespace of the impairment harness
(tests/fixtures/netsim/), behind the router that applies a profile; the server, our
engine (``HeadlessAdvisor``, bench/advisor_side.py) and Chromium as the advisor
(bench/web/advisor.js) sit in the root namespace, as on the operator's side. For every
profile (good, mobile, poor) one call with each advisor, interleaved, the customer
choosing picture and sound both ways; then, on the good profile, one call each through a
10 s outage and one through a change of the customer's address.

What each call yields, on each side (see :func:`summarize_call`):

- time to first frame, from the click on „Gewählte Verbindung aufbauen“;
- freezes: in the browser (the customer's page, Chromium's advisor) its inbound-rtp
  ``freezeCount`` and ``totalFreezesDuration``; for our engine from the gaps between
  decoded frames by Chrome's rule (:func:`freezes`);
- received resolution (height) and frame rate over time, second by second: the median and
  the 10th percentile of the call;
- sound: the browser's concealed share (``concealedSamples / totalSamplesReceived``); our
  engine (aiortc) conceals nothing, so its figure is the share of the call's time for
  which no decoded sound arrived (:func:`sound_missing`);
- after an outage or an address change: seconds until picture moves again, each side.

    .venv/bin/python bench/network_calls.py [--seconds 45] [--profiles good mobile poor]
        [--no-events]

Needs root (network namespaces), like tests/deploy/test_network_recovery.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customer import Customer
from harness import DemoServer, median, percentile, quick
from receivers import ChromiumReceiver, ConsoleReceiver

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.fixtures.netsim import PROFILES, ImpairedNetwork

OUTAGE_SECONDS = 10.0
SETTLE_SECONDS = 8.0  # of a good call before an event
RECOVERY_LIMIT = 30.0
FIRST_FRAME_LIMIT = 30.0
SERVER_PORT = 80  # what every firewall lets through (tests/deploy/conftest.py)

# Chrome's rule (VideoReceiveStream2): a frame that comes later than
# max(3 × the mean frame interval, mean + 150 ms) after the previous one ends a freeze.
FREEZE_FACTOR = 3.0
FREEZE_MIN_EXTRA = 0.150
FREEZE_WINDOW = 30  # frames the mean is taken over

# The customer's newest peer connection, what it receives and sends.
CUSTOMER_STATS = """async () => {
  const peer = window.__vbPeers.at(-1);
  if (!peer) return null;
  const found = {at: performance.timeOrigin + performance.now(), peers: window.__vbPeers.length};
  (await peer.getStats()).forEach((entry) => {
    const copy = () => JSON.parse(JSON.stringify(entry));
    if (entry.type === "inbound-rtp") found["in_" + entry.kind] = copy();
    if (entry.type === "outbound-rtp") found["out_" + entry.kind] = copy();
    if (entry.type === "candidate-pair" && entry.nominated && entry.state === "succeeded") {
      found.pair = copy();
    }
  });
  return found;
}"""


# Figures from raw samples -----------------------------------------------------------------


def freezes(times: Sequence[float]) -> tuple[int, float]:
    """Freezes in a series of frame times (s): count and total seconds, by Chrome's rule."""
    count, total = 0, 0.0
    intervals: list[float] = []
    for previous, current in zip(times, times[1:], strict=False):
        interval = current - previous
        if len(intervals) >= 5:
            mean = sum(intervals[-FREEZE_WINDOW:]) / len(intervals[-FREEZE_WINDOW:])
            if interval > max(FREEZE_FACTOR * mean, mean + FREEZE_MIN_EXTRA):
                count += 1
                total += interval
                continue  # a freeze does not count towards the mean (as in Chrome)
        intervals.append(interval)
    return count, total


def per_second(frames: Sequence[tuple[float, int, int]], start: float,
               end: float) -> tuple[list[float], list[float]]:
    """Frames shown in each whole second between ``start`` and ``end``, and the median
    height in each second that had any (a second without frames counts 0 fps)."""
    rates: list[float] = []
    heights: list[float] = []
    second = start
    index = 0
    ordered = sorted(frames)
    while second + 1 <= end:
        inside = []
        while index < len(ordered) and ordered[index][0] < second + 1:
            if ordered[index][0] >= second:
                inside.append(ordered[index])
            index += 1
        rates.append(float(len(inside)))
        if inside:
            heights.append(median([h for _, _, h in inside]))
        second += 1
    return rates, heights


def sound_missing(sound: Sequence[tuple[float, int, int]], start: float, end: float) -> float:
    """The share of ``start``–``end`` that no decoded sound covered (0–1)."""
    if end <= start:
        return float("nan")
    covered = sum(samples / rate for at, samples, rate in sound if start <= at <= end)
    return max(0.0, 1 - covered / (end - start))


def customer_series(samples: list[dict[str, Any]], offset_ms: float
                    ) -> tuple[list[float], list[float]]:
    """Frame rate and height of the advisor's video in the customer's page, per sample
    interval (framesDecoded difference over the time between two getStats)."""
    rates, heights = [], []
    for before, after in zip(samples, samples[1:], strict=False):
        a, b = before.get("in_video"), after.get("in_video")
        if not a or not b or before["peers"] != after["peers"]:
            continue
        seconds = (after["at"] - before["at"]) / 1000
        rates.append((b.get("framesDecoded", 0) - a.get("framesDecoded", 0)) / seconds)
        if b.get("frameHeight"):
            heights.append(float(b["frameHeight"]))
    return rates, heights


def kbit_per_s(samples: list[dict[str, Any]], key: str, field: str) -> float:
    """The mean bitrate of ``key`` (e.g. in_video) over the samples of the last peer."""
    last = samples[-1]
    same = [s for s in samples if s["peers"] == last["peers"] and s.get(key)]
    if len(same) < 2:
        return float("nan")
    first, final = same[0], same[-1]
    seconds = (final["at"] - first["at"]) / 1000
    return 8 * (final[key].get(field, 0) - first[key].get(field, 0)) / seconds / 1000


def summarize_call(call: dict[str, Any]) -> dict[str, Any]:
    """One call's figures on both sides (see the module's docstring)."""
    samples, report, click = call["samples"], call["report"], call["click"]
    advisor_frames = [tuple(f) for f in report.get("frames", []) if f[0] is not None]
    start = report.get("first_frame") or click
    end = call["ended"]
    figures: dict[str, Any] = {"advisor": call["advisor"], "profile": call["profile"]}
    figures["customer_first_frame_ms"] = call.get("customer_first_frame_ms")
    figures["advisor_first_frame_ms"] = (
        (report["first_frame"] - click) * 1000 if report.get("first_frame") else None)

    last = samples[-1] if samples else {}
    video_in = last.get("in_video") or {}
    audio_in = last.get("in_audio") or {}
    figures["customer_freezes"] = video_in.get("freezeCount")
    figures["customer_freeze_s"] = video_in.get("totalFreezesDuration")
    rates, heights = customer_series(samples, call["customer_offset_ms"])
    figures.update(_spread("customer_fps", rates), **_spread("customer_height", heights))
    total = audio_in.get("totalSamplesReceived") or 0
    figures["customer_concealed"] = (audio_in.get("concealedSamples", 0) / total
                                     if total else None)
    figures["customer_receives_kbps"] = kbit_per_s(samples, "in_video", "bytesReceived")
    figures["customer_sends_kbps"] = kbit_per_s(samples, "out_video", "bytesSent")
    figures["customer_estimate_kbps"] = (
        (last.get("pair") or {}).get("availableOutgoingBitrate", 0) / 1000 or None)
    figures["customer_limited_by"] = (last.get("out_video") or {}).get(
        "qualityLimitationReason")

    times = [f[0] for f in sorted(advisor_frames)]
    own = call.get("advisor_inbound") or {}
    if "video" in own:  # Chromium: its own counters
        figures["advisor_freezes"] = own["video"].get("freezeCount")
        figures["advisor_freeze_s"] = own["video"].get("totalFreezesDuration")
        heard = own.get("audio") or {}
        total = heard.get("totalSamplesReceived") or 0
        figures["advisor_concealed"] = heard.get("concealedSamples", 0) / total if total else None
    else:
        count, seconds = freezes(times)
        figures["advisor_freezes"], figures["advisor_freeze_s"] = count, seconds
        sound = [tuple(s) for s in report.get("sound", [])]
        figures["advisor_concealed"] = (
            sound_missing(sound, sound[0][0], end) if sound else None)
    # Chromium's own counters and the frame-gap rule side by side, for the rule's sake.
    gap_count, gap_seconds = freezes(times)
    figures["advisor_gap_freezes"], figures["advisor_gap_freeze_s"] = gap_count, gap_seconds
    rates, heights = per_second(advisor_frames, start, end)
    figures.update(_spread("advisor_fps", rates), **_spread("advisor_height", heights))
    for key in ("customer_recovery_s", "advisor_recovery_s", "event"):
        if key in call:
            figures[key] = call[key]
    return figures


def _spread(name: str, values: list[float]) -> dict[str, float]:
    return {f"{name}_median": median(values), f"{name}_p10": percentile(values, 0.10)}


# Calls -------------------------------------------------------------------------------------


async def customer_stats(customer: Customer) -> dict[str, Any] | None:
    found: dict[str, Any] | None = await customer.page.evaluate(CUSTOMER_STATS)
    return found


async def one_call(customer_browser: Any, server: DemoServer, receiver: Any, profile: str,
                   seconds: float, network: ImpairedNetwork, event: str | None = None
                   ) -> dict[str, Any]:
    """A call of ``seconds`` after the first frame; with ``event`` ("outage" or
    "address change") that happens after :data:`SETTLE_SECONDS` and the call runs on
    until picture is back on both sides (or :data:`RECOVERY_LIMIT`)."""
    customer = Customer(customer_browser, server)
    call: dict[str, Any] = {"advisor": receiver.name, "profile": profile, "samples": []}
    try:
        await customer.join(await server.book_now(receiver.username))
        await customer.choose_video(see_advisor=True, show_me=True)
        await customer.wait_for_time("firstRemoteFrame", timeout=FIRST_FRAME_LIMIT)
        times = await customer.times()
        call["click"] = times["click"]
        call["customer_offset_ms"] = customer.offset_ms
        call["customer_first_frame_ms"] = (times["firstRemoteFrame"] - times["click"]) * 1000  # type: ignore[operator]
        if event is None:
            until = time.monotonic() + seconds
            while time.monotonic() < until:
                if (sample := await customer_stats(customer)) is not None:
                    call["samples"].append(sample)
                await asyncio.sleep(1.0)
        else:
            await asyncio.sleep(SETTLE_SECONDS)
            call["event"] = event
            await recover(call, customer, receiver, network, event)
        if isinstance(receiver, ChromiumReceiver):
            call["advisor_inbound"] = await receiver.inbound()
        call["report"] = await receiver.report()
        call["ended"] = time.time()
        await customer.hang_up()
    except Exception:
        await receiver.end_visit()
        raise
    finally:
        await customer.close()
    return call


async def recover(call: dict[str, Any], customer: Customer, receiver: Any,
                  network: ImpairedNetwork, event: str) -> None:
    """The event, then the seconds until each side shows new frames again."""

    async def customer_frames() -> tuple[int, int]:
        sample = await customer_stats(customer) or {}
        return sample.get("peers", 0), (sample.get("in_video") or {}).get("framesDecoded", 0)

    if event == "outage":
        network.cut()
        await asyncio.sleep(OUTAGE_SECONDS)
        network.restore()
    else:
        network.switch_customer_address()
    since = time.time()
    customer_at: float | None = None
    previous = await customer_frames()
    while time.time() - since < RECOVERY_LIMIT:
        await asyncio.sleep(0.2)
        current = await customer_frames()
        if customer_at is None and current[0] == previous[0] and current[1] > previous[1]:
            customer_at = time.time() - since
        previous = current
        report = await receiver.report()
        advisor_at = next((f[0] - since for f in report.get("frames", [])
                           if f[0] is not None and f[0] > since), None)
        if customer_at is not None and advisor_at is not None:
            break
    report = await receiver.report()
    call["customer_recovery_s"] = customer_at
    call["advisor_recovery_s"] = next((f[0] - since for f in report.get("frames", [])
                                       if f[0] is not None and f[0] > since), None)
    await asyncio.sleep(2.0)  # a little of the call after it came back


async def launch_customer_browser(playwright: Any, network: ImpairedNetwork, folder: Path,
                                  origin: str) -> Any:
    wrapper = network.browser_wrapper(folder, CHROMIUM)
    return await playwright.chromium.launch(
        executable_path=str(wrapper), headless=True,
        args=[*CHROMIUM_ARGS, f"--unsafely-treat-insecure-origin-as-secure={origin}"])


async def run(seconds: float, profiles: Sequence[str], events: bool = True) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    calls: list[dict[str, Any]] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="vb-bench-network-") as folder, \
            ImpairedNetwork() as network:
        server = DemoServer(Path(folder) / "var")
        server.host, server.port = network.server_address, SERVER_PORT
        await asyncio.to_thread(server.start)
        origin = server.url
        try:
            await server.add_advisor("engine", "Engine Berater")
            await server.add_advisor("chromium", "Chromium Berater")
            async with async_playwright() as playwright:
                customers = await launch_customer_browser(playwright, network,
                                                          Path(folder) / "browser", origin)
                receivers: list[ConsoleReceiver | ChromiumReceiver] = [
                    ConsoleReceiver("engine", server, "engine"),
                    ChromiumReceiver(playwright, server, "chromium", (640, 360),
                                     f"--unsafely-treat-insecure-origin-as-secure={origin}")]
                for receiver in receivers:
                    await receiver.start()
                plan: list[tuple[str, str | None]] = [(name, None) for name in profiles]
                if events:
                    plan += [("good", "outage"), ("good", "address change")]
                try:
                    for index, (profile, event) in enumerate(plan):
                        network.clear()
                        network.apply(PROFILES[profile])
                        order = receivers if index % 2 == 0 else receivers[::-1]
                        for receiver in order:
                            label = f"{profile}{' + ' + event if event else ''}, {receiver.name}"
                            print(f"network calls: {label} ...", file=sys.stderr, flush=True)
                            try:
                                call = await one_call(customers, server, receiver, profile,
                                                      seconds, network, event)
                                calls.append(summarize_call(call))
                                print(json.dumps(calls[-1]), file=sys.stderr, flush=True)
                            except Exception as problem:
                                failures.append(f"{label}: {problem!r}"[:300])
                                print(f"network calls: {label} failed: {problem!r}",
                                      file=sys.stderr, flush=True)
                                network.clear()
                                network.apply(PROFILES[profile])
                finally:
                    for receiver in receivers:
                        await receiver.stop()
                    await customers.close()
        finally:
            server.stop()
            network.clear()
    return {"seconds": seconds, "calls": calls, "failures": failures}


def default_seconds() -> float:
    return 20 if quick() else 45


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=default_seconds())
    parser.add_argument("--profiles", nargs="+", default=["good", "mobile", "poor"],
                        choices=["good", "mobile", "poor"])
    parser.add_argument("--no-events", action="store_true",
                        help="leave out the outage and the address change")
    args = parser.parse_args()
    result = asyncio.run(run(args.seconds, args.profiles, not args.no_events))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
