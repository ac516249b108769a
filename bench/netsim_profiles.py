"""What each network profile of the impairment harness really does, measured: round
trip and loss with ping, throughput each way with iperf3 over TCP, one-way loss and
jitter with iperf3 over UDP, and how an outage and an address change look from the
customer's side. Writes docs/network-profiles.md.

The customer's end runs in its own namespace behind the router namespace that applies
the profile; the other end (iperf3's server) in the root namespace, where our server,
the console's engine and coturn sit in the tests (tests/fixtures/netsim/).

    .venv/bin/python bench/netsim_profiles.py [--seconds 5] [--output docs/network-profiles.md]
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import itertools

from harness import ROOT, machine, median, percentile

from tests.fixtures.netsim import PROFILES, ImpairedNetwork, Profile, ping
from tests.fixtures.processes import free_port, stop_process


@dataclass
class Figures:
    profile: Profile
    rtt_median: float
    rtt_p95: float
    ping_loss: float
    tcp_down_kbit: float | None
    tcp_up_kbit: float | None
    udp_rate_kbit: int
    udp_down_loss: float | None
    udp_up_loss: float | None
    udp_jitter_ms: float | None


def iperf(network: ImpairedNetwork, seconds: float, *options: str) -> dict[str, Any] | None:
    """One iperf3 run from the customer to a one-off server in the root namespace; None
    when it could not connect or run (e.g. UDP blocked). Behind a firewall that lets TCP
    through to some ports only, the server listens on the last of them (443)."""
    allowed = network.profile.tcp_ports
    port = allowed[-1] if allowed else free_port()
    server = subprocess.Popen(["iperf3", "-s", "-1", "-B", network.server_address,
                               "-p", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        result = subprocess.run(
            network.in_customer("iperf3", "-c", network.server_address, "-p", str(port),
                                "-t", str(round(seconds)), "-J", "--connect-timeout", "3000",
                                *options),
            capture_output=True, text=True, timeout=seconds + 30, check=False)
    finally:
        stop_process(server, timeout=5)
    try:
        report: dict[str, Any] = json.loads(result.stdout)
    except json.JSONDecodeError:
        return None
    return None if "error" in report else report


def tcp_kbit(network: ImpairedNetwork, seconds: float, *options: str) -> float | None:
    report = iperf(network, seconds, *options)
    return None if report is None else report["end"]["sum_received"]["bits_per_second"] / 1000


def udp(network: ImpairedNetwork, seconds: float, kbit: int,
        *options: str) -> tuple[float | None, float | None]:
    """(loss 0..1, jitter ms) of a UDP stream at ``kbit`` kbit/s."""
    report = None
    for _ in range(3):  # the control connection may fail on the lossy profiles
        report = iperf(network, seconds, "-u", "-b", f"{kbit}k", "-l", "250", *options)
        if report is not None or network.profile.udp_blocked:
            break
    if report is None:
        return None, None
    summary = report["end"]["sum"]
    if not summary.get("packets"):
        return None, None
    return summary["lost_percent"] / 100, summary["jitter_ms"]


def measure(network: ImpairedNetwork, profile: Profile, seconds: float) -> Figures:
    network.apply(profile)
    probes = ping(network, count=int(seconds * 200), interval=0.01)
    # UDP below the limit, so loss is the profile's, not the queue's.
    limit = min(filter(None, (profile.down_kbit, profile.up_kbit)), default=4000)
    rate = int(limit * 0.6)
    down_loss, jitter = udp(network, seconds, rate, "-R")
    up_loss, _ = udp(network, seconds, rate)
    return Figures(
        profile=profile,
        rtt_median=median(probes.round_trips_ms), rtt_p95=percentile(probes.round_trips_ms, 0.95),
        ping_loss=probes.loss,
        tcp_down_kbit=tcp_kbit(network, seconds, "-R"), tcp_up_kbit=tcp_kbit(network, seconds),
        udp_rate_kbit=rate, udp_down_loss=down_loss, udp_up_loss=up_loss, udp_jitter_ms=jitter)


def outage_gap(network: ImpairedNetwork, seconds: float) -> tuple[float, float]:
    """Ping every 50 ms through a cut of ``seconds``: (first answer after the end, in ms
    after it; the longest silence, in s)."""
    pinger = subprocess.Popen(network.in_customer("ping", "-n", "-D", "-i", "0.05", "-W", "1",
                                                  network.server_address),
                              stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(1)
        network.cut()
        time.sleep(seconds)
        ended = time.time()
        network.restore()
        time.sleep(2)
    finally:
        pinger.terminate()
        output, _ = pinger.communicate()
    answered = [float(line[1:line.index("]")]) for line in output.splitlines()
                if line.startswith("[") and " time=" in line]
    after = [t for t in answered if t >= ended]
    gaps = [later - earlier for earlier, later in itertools.pairwise(answered)]
    return (after[0] - ended) * 1000 if after else float("nan"), max(gaps, default=float("nan"))


def cell(value: float | None, scale: float = 1.0, digits: int = 0, unit: str = "") -> str:
    if value is None:
        return "none"
    return f"{value * scale:.{digits}f}{unit}"


def report(figures: list[Figures], outage: tuple[float, float], seconds: float,
           outage_seconds: float) -> str:
    lines = [
        "# Network profiles",
        "",
        f"Measured {date.today().isoformat()} on {machine()}, with the impairment harness",
        "(`tests/fixtures/netsim/`): the customer's end in a network namespace of its own,",
        "a router namespace that applies the profile to every packet it forwards (bandwidth",
        "with `tbf`, delay, jitter and bursty loss with an NFQUEUE holder, blocking and outages",
        "with `nft`; this kernel has no `netem`), the other end in the root namespace where",
        "the tests run our server, the console's engine and coturn.",
        "",
        f"Reproduce: `.venv/bin/python bench/netsim_profiles.py --seconds {seconds:g}` (as root,",
        "about five minutes). Ping: one probe every 10 ms; the round-trip loss counts both",
        "directions (each one-way loss about once). iperf3: TCP for the throughput each way,",
        "UDP at 60 % of the limit (250-byte datagrams) for the one-way loss and jitter,",
        f"{seconds:g} s each.",
        "",
        "| profile | set up as | RTT median | RTT p95 | ping loss (round trip) | TCP down | TCP up "
        "| UDP down loss | UDP up loss | UDP jitter |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in figures:
        p = f.profile
        setup = []
        if p.down_kbit or p.up_kbit:
            setup.append(f"{p.down_kbit}/{p.up_kbit} kbit/s")
        if p.delay_ms:
            setup.append(f"{2 * p.delay_ms:g} ms RTT ± {p.jitter_ms:g} ms")
        if p.loss:
            burst = f" in bursts of {p.burst:g}" if p.burst > 1 else ""
            setup.append(f"{p.loss * 100:g} % loss each way{burst}")
        if p.udp_blocked:
            setup.append("UDP dropped")
        if p.tcp_ports is not None:
            setup.append(f"TCP only to {', '.join(map(str, p.tcp_ports))}")
        lines.append(
            f"| {p.name} | {', '.join(setup) or 'nothing'} | {f.rtt_median:.1f} ms "
            f"| {f.rtt_p95:.1f} ms | {cell(f.ping_loss, 100, 1, ' %')} "
            f"| {cell(f.tcp_down_kbit, unit=' kbit/s')} | {cell(f.tcp_up_kbit, unit=' kbit/s')} "
            f"| {cell(f.udp_down_loss, 100, 1, ' %')} | {cell(f.udp_up_loss, 100, 1, ' %')} "
            f"| {cell(f.udp_jitter_ms, 1, 1, ' ms')} |")
    first, gap = outage
    lines += [
        "",
        "\"none\": the stream could not run at all (UDP blocked). TCP on the good profile is",
        "limited only by the machine; behind the strict firewall iperf3 runs on port 443.",
        "",
        "## Events",
        "",
        f"- **Outage** (`ImpairedNetwork.cut()` … `restore()`): {outage_seconds:g} s in which",
        "  the router forwards nothing either way. Ping every 50 ms: the longest silence",
        f"  {gap:.2f} s, the first answer {first:.0f} ms after the end.",
        "- **Address change** (`ImpairedNetwork.switch_customer_address()`): the customer's",
        "  address moves to the next one in its network at once, with its default route;",
        "  connections from the old address are dead from then on (their answers are not",
        "  delivered), like a phone moving from Wi-Fi to mobile data.",
        "",
        "What a call does through them: tests/deploy/test_network_recovery.py (each run",
        "prints the seconds until picture and sound were back on each side).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--outage", type=float, default=10.0)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "network-profiles.md")
    arguments = parser.parse_args()
    # Stopped from outside: leave through the with block, which removes the namespaces.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with ImpairedNetwork() as network:
        figures = []
        for profile in PROFILES.values():
            figures.append(measure(network, profile, arguments.seconds))
            print(figures[-1], flush=True)
        network.clear()
        outage = outage_gap(network, arguments.outage)
        print("outage", outage, flush=True)
    arguments.output.write_text(report(figures, outage, arguments.seconds, arguments.outage))
    print(f"wrote {arguments.output}")


if __name__ == "__main__":
    main()
