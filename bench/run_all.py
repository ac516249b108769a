"""``make bench``: run the benchmarks and write docs/benchmarks.md.

Only the server-capacity comparison exists so far; issue 6 adds the media, console and
page benchmarks to this same report.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

import server_capacity

REPORT = ROOT / "docs" / "benchmarks.md"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    sizes = [int(n) for n in os.environ.get("VB_BENCH_CUSTOMERS", "100 1000 5000").split()]
    capacity = asyncio.run(server_capacity.run(sizes))
    throughput = asyncio.run(server_capacity.throughput())
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}. Reproduce with `make bench`",
        "(customer counts: `VB_BENCH_CUSTOMERS=\"100 1000\" make bench`).",
        "",
        "## Server capacity: customers waiting on one instance",
        "",
        "`bench/server_capacity.py`: N customers signed in and waiting (walk-ins of one",
        "topic) over WebSockets on one instance with SQLite; then the first in line stops",
        "waiting, so every other customer's place changes. Time from that message until each",
        "customer received its new place; server memory (RSS) before and with N connected.",
        "",
        "| customers | RSS idle (MiB) | RSS with customers (MiB) | KiB per customer "
        "| change p50 (ms) | change p99 (ms) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in capacity:
        lines.append(
            f"| {row['customers']} | {row['rss_idle_mib']} | {row['rss_loaded_mib']} "
            f"| {row['kib_per_customer']} | {row['change_p50_ms']} | {row['change_p99_ms']} |")
    ratio = throughput["ours_msgs_per_s"] / throughput["bare_echo_msgs_per_s"]
    lines += [
        "",
        "## Message round trips on one connection, against a bare `websockets` echo server",
        "",
        "2,000 ping → pong round trips on one customer connection (parsed and answered",
        "by the protocol layer), against a bare `websockets` echo server in the same run.",
        "The per-connection rate limit (10/s in production) is lifted for this run.",
        "",
        "| server | messages/s |",
        "| --- | ---: |",
        f"| Videoberatung `/ws/customer` | {throughput['ours_msgs_per_s']} |",
        f"| bare `websockets` echo | {throughput['bare_echo_msgs_per_s']} |",
        f"| ratio | {ratio:.3f} |",
        "",
    ]
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print(REPORT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
