"""Server capacity: N customers waiting on one instance over WebSockets.

Measures the server's memory with N customers connected and waiting, and how long a
queue change (the first customer stops waiting, so everyone moves up one place) takes to
reach all of them (p50, p99). Compares message throughput (ping → pong) with a bare
``websockets`` echo server in the same run.

    .venv/bin/python bench/server_capacity.py --customers 100 1000 5000

Customers connect from many loopback addresses (127.0.1.x), since one address may hold
only a few connections.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import DemoServer, percentile, rss_mib

from tests.fixtures.processes import free_port

PER_ADDRESS = 15


def local_address(index: int) -> str:
    n = index // PER_ADDRESS
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


DEMO_TOPIC = 1  # the first topic the demo seeds


async def start_server(data_dir: Path) -> DemoServer:
    """A demo server (SQLite) on a free port."""
    # The per-connection rate limit would measure itself, not the server: lift it.
    server = DemoServer(data_dir, VB_HEARTBEAT_SECONDS="300",
                        VB_WS_MESSAGES_PER_SECOND="1000000", VB_WS_BURST="1000000")
    await asyncio.to_thread(server.start)
    return server


def server_pid(server: DemoServer) -> int:
    assert server.process is not None
    return server.process.pid


async def consent(port: int) -> dict[str, str]:
    import httpx

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        return {f"{doc}_sha256": (await http.get(f"/api/v1/public/legal/{doc}")).json()["sha256"]
                for doc in ("privacy", "terms", "security")}


class Customer:
    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.place: int | None = None
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for raw in self.socket:
            message = json.loads(raw)
            if message.get("type") == "queue_status":
                self.place = message["place"]
                self.changed.set()


async def connect_customer(port: int, index: int, topic_id: int,
                           agreed: dict[str, str]) -> Customer:
    socket = await websockets.connect(f"ws://127.0.0.1:{port}/ws/customer",
                                      local_addr=(local_address(index), 0), max_size=2**20)
    await socket.send(json.dumps({"type": "hello", "protocol": 1, "topic_id": topic_id}))
    await socket.recv()
    await socket.send(json.dumps({"type": "sign_in", "name": f"Kunde {index}",
                                  "phone": "030 1234567", "consent": agreed}))
    while json.loads(await socket.recv()).get("type") != "signed_in":
        pass
    return Customer(socket)


async def queue_change(customers: list[Customer]) -> list[float]:
    """The first in line gives up; seconds until each other customer saw its new place."""
    first = next(c for c in customers if c.place == 1)
    others = [c for c in customers if c is not first]
    for customer in others:
        customer.changed.clear()
    started = time.perf_counter()
    await first.socket.send(json.dumps({"type": "give_up"}))
    delays: list[float] = []

    async def wait(customer: Customer) -> None:
        await customer.changed.wait()
        delays.append(time.perf_counter() - started)

    await asyncio.wait_for(asyncio.gather(*[wait(c) for c in others]), 300)
    return delays


async def _round_trips(socket: Any, payload: str, messages: int) -> float:
    started = time.perf_counter()
    for _ in range(messages):
        await socket.send(payload)
        await socket.recv()
    return messages / (time.perf_counter() - started)


async def ping_throughput(url: str, messages: int, payload: str) -> float:
    async with websockets.connect(url) as socket:
        return await _round_trips(socket, payload, messages)


async def echo_server(port: int) -> Any:
    async def echo(socket: Any) -> None:
        async for message in socket:
            await socket.send(json.dumps({"type": "pong"}) if message else message)

    return await websockets.serve(echo, "127.0.0.1", port)


async def run(sizes: list[int]) -> list[dict[str, Any]]:
    results = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            server = await start_server(Path(folder))
            port, topic_id = server.port, DEMO_TOPIC
            try:
                agreed = await consent(port)
                idle = rss_mib(server_pid(server))
                customers: list[Customer] = []
                for start in range(0, size, 100):
                    customers += await asyncio.gather(*[
                        connect_customer(port, i, topic_id, agreed)
                        for i in range(start, min(size, start + 100))])
                await asyncio.sleep(2)
                loaded = rss_mib(server_pid(server))
                delays = await queue_change(customers)
                results.append({
                    "customers": size, "rss_idle_mib": round(idle, 1),
                    "rss_loaded_mib": round(loaded, 1),
                    "kib_per_customer": round((loaded - idle) * 1024 / size, 1),
                    "change_p50_ms": round(statistics.median(delays) * 1000, 1),
                    "change_p99_ms": round(percentile(delays, 0.99) * 1000, 1),
                })
                for customer in customers:
                    await customer.socket.close()
            finally:
                await asyncio.to_thread(server.stop)
    return results


async def throughput() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        server = await start_server(Path(folder))
        port, topic_id = server.port, DEMO_TOPIC
        echo_port = free_port()
        echo = await echo_server(echo_port)
        try:
            ping = json.dumps({"type": "ping"})
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws/customer") as socket:
                await socket.send(json.dumps({"type": "hello", "protocol": 1,
                                              "topic_id": topic_id}))
                await socket.recv()
                ours = await _round_trips(socket, ping, 2000)
            bare = await ping_throughput(f"ws://127.0.0.1:{echo_port}", 2000, ping)
        finally:
            echo.close()
            await asyncio.to_thread(server.stop)
    return {"ours_msgs_per_s": round(ours, 1), "bare_echo_msgs_per_s": round(bare, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, nargs="+", default=[100, 1000])
    args = parser.parse_args()
    print(json.dumps({"capacity": asyncio.run(run(args.customers)),
                      "throughput": asyncio.run(throughput())}, indent=2))


if __name__ == "__main__":
    main()
