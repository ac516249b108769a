"""The two advisors the media benchmarks compare, behind one interface: our engine or
console (bench/advisor_side.py in a process of its own), and Chromium playing the advisor
(bench/web/advisor.js in a browser of its own). Each accepts its own customers (its own
advisor account) by itself and reports, per visit, the first decoded frame and the
numbered frames it showed, on the Python clock (``time.time()``, seconds)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import barcode
from harness import (
    WEB,
    AdvisorProcess,
    DemoServer,
    browser_processes,
    clock_offset,
    launch_chromium,
)


class ConsoleReceiver:
    """Our side: ``engine`` (HeadlessAdvisor) or ``console`` (the whole PySide6 console)."""

    def __init__(self, mode: str, server: DemoServer, username: str,
                 record_dir: Path | None = None, *, remb: bool = True,
                 aiortc_bitrates: bool = False) -> None:
        extra = ["--record-dir", str(record_dir)] if record_dir else []
        self.name = mode
        if not remb:
            extra.append("--no-remb")
            self.name += " without REMB"
        if aiortc_bitrates:
            extra.append("--aiortc-bitrates")
            self.name += " with aiortc's bitrates"
        self.username = username
        self.process = AdvisorProcess(mode, server, username, *extra)

    async def start(self) -> None:
        await self.process.start()

    def pids(self) -> list[int]:
        return [self.process.pid]

    async def report(self) -> dict[str, Any]:
        return await self.process.ask("report")

    async def end_visit(self) -> None:
        await self.process.ask("end")

    async def record(self, on: bool) -> None:
        """Keep the encoded frames of the next visits (``--record-dir``), or stop."""
        await self.process.ask("record", on=on)

    async def stop(self) -> None:
        await self.process.stop()


class ChromiumReceiver:
    """Chromium as the advisor, in a browser of its own, through the same server."""

    def __init__(self, playwright: Any, server: DemoServer, username: str,
                 video_size: tuple[int, int] = (640, 360), *browser_args: str) -> None:
        self.name = "chromium"
        self.browser_args = browser_args
        self.playwright = playwright
        self.server = server
        self.username = username
        self.video_size = video_size
        self.browser: Any = None
        self.page: Any = None
        self.offset_ms = 0.0

    async def start(self) -> None:
        # The page comes from Playwright's router, not from an address: Chromium's local
        # network access checks would then refuse its WebSocket to the server on loopback.
        self.browser = await launch_chromium(self.playwright, "receiver",
                                             "--autoplay-policy=no-user-gesture-required",
                                             "--disable-features=LocalNetworkAccessChecks",
                                             *self.browser_args)
        context = await self.browser.new_context(viewport={
            "width": self.video_size[0] + 40, "height": self.video_size[1] + 40})
        page = await context.new_page()
        for name, kind in (("advisor.html", "text/html"), ("advisor.js", "text/javascript")):
            await page.route(f"{self.server.url}/bench/{name}", _serve(WEB / name, kind))
        config = barcode.page_config(0, 0, 0)
        config.update({"token": await self.server.token(self.username),
                       "videoWidth": self.video_size[0], "videoHeight": self.video_size[1]})
        await page.add_init_script(f"window.__vbAdvisorConfig = {json.dumps(config)};")
        await page.goto(f"{self.server.url}/bench/advisor.html")
        await page.wait_for_function("() => window.__vbAdvisor?.ready", timeout=30_000)
        self.page = page
        self.offset_ms = await clock_offset(page)

    def pids(self) -> list[int]:
        return browser_processes("receiver")

    async def report(self) -> dict[str, Any]:
        state = await self.page.evaluate("""() => {
            const s = window.__vbAdvisor, visit = s.visit ?? Object.values(s.visits).at(-1);
            const record = visit ? s.visits[visit.id] : null;
            return {record, errors: s.errors};
        }""")
        record = state["record"] or {}
        shift = self.offset_ms

        def seconds(at: float | None) -> float | None:
            return None if at is None else (at - shift) / 1000

        return {"visit": record.get("id"), "first_frame": seconds(record.get("firstFrame")),
                "frame_size": record.get("size"), "widget_size": list(self.video_size),
                "decoded": [], "painted": [(n, seconds(t)) for n, t in record.get("frames", [])],
                "frames": [(seconds(t), w, h) for t, w, h in record.get("shown", [])],
                "errors": state["errors"]}

    async def inbound(self) -> dict[str, Any]:
        """The inbound-rtp statistics of the current peer connection, by kind."""
        found: dict[str, Any] = await self.page.evaluate("window.__vbAdvisorInbound()")
        return found

    async def end_visit(self) -> None:
        await self.page.evaluate("window.__vbEndVisit()")
        await asyncio.sleep(0.5)

    async def stop(self) -> None:
        if self.browser is not None:
            await self.browser.close()


def _serve(path: Path, content_type: str) -> Any:
    body = path.read_text()

    async def fulfill(route: Any) -> None:
        await route.fulfill(body=body, content_type=content_type)

    return fulfill
