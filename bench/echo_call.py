"""Echo benchmark in a real call: the customer in Chromium (German speech from espeak-ng
as the page's microphone) talks with the console's controller (Qt offscreen, the qasync
loop, the whole audio path: AudioOutput, the simulated laptop room, AudioInput with the
console's processing, aiortc) through the demo server. The page records what it receives
from the advisor; the processing goes on and off in turns within the one call, and the
advisor talks at times over the customer (tests/fixtures/echo_call.py).

Per state: the echo level the page receives (dB below the customer's speech as the
console played it), the echo reduction against what the microphone heard, how much of
the advisor's voice the page hears where both talk; convergence at the call's start and
after switching on again.

Run: ``.venv/bin/python bench/echo_call.py`` (``--quick``: three phases); the figures are
printed as JSON on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from customer import Customer
from harness import DemoServer, launch_chromium

from tests.fixtures.echo_call import (
    RECORDER,
    EchoCall,
    Phase,
    analyse,
    chromium_microphone,
    customer_wav,
)

# On, then off and on in turns; the advisor talks in every phase after the first.
PLAN = (Phase(8, True), Phase(8, False, True), Phase(8, True, True), Phase(8, False),
        Phase(8, True), Phase(8, False, True), Phase(8, True, True))
QUICK_PLAN = (Phase(6, True), Phase(6, False, True), Phase(6, True, True))


async def measure(plan: tuple[Phase, ...]) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="vb-bench-echo-") as folder:
        server = DemoServer(Path(folder) / "var")
        await asyncio.to_thread(server.start)
        try:
            password = await server.add_advisor("echo", "Echo Beraterin")
            wav = customer_wav(Path(folder) / "customer.wav")
            async with async_playwright() as playwright:
                browser = await launch_chromium(playwright, "echo-customer",
                                                *chromium_microphone(wav))
                customer = Customer(browser, server, scripts=(RECORDER,))
                try:
                    call = EchoCall(server.url, "echo", password, plan)

                    async def join() -> Any:
                        await customer.join(await server.book_now("echo"))
                        return customer.page

                    async def choose(_page: Any) -> None:
                        await customer.choose_video(see_advisor=False, show_me=False)

                    result = analyse(await call.run(join, choose))
                finally:
                    await customer.close()
                    await browser.close()
        finally:
            server.stop()
    result["plan"] = [[phase.seconds, phase.processing, phase.advisor_talks] for phase in plan]
    return result


def run(quick: bool = False) -> dict[str, Any]:
    """The benchmark on a qasync loop in this process (the console's QObjects need it)."""
    from PySide6.QtWidgets import QApplication

    from advisor_app.app import console_loop

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    loop = console_loop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(measure(QUICK_PLAN if quick else PLAN))
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(json.dumps(run(args.quick), default=float))


if __name__ == "__main__":
    main()
