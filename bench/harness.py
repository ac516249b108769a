"""What every benchmark needs: a demo server of its own, advisors and appointments on it,
real Chromium, the advisor side in a process of its own, and CPU and memory read from
/proc.

``VB_BENCH_QUICK=1`` shortens every benchmark to a smoke run (see :func:`quick`).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
WEB = BENCH / "web"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.core.config import Settings
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.fixtures.server import CHEAP_HASHING, ServerProcess, server_env as launcher_env

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_CLOCK = "() => performance.timeOrigin + performance.now()"


def quick() -> bool:
    """A smoke run: fewer repetitions, shorter sessions (``VB_BENCH_QUICK=1``)."""
    return os.environ.get("VB_BENCH_QUICK", "") not in ("", "0")


def python() -> str:
    return sys.executable


# Figures --------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) by the nearest-rank method; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt(value: float | None, digits: int = 0) -> str:
    """A figure for a Markdown table; an en dash when there is none."""
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:,.{digits}f}"


def ratio(ours: float | None, reference: float | None) -> str:
    if not ours or not reference or ours != ours or reference != reference:
        return "–"
    return f"{ours / reference:.2f}"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 // 1024
                   for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{cpu}, {os.cpu_count()} cores, {memory} GiB, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


# /proc ----------------------------------------------------------------------------------


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mib(pid: int) -> float:
    """Resident memory of one process (MiB)."""
    return _status_kib(pid, "VmRSS") / 1024


def pss_mib(pids: Sequence[int]) -> float:
    """Proportional memory of several processes together (MiB): shared pages counted once."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total / 1024


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time used so far by ``pids`` (all their threads)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _processes() -> dict[int, tuple[int, str]]:
    """Every process: pid → (parent pid, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        found[int(entry.name)] = (parent, command)
    return found


def process_tree(marker: str) -> list[int]:
    """The process whose command line holds ``marker``, and all its descendants."""
    table = _processes()
    roots = [pid for pid, (_, command) in table.items() if marker in command]
    tree = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in table.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sorted(tree)


@dataclass
class CpuWindow:
    """CPU used by a set of processes between :meth:`start` and :meth:`stop`."""

    pids: Sequence[int]
    started: float = 0.0
    cpu_at_start: float = 0.0
    seconds: float = 0.0
    cpu: float = 0.0

    def start(self) -> None:
        self.started, self.cpu_at_start = time.monotonic(), cpu_seconds(self.pids)

    def stop(self) -> None:
        self.seconds = time.monotonic() - self.started
        self.cpu = cpu_seconds(self.pids) - self.cpu_at_start

    @property
    def percent(self) -> float:
        """Of one core."""
        return 100 * self.cpu / self.seconds if self.seconds else float("nan")


# The server -------------------------------------------------------------------------------


# Passwords hashed at the server's own cost (its defaults), not the tests' cheap one.
REAL_HASHING = {f"VB_{name.upper()}": str(Settings.model_fields[name].default)
                for name in CHEAP_HASHING}


def server_env(**extra: str) -> dict[str, str]:
    """The environment of every process a benchmark starts: without the caller's VB_*
    settings (a bench run is reproducible), logging JSON lines, passwords hashed at the
    server's own cost (not the tests' cheap one)."""
    return launcher_env(VB_LOG_JSON="true", **REAL_HASHING, **extra)


class DemoServer(ServerProcess):
    """``videoberatung-server demo`` in a subprocess (the tests' launcher): fresh SQLite,
    its own port and folder.

    Benchmarks add advisors with five-minute slots and book an appointment "now" for
    every visit; an appointment whose visit has ended frees its slot again.
    """

    def __init__(self, data_dir: Path, **env: str) -> None:
        super().__init__(None, data_dir, {"VB_LOG_JSON": "true", **REAL_HASHING, **env},
                         command="demo")
        self.passwords: dict[str, str] = {}

    def _settings(self) -> Any:
        from server.core.config import load_settings

        return load_settings(data_dir=self.data_dir, database_url=self.resolved_database_url,
                             public_url=self.url)

    async def add_advisor(self, username: str, display_name: str) -> str:
        """A new advisor with five-minute slots; returns the password."""
        from server.accounts.service import create_advisor
        from server.core.security import new_token
        from server.db.session import Database

        password = new_token(12)
        database = Database(self.resolved_database_url)
        try:
            async with database.session() as session:
                await create_advisor(session, username=username, password=password,
                                     display_name=display_name,
                                     email=f"{username}@example.com", slot_minutes=5)
        finally:
            await database.dispose()
        self.passwords[username] = password
        return password

    async def book_now(self, username: str) -> str:
        """An appointment with ``username`` that can be joined now; returns its join path.

        It starts this very second (no two appointments of an advisor may start at the
        same time, even once done). An appointment whose visit did not end (a failed run)
        keeps its five minutes: then the next five minutes are tried, up to half an hour
        ahead (the join link opens half an hour before the start).
        """
        from sqlalchemy import select

        from server.booking import service as booking
        from server.core.errors import DomainError
        from server.db.models import Advisor, utcnow
        from server.db.session import Database

        settings = self._settings()
        database = Database(self.resolved_database_url)
        now = utcnow().replace(microsecond=0)
        try:
            for slot in range(6):
                try:
                    async with database.session() as session:
                        advisor = await session.scalar(
                            select(Advisor).where(Advisor.username == username))
                        assert advisor is not None, f"no advisor {username}"
                        booked = await booking.book(
                            session, settings, topic_id=None, advisor_id=advisor.id,
                            start=now + timedelta(minutes=5 * slot),
                            customer=booking.CustomerDetails(
                                "Erika Mustermann", "erika@example.com", "+49301234567", "de"),
                            consent=None, booked_by=advisor)
                        return f"/join/{booked.join_token}"
                except DomainError:
                    continue
        finally:
            await database.dispose()
        raise RuntimeError(f"no free slot for {username} in the next half hour")

    def credentials_file(self, username: str) -> Path:
        """The console's ``--credentials-file`` for ``username`` (mode 0600)."""
        path = self.data_dir / f"credentials-{username}.json"
        path.write_text(json.dumps({"server": self.url, "username": username,
                                    "password": self.passwords[username]}))
        path.chmod(0o600)
        return path

    async def token(self, username: str) -> str:
        import httpx

        async with httpx.AsyncClient(base_url=self.url) as http:
            response = await http.post("/api/v1/auth/sign-in", json={
                "username": username, "password": self.passwords[username]})
            response.raise_for_status()
            return str(response.json()["token"])


# Chromium --------------------------------------------------------------------------------


async def launch_chromium(playwright: Any, role: str, *extra: str) -> Any:
    """Debian Chromium, headless, with fake devices. ``role`` lands on the browser's
    command line, so :func:`process_tree` finds all of its processes."""
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: run scripts/bootstrap")
    return await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=[*CHROMIUM_ARGS, f"--vb-bench-role={role}-{os.getpid()}", *extra])


def browser_processes(role: str) -> list[int]:
    return process_tree(f"--vb-bench-role={role}-{os.getpid()}")


async def clock_offset(page: Any) -> float:
    """Page clock (``performance.timeOrigin + now()``, ms) minus ``time.time()`` (ms),
    from the quickest of a few round trips."""
    best: tuple[float, float] | None = None
    for _ in range(7):
        before = time.time() * 1000
        seen = await page.evaluate(PAGE_CLOCK)
        after = time.time() * 1000
        if best is None or after - before < best[0]:
            best = (after - before, seen - (before + after) / 2)
    assert best is not None
    return best[1]


# The advisor side in a process of its own ---------------------------------------------------


class AdvisorProcess:
    """``bench/advisor_side.py``: our engine or the whole console, answering customers of
    one advisor by itself; asked for its figures over stdin/stdout (JSON lines)."""

    def __init__(self, mode: str, server: DemoServer, username: str,
                 *extra: str, env: dict[str, str] | None = None) -> None:
        self.mode = mode
        self.arguments = [str(BENCH / "advisor_side.py"), "--mode", mode,
                          "--credentials-file", str(server.credentials_file(username)), *extra]
        self.env = env or {}
        self.process: asyncio.subprocess.Process | None = None
        self.log = server.data_dir / f"advisor-{mode}-{username}.log"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, timeout: float = 60) -> None:
        env = server_env(QT_QPA_PLATFORM="offscreen",
                         PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", **self.env)
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                python(), *self.arguments, cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=log, limit=2**26)
        await self._read("ready", timeout)

    async def _read(self, kind: str, timeout: float) -> dict[str, Any]:
        assert self.process is not None and self.process.stdout is not None
        async with asyncio.timeout(timeout):
            while True:
                line = await self.process.stdout.readline()
                if not line:
                    raise RuntimeError(f"advisor_side.py ({self.mode}) ended; see {self.log}")
                message: dict[str, Any] = json.loads(line)
                if message.get("event") == kind:
                    return message

    async def ask(self, command: str, timeout: float = 30, **arguments: Any) -> dict[str, Any]:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": command, **arguments}).encode() + b"\n")
        await self.process.stdin.drain()
        return await self._read(command, timeout)

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        try:
            await self.ask("quit", timeout=20)
            await asyncio.wait_for(self.process.wait(), 20)
        except (TimeoutError, RuntimeError, BrokenPipeError, ConnectionResetError):
            self.process.kill()
            await self.process.wait()
