"""Customer page weight: what Chromium transfers, and how long it takes, until step 1 of
the join page („Chat starten“) is shown and can be clicked.

A fresh browser context (empty cache) opens a join link; counted are the bytes on the
wire (headers and compressed bodies) of every response until the button is usable, and
the time from the start of the navigation until it is (checked every animation frame,
bench/web/usable.js). On loopback, and on a slow line as a phone on mobile data sees it
(Chromium's network emulation per request, and a CPU four times slower). Against, in the
same run and on the same lines, a bare page with nothing but the heading and the button
(one HTML document, no CSS, no script) served from loopback by Python's ``http.server``:
the floor of any page.

    .venv/bin/python bench/page_weight.py [--loads 7]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import json
import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, WEB, DemoServer, launch_chromium, median, quick

USABLE = (WEB / "usable.js").read_text()

LINES: dict[str, dict[str, Any] | None] = {
    "loopback": None,
    "slow line (1.6 Mbit/s, 150 ms per request, CPU ÷4)": {
        "latency": 150, "download": 1.6e6 / 8, "upload": 750e3 / 8, "cpu": 4},
}

BARE_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Ihre Videoberatung</title>
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>Ihr Beratungsraum ist geöffnet</h1>
<button type="button" id="start-button">Chat starten</button></body></html>
"""


def module_graph(entry: Path, web_root: Path, skip: frozenset[str] = frozenset()) -> list[str]:
    """The URL paths (/static/...) of every module ``entry`` imports, transitively, not
    following the modules in ``skip``."""
    found: list[str] = []
    pending = [entry]
    while pending:
        module = pending.pop()
        for target in re.findall(r'^\s*(?:import|export)[^"\']*["\']([^"\']+\.js)["\']',
                                 module.read_text(), re.MULTILINE):
            path = (module.parent / target).resolve()
            url = "/static/" + path.relative_to(web_root).as_posix()
            if url not in found and url not in skip:
                found.append(url)
                pending.append(path)
    return found


def later_steps() -> set[str]:
    """The modules step 1 loads only because ``join.js`` imports ``visit.js`` (the system
    check and everything after it)."""
    web = ROOT / "customer_web"
    visit = "/static/join/visit.js"
    landing = set(module_graph(web / "join" / "join.js", web, frozenset({visit})))
    return {visit, *module_graph(web / "join" / "visit.js", web)} - landing


def serve_bare_page() -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = BARE_PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(ConnectionError):  # a context closed meanwhile
                self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/join/bare"


async def load(browser: Any, url: str, line: dict[str, Any] | None) -> dict[str, Any]:
    """One cold load of ``url``: bytes, responses and milliseconds until usable."""
    context = await browser.new_context(viewport={"width": 390, "height": 844},
                                        locale="de-DE")
    try:
        page = await context.new_page()
        await page.add_init_script(USABLE)
        cdp = await context.new_cdp_session(page)
        if line is not None:
            await cdp.send("Network.enable")
            await cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": line["latency"],
                "downloadThroughput": line["download"], "uploadThroughput": line["upload"]})
            await cdp.send("Emulation.setCPUThrottlingRate", {"rate": line["cpu"]})
        sizes: list[tuple[str, asyncio.Task[dict[str, int]]]] = []
        page.on("requestfinished", lambda request: sizes.append(
            (urlsplit(request.url).path, asyncio.ensure_future(request.sizes()))))
        await page.goto(url, wait_until="commit")
        await page.wait_for_function("() => window.__vbUsable !== undefined", timeout=60_000)
        usable = await page.evaluate("window.__vbUsable")
        # Responses finished by then (a late one only adds what came before "usable").
        done = {path: await task for path, task in sizes}
        by_path = {path: s["responseBodySize"] + s["responseHeadersSize"]
                   for path, s in done.items()}
        later = later_steps()
        return {"ms": usable, "responses": len(done), "bytes": sum(by_path.values()),
                "later_steps_bytes": sum(size for path, size in by_path.items()
                                         if path in later)}
    finally:
        await context.close()


async def run(loads: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="vb-bench-") as folder:
        server = DemoServer(Path(folder) / "var")
        await asyncio.to_thread(server.start)
        await server.add_advisor("weight", "Berater")
        # Step 1 starts no visit: one link serves every load (each in an empty cache).
        links = {"join page": f"{server.url}{await server.book_now('weight')}"}
        bare, links["bare page (floor)"] = serve_bare_page()
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
        try:
            async with async_playwright() as playwright:
                browser = await launch_chromium(playwright, "customer")
                try:
                    for url in links.values():  # warm-up, not counted
                        await load(browser, url, None)
                    for _ in range(loads):
                        for line_name, line in LINES.items():
                            for page_name, url in links.items():
                                rows.setdefault(page_name, {}).setdefault(line_name, []).append(
                                    await load(browser, url, line))
                finally:
                    await browser.close()
        finally:
            bare.shutdown()
            server.stop()
    summary = {page: {line: {key: median([r[key] for r in samples])
                             for key in ("ms", "bytes", "responses", "later_steps_bytes")}
                      for line, samples in lines.items()}
               for page, lines in rows.items()}
    return {"loads": loads, "summary": summary}


def default_loads() -> int:
    return 2 if quick() else 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", type=int, default=default_loads())
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.loads)), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
