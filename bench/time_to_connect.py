"""Time to connect: from the click on „Gewählte Verbindung aufbauen“ to the first decoded
frame of the other side's video, on each side.

Customer Chromium ↔ our advisor engine (HeadlessAdvisor in a process of its own), against
customer Chromium ↔ Chromium as the advisor (bench/web/advisor.js in a browser of its
own), through the same server, runs of the two alternating. The customer chooses picture
and sound both ways. Customer side: the first frame the page presents in its
``#remote-video`` (``requestVideoFrameCallback``); advisor side: the engine's first
decoded frame (``on_video_frame``), Chromium's first presented frame. Besides, the call's
milestones seen by the customer's page: offer sent, answer applied, ICE connected,
DTLS connected.

    .venv/bin/python bench/time_to_connect.py [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customer import Customer
from harness import DemoServer, launch_chromium, median, percentile, quick
from receivers import ChromiumReceiver, ConsoleReceiver

from tests.fixtures.waiting import eventually

MILESTONES = ("offerSent", "answerApplied", "iceConnected", "connected", "firstRemoteFrame")


async def one_visit(customer_browser: Any, server: DemoServer, receiver: Any) -> dict[str, Any]:
    async def first_frame_seen() -> bool:
        return (await receiver.report()).get("first_frame") is not None

    customer = Customer(customer_browser, server)
    try:
        await customer.join(await server.book_now(receiver.username))
        await customer.choose_video(see_advisor=True, show_me=True)
        await customer.wait_for_time("firstRemoteFrame")
        await eventually(first_frame_seen, f"{receiver.name}'s first frame", timeout=20)
        report = await receiver.report()
        times = await customer.times()
        await customer.hang_up()
    except Exception:
        await receiver.end_visit()
        raise
    finally:
        await customer.close()
    click = times["click"]
    assert click is not None
    result = {f"customer_{name}": (times[name] - click) * 1000  # type: ignore[operator]
              for name in MILESTONES if times.get(name) is not None}
    result["advisor_first_frame"] = (report["first_frame"] - click) * 1000
    return result


async def run(runs: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="vb-bench-") as folder:
        server = DemoServer(Path(folder) / "var")
        await asyncio.to_thread(server.start)
        try:
            await server.add_advisor("engine", "Engine Berater")
            await server.add_advisor("chromium", "Chromium Berater")
            async with async_playwright() as playwright:
                customers = await launch_chromium(playwright, "customer")
                receivers: list[ConsoleReceiver | ChromiumReceiver] = [
                    ConsoleReceiver("engine", server, "engine"),
                    ChromiumReceiver(playwright, server, "chromium")]
                for receiver in receivers:
                    await receiver.start()
                try:
                    samples: dict[str, list[dict[str, Any]]] = {r.name: [] for r in receivers}
                    failures: dict[str, int] = {r.name: 0 for r in receivers}
                    # One visit each to warm up (imports, codecs, caches), not counted.
                    for receiver in receivers:
                        await one_visit(customers, server, receiver)
                    for index in range(runs):
                        for receiver in receivers if index % 2 == 0 else receivers[::-1]:
                            try:
                                samples[receiver.name].append(
                                    await one_visit(customers, server, receiver))
                            except Exception as problem:
                                failures[receiver.name] += 1
                                print(f"time to connect: {receiver.name} run failed: {problem}",
                                      file=sys.stderr)
                finally:
                    for receiver in receivers:
                        await receiver.stop()
                    await customers.close()
        finally:
            server.stop()
    if not all(samples.values()):
        raise RuntimeError(f"no run succeeded for some advisor: {failures}")
    return {"runs": runs, "failures": failures,
            "summary": {name: summarize(rows) for name, rows in samples.items()},
            "samples": samples}


def summarize(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    keys = sorted({key for row in rows for key in row})
    return {key: {"median": median([row[key] for row in rows if key in row]),
                  "p95": percentile([row[key] for row in rows if key in row], 0.95),
                  "n": len([row for row in rows if key in row])}
            for key in keys}


def default_runs() -> int:
    return 3 if quick() else 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=default_runs())
    args = parser.parse_args()
    result = asyncio.run(run(args.runs))
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    main()
