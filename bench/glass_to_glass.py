"""Glass-to-glass latency and frame delivery: the customer's camera is a canvas stream
(30 fps) with its frame number painted in (bench/barcode.py); the receiver reads the
number back from the frames it shows.

Receivers, through the same server and the same customer browser: the whole console
(bench/advisor_side.py --mode console: PySide6 offscreen, the real window, its video
widget's own paint path), against Chromium as the advisor (bench/web/advisor.js, a
``<video>`` of the same size as the console's video widget). The customer sends picture
and sound and does not watch the advisor („Der Berater darf mich sehen“ only), so the
receiving side decodes one video and sends sound only.

So that both receivers get the same stream, the customer's browser keeps the picture size
and a fixed bitrate (:data:`PINNED_KBPS`) whatever the receiver's bandwidth estimate says.
Per receiver and size: ``VB_BENCH_SECONDS`` (60; 6 in a quick run) measured, in three
sessions alternating with the other receiver's (each after 5 s to settle), pooled:
frames delivered per second (distinct frame numbers shown), latency from the
canvas paint to the receiver's paint (console: ``paintEvent``) or presentation (Chromium:
``requestVideoFrameCallback``'s presentation time), CPU of the receiving process(es) and
their memory (PSS; for Chromium all of its processes). All times are the machine's clock
(``time.time()``; the pages' clocks are calibrated against it).

Separately, without the pinning (as the product runs): how fast the customer's browser's
bandwidth estimate climbs with each receiver's feedback, and the picture size it sends;
then with the console's answer carrying ``x-google-start-bitrate`` (a proposed change, put
into the answer by the customer's page), and, as an experiment, with our engine sending no
REMB feedback.

    .venv/bin/python bench/glass_to_glass.py [--seconds 60] [--sizes 640x480 1280x720]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import barcode
from customer import Customer
from harness import (
    ROOT,
    CpuWindow,
    DemoServer,
    launch_chromium,
    median,
    percentile,
    pss_mib,
    quick,
    rss_mib,
)
from receivers import ChromiumReceiver, ConsoleReceiver

from tests.fixtures.waiting import eventually

FPS = 30
PINNED_KBPS = {(640, 480): 1200, (1280, 720): 2500}
SETTLE_SECONDS = 5
PROFILE_SECONDS = 10
RAMP_MARKS = (2, 5, 10, 20)
PROPOSED_START_KBPS = 1500


def default_seconds() -> float:
    return float(os.environ.get("VB_BENCH_SECONDS", "6" if quick() else "60"))


def ramp_seconds() -> int:
    return 6 if quick() else RAMP_MARKS[-1]


class Call:
    """A customer in a video call with ``receiver``, from the join link to the hang-up."""

    def __init__(self, customers: Any, server: DemoServer, receiver: Any,
                 camera: dict[str, Any]) -> None:
        self.customer = Customer(customers, server, camera=camera)
        self.server = server
        self.receiver = receiver
        self.first_frame = 0.0
        self.samples: list[dict[str, Any]] = []  # once a second from the first frame
        self._last: tuple[float, int] | None = None

    async def _first_frame_seen(self) -> bool:
        return (await self.receiver.report()).get("first_frame") is not None

    async def start(self) -> None:
        await self.customer.join(await self.server.book_now(self.receiver.username))
        await self.customer.choose_video(see_advisor=False, show_me=True)
        await eventually(self._first_frame_seen, f"{self.receiver.name}'s first frame", timeout=30)
        self.first_frame = time.monotonic()

    async def sample(self) -> dict[str, Any]:
        """Wait a second, then note what the customer's browser sends (kbit/s, size) and
        its bandwidth estimate."""
        await asyncio.sleep(1.0)
        stats = await self.customer.video_stats()
        now, sent = time.monotonic(), stats.get("bytesSent", 0)
        kbps = (8 * (sent - self._last[1]) / (now - self._last[0]) / 1000
                if self._last is not None else None)
        self._last = (now, sent)
        estimate = stats.get("availableOutgoingBitrate")
        sample = {"at": now - self.first_frame, "kbps": kbps,
                  "estimate_kbps": estimate / 1000 if estimate else None,
                  "size": (stats.get("frameWidth"), stats.get("frameHeight")),
                  "frames_encoded": stats.get("framesEncoded", 0)}
        self.samples.append(sample)
        return sample

    async def end(self, failed: bool) -> None:
        try:
            if failed:
                await self.receiver.end_visit()
            else:
                await self.customer.hang_up()
        finally:
            await self.customer.close()


async def session(customers: Any, server: DemoServer, receiver: Any, size: tuple[int, int],
                  seconds: float, profile_to: Path | None = None) -> dict[str, Any]:
    """One customer streaming ``size`` (pinned) to ``receiver``, measured for ``seconds``:
    the raw observations (see :func:`pool`)."""
    camera = {**barcode.page_config(*size, FPS), "kbps": PINNED_KBPS.get(size, 2500)}
    call = Call(customers, server, receiver, camera)
    failed = True
    try:
        await call.start()
        while time.monotonic() - call.first_frame < SETTLE_SECONDS:
            await call.sample()
        pids = receiver.pids()
        window = CpuWindow(pids)
        memory: list[float] = []
        rss: list[float] = []
        before = await call.sample()
        started = time.time()
        window.start()
        while time.time() - started < seconds:
            last = await call.sample()
            if len(memory) * 5 < time.time() - started:
                memory.append(pss_mib(pids))
                rss.append(rss_mib(pids[0]))
        window.stop()
        ended = time.time()
        report = await receiver.report()
        painted_at = await call.customer.painted_at()
        profile = (await profile_process(pids[0], profile_to)
                   if profile_to is not None else None)
        failed = False
    finally:
        await call.end(failed)

    sent = {n: at for n, at in painted_at.items() if started <= at <= ended}
    shown = first_times(report["painted"], sent)
    decoded = first_times(report["decoded"], sent)
    return {
        "visit": report.get("visit"), "seconds": ended - started, "sent": len(sent),
        "shown": len(shown), "decoded": len(decoded),
        "latencies": [(shown[n] - sent[n]) * 1000 for n in shown],
        "decode_latencies": [(decoded[n] - sent[n]) * 1000 for n in decoded],
        "encoded": last["frames_encoded"] - before["frames_encoded"], "cpu": window.cpu,
        "pss": memory, "rss": rss,
        "kbps": [s["kbps"] for s in call.samples if s["at"] > before["at"] and s["kbps"]],
        "received_size": report.get("frame_size"), "shown_size": report.get("widget_size"),
        "sent_size": last["size"], "profile": profile,
    }


def pool(receiver: str, size: tuple[int, int], chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of one receiver at one size, over all its measured chunks."""
    seconds = sum(c["seconds"] for c in chunks)
    shown = sum(c["shown"] for c in chunks)
    latencies = [x for c in chunks for x in c["latencies"]]
    decode_latencies = [x for c in chunks for x in c["decode_latencies"]]
    cpu = sum(c["cpu"] for c in chunks)
    return {
        "receiver": receiver, "size": f"{size[0]}x{size[1]}", "chunks": len(chunks),
        "visit": chunks[-1]["visit"], "visits": [c["visit"] for c in chunks],
        "seconds": seconds,
        "sent_fps": sum(c["sent"] for c in chunks) / seconds,
        "encoded_fps": sum(c["encoded"] for c in chunks) / seconds,
        "delivered_fps": shown / seconds,
        "latency_median_ms": median(latencies), "latency_p95_ms": percentile(latencies, 0.95),
        "decoded_fps": sum(c["decoded"] for c in chunks) / seconds if decode_latencies else None,
        "decode_latency_median_ms": median(decode_latencies) if decode_latencies else None,
        "cpu_percent": 100 * cpu / seconds,
        "cpu_ms_per_frame": 1000 * cpu / shown if shown else None,
        "pss_mib": median([x for c in chunks for x in c["pss"]]),
        "rss_mib": median([x for c in chunks for x in c["rss"]]),
        "send_kbps": median([x for c in chunks for x in c["kbps"]]),
        "received_size": chunks[-1]["received_size"], "shown_size": chunks[-1]["shown_size"],
        "sent_size": chunks[-1]["sent_size"],
        "profile": next((c["profile"] for c in reversed(chunks) if c["profile"]), None),
    }


async def ramp(customers: Any, server: DemoServer, receiver: Any, size: tuple[int, int],
               seconds: int, start_kbps: int | None = None) -> dict[str, Any]:
    """As the product runs (nothing pinned): the customer's browser's bandwidth estimate
    and the picture size it sends, by second from the first frame. ``start_kbps``: as if
    the advisor's answer set ``x-google-start-bitrate`` (the proposed change)."""
    camera = barcode.page_config(*size, FPS)
    if start_kbps:
        camera["startKbps"] = start_kbps
    call = Call(customers, server, receiver, camera)
    failed = True
    try:
        await call.start()
        while time.monotonic() - call.first_frame < seconds:
            await call.sample()
        failed = False
    finally:
        await call.end(failed)
    marks = {}
    for mark in RAMP_MARKS:
        if mark <= seconds + 0.5:
            near = min(call.samples, key=lambda s: abs(s["at"] - mark))
            marks[mark] = {"estimate_kbps": near["estimate_kbps"], "kbps": near["kbps"],
                           "size": near["size"]}
    reached = next((s["at"] for s in call.samples if (s["estimate_kbps"] or 0) >= 1000), None)
    name = f"{receiver.name} with start bitrate" if start_kbps else receiver.name
    return {"receiver": name, "size": f"{size[0]}x{size[1]}", "marks": marks,
            "start_kbps": start_kbps, "seconds_to_1mbps": reached}


def first_times(frames: list[tuple[int, float]], sent: dict[int, float]) -> dict[int, float]:
    """Frame number → when it was first seen, for the frames sent in the window."""
    seen: dict[int, float] = {}
    for number, at in frames:
        if number in sent and number not in seen:
            seen[number] = at
    return seen


# Where threads wait rather than work (py-spy counts some waits in C as busy); the Qt
# event loop's own frame mixes waiting for events with Qt's native work.
WAITING = ("Condition.wait (threading.py", "_worker (concurrent/futures/thread.py",
           "Event.wait (threading.py", "select (selectors.py", "_QEventLoop.run_forever",
           "Thread._wait_for_tstate_lock", "read_commands (")


async def profile_process(pid: int, folder: Path) -> list[tuple[str, float]]:
    """py-spy samples of ``pid`` (every thread) for a few seconds: the functions the
    process works in (own time, waits left out), with their share of the working samples."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    output = folder / f"py-spy-{pid}-{int(time.time())}.txt"
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():  # not a dependency of the project: pip install py-spy
        return []
    process = await asyncio.create_subprocess_exec(
        str(spy), "record", "--pid", str(pid), "--duration", str(PROFILE_SECONDS),
        "--rate", "200", "--format", "raw", "--output", str(output), "--nonblocking",
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await process.wait()
    if not output.exists():
        return []
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in output.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        leaf = stack.split(";")[-1]
        if not leaf.startswith(WAITING):
            own[leaf] += int(count)
            total += int(count)
    return [(frame, 100 * count / total) for frame, count in own.most_common(12)] if total else []


def rounds() -> int:
    """Each receiver's measured time is cut into this many sessions, alternating with the
    other receiver's, so that a change in the machine's load hits both alike."""
    return 1 if quick() else 3


async def run(sizes: list[tuple[int, int]], seconds: float, record_dir: Path,
              profile: bool) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="vb-bench-") as folder:
        server = DemoServer(Path(folder) / "var")
        await asyncio.to_thread(server.start)
        sessions: list[dict[str, Any]] = []
        ramps: list[dict[str, Any]] = []
        try:
            await server.add_advisor("console", "Konsole Berater")
            await server.add_advisor("chromium", "Chromium Berater")
            await server.add_advisor("no-remb", "Engine ohne REMB")
            async with async_playwright() as playwright:
                customers = await launch_chromium(playwright, "customer")
                console = ConsoleReceiver("console", server, "console", record_dir=record_dir)
                # The experiment behind the proposed fix: aiortc sending no REMB.
                no_remb = ConsoleReceiver("engine", server, "no-remb", remb=False)
                await console.start()
                await no_remb.start()
                chromium: ChromiumReceiver | None = None
                try:
                    # A short first session warms the console up and tells the size it
                    # shows the customer at; Chromium's video gets the same size.
                    warm = await session(customers, server, console, sizes[0], 2)
                    shown = warm["shown_size"] or [640, 360]
                    chromium = ChromiumReceiver(playwright, server, "chromium",
                                                video_size=(shown[0], shown[1]))
                    await chromium.start()
                    chunk = seconds / rounds()
                    for size in sizes:
                        chunks: dict[str, list[dict[str, Any]]] = {"console": [],
                                                                   "chromium": []}
                        for index in range(rounds()):
                            pair: list[ConsoleReceiver | ChromiumReceiver] = (
                                [console, chromium] if index % 2 == 0 else [chromium, console])
                            # The frames for bench/render_cost.py: the first round's only, so
                            # the later rounds (and the profile) run without the recorder.
                            await console.record(index == 0)
                            for receiver in pair:
                                last = index == rounds() - 1
                                chunks[receiver.name].append(await session(
                                    customers, server, receiver, size, chunk,
                                    profile_to=record_dir / "profiles"
                                    if profile and last and receiver is console else None))
                        await console.record(False)
                        sessions += [pool(name, size, rows) for name, rows in chunks.items()]
                    for receiver, start in ((console, None), (chromium, None),
                                            (console, PROPOSED_START_KBPS), (no_remb, None)):
                        ramps.append(await ramp(customers, server, receiver, sizes[-1],
                                                ramp_seconds(), start))
                finally:
                    if chromium is not None:
                        await chromium.stop()
                    await no_remb.stop()
                    await console.stop()
                    await customers.close()
        finally:
            server.stop()
    # For bench/render_cost.py: the console's recording of each size (its first session).
    recordings = {row["size"]: str(record_dir / f"vp8-{row['visits'][0]}.bin")
                  for row in sessions if row["receiver"] == "console"}
    return {"seconds": seconds, "rounds": rounds(), "sessions": sessions, "ramps": ramps,
            "recordings": recordings}


def parse_size(text: str) -> tuple[int, int]:
    width, height = text.lower().split("x")
    return int(width), int(height)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=default_seconds())
    parser.add_argument("--sizes", nargs="+", default=["640x480", "1280x720"])
    parser.add_argument("--record-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--profile", action="store_true", help="py-spy the console afterwards")
    args = parser.parse_args()
    result = asyncio.run(run([parse_size(s) for s in args.sizes], args.seconds,
                             args.record_dir, args.profile))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
