"""The customer in Chromium: the join page from the link to „Gewählte Verbindung
aufbauen“, with the probes of bench/web/ (timing of the call; optionally a numbered
canvas stream as the camera), read back on the Python clock."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from harness import WEB, DemoServer, clock_offset

PROBE = (WEB / "customer_probe.js").read_text()
CANVAS_CAMERA = (WEB / "canvas_camera.js").read_text()


class Customer:
    """One visit of one customer, in a fresh browser context of ``browser``."""

    def __init__(self, browser: Any, server: DemoServer,
                 camera: dict[str, Any] | None = None, scripts: tuple[str, ...] = ()) -> None:
        """``camera``: a numbered canvas stream instead of the fake camera
        (:func:`barcode.page_config`, with ``kbps`` to pin its bitrate); ``scripts``:
        more init scripts for the page."""
        self.browser = browser
        self.server = server
        self.camera = camera
        self.scripts = scripts
        self.context: Any = None
        self.page: Any = None
        self.offset_ms = 0.0

    async def join(self, join_path: str) -> None:
        """From the join link through „Chat starten“, the system check and „Anmelden“."""
        from playwright.async_api import expect

        self.context = await self.browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="de-DE")
        page = self.page = await self.context.new_page()
        await page.add_init_script(PROBE)
        if self.camera is not None:
            await page.add_init_script(
                f"window.__vbCameraConfig = {json.dumps(self.camera)};")
            await page.add_init_script(CANVAS_CAMERA)
        for script in self.scripts:
            await page.add_init_script(script)
        await page.goto(f"{self.server.url}{join_path}")
        await page.get_by_role("button", name="Chat starten").click()
        await expect(page.locator('[data-check="server"]')).to_have_attribute(
            "data-state", "ok", timeout=20_000)
        next_button = page.get_by_role("button", name="Weiter", exact=True)
        await expect(next_button).to_be_enabled()
        await next_button.click()
        await page.get_by_label("Ihr Name").fill("Erika Mustermann")
        await page.get_by_label("Telefonnummer für Rückrufe").fill("030 1234567")
        await page.get_by_label(
            "Ich habe die Sicherheits-, Rechts- und Datenschutzhinweise").check()
        await page.get_by_role("button", name="Anmelden").click()
        self.offset_ms = await clock_offset(page)

    async def choose_video(self, *, see_advisor: bool, show_me: bool) -> None:
        """Once the advisor accepted: „Bild und Ton übertragen“ with the two choices, then
        the click on „Gewählte Verbindung aufbauen“ (the probe notes its time)."""
        from playwright.async_api import expect

        page = self.page
        await expect(page.locator('[data-step="choice"]')).to_be_visible(timeout=30_000)
        await page.get_by_label("Bild und Ton übertragen").check()
        await page.get_by_label("Ich möchte den Berater sehen").set_checked(see_advisor)
        await page.get_by_label("Der Berater darf mich sehen").set_checked(show_me)
        await page.evaluate("window.__vbArm()")
        await page.get_by_role("button", name="Gewählte Verbindung aufbauen").click()
        await expect(page.locator('[data-step="session"]')).to_be_visible()

    def seconds(self, page_ms: float | None) -> float | None:
        """A page time (ms) on the Python clock (s)."""
        return None if page_ms is None else (page_ms - self.offset_ms) / 1000

    async def times(self) -> dict[str, float | None]:
        """The call's milestones (click, offer sent, answer applied, ICE and DTLS
        connected, first remote frame) on the Python clock."""
        noted = await self.page.evaluate("window.__vbTimes ?? {}")
        return {name: self.seconds(at) for name, at in noted.items()
                if isinstance(at, int | float)}

    async def wait_for_time(self, name: str, timeout: float = 20) -> None:
        await self.page.wait_for_function(f"() => window.__vbTimes?.{name}",
                                          timeout=timeout * 1000)

    async def painted_at(self) -> dict[int, float]:
        """Frame number → when the canvas painted it (Python clock)."""
        painted = await self.page.evaluate("window.__vbCamera.paintedAt")
        return {number: (at - self.offset_ms) / 1000
                for number, at in enumerate(painted) if at is not None}

    async def video_stats(self) -> dict[str, Any]:
        """The outgoing video's outbound-rtp statistics of the call, and the browser's
        bandwidth estimate (``availableOutgoingBitrate`` of the pair in use, bit/s)."""
        stats: dict[str, Any] = await self.page.evaluate("""async () => {
            const peer = window.__vbPeers.at(-1);
            if (!peer) return {};
            let found = {}, estimate = null;
            (await peer.getStats()).forEach((entry) => {
                if (entry.type === "outbound-rtp" && entry.kind === "video") found = entry;
                if (entry.type === "candidate-pair" && entry.nominated
                    && entry.state === "succeeded") {
                    estimate = entry.availableOutgoingBitrate ?? estimate;
                }
            });
            return {...JSON.parse(JSON.stringify(found)), availableOutgoingBitrate: estimate};
        }""")
        return stats

    async def hang_up(self) -> None:
        """„Beratung beenden“, confirmed: the visit ends, the appointment is completed."""
        from playwright.async_api import expect

        page = self.page
        page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
        await page.get_by_role("button", name="Beratung beenden").click()
        await expect(page.locator('[data-step="ended"]')).to_be_visible()

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()
            self.context = None
