"""The ``videoberatung-server`` command line, run as a real subprocess."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from server.cli import UsageError, parse_windows
from tests.fixtures.live import LiveClient
from tests.fixtures.server import ServerProcess, server_env

ROOT = Path(__file__).parents[2]


def run_cli(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args, "--data-dir", str(data_dir)],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=server_env(), check=False,
        timeout=60,
    )


def test_parse_windows() -> None:
    windows = parse_windows(["mon-wed 09:00-12:00", "sun 20:00-24:00"])
    assert [(w.weekday, w.start.hour, w.end.hour) for w in windows] == [
        (0, 9, 12), (1, 9, 12), (2, 9, 12), (6, 20, 0)]
    with pytest.raises(UsageError, match="bad window"):
        parse_windows(["monday 9-5"])
    with pytest.raises(UsageError, match="end after"):
        parse_windows(["mon 12:00-09:00"])


def test_set_up_an_advisor_and_book_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "var"
    assert run_cli(data, "migrate").returncode == 0
    assert run_cli(data, "add-topic", "--slug", "rente", "--de", "Altersvorsorge",
                   "--en", "Pensions").returncode == 0
    created = run_cli(data, "add-advisor", "--username", "Clara", "--name", "Clara Kühn",
                      "--email", "clara@example.com", "--topics", "rente", "--password-stdin",
                      stdin="a long enough secret\n")
    assert created.returncode == 0, created.stderr
    assert "a long enough secret" not in created.stdout + created.stderr
    assert run_cli(data, "set-availability", "--username", "clara",
                   "--window", "mon-fri 09:00-17:00").returncode == 0

    in_a_month = (date.today() + timedelta(days=30)).isoformat()
    booked = run_cli(data, "book", "--advisor", "clara", "--start", f"{in_a_month} 10:00",
                     "--name", "Erika Mustermann", "--email", "erika@example.com",
                     "--phone", "030 1234567", "--topic", "rente")
    assert booked.returncode == 0, booked.stderr
    assert re.search(r"http://localhost:8080/join/[A-Za-z0-9_-]{22}", booked.stdout)


def test_password_is_never_an_argument_and_must_be_strong(tmp_path: Path) -> None:
    data = tmp_path / "var"
    run_cli(data, "migrate")
    as_argument = run_cli(data, "add-advisor", "--username", "x1", "--name", "X",
                          "--email", "x@example.com", "--password", "long enough pw")
    assert as_argument.returncode == 2
    weak = run_cli(data, "add-advisor", "--username", "x1", "--name", "X",
                   "--email", "x@example.com", "--password-stdin", stdin="short\n")
    assert weak.returncode == 2
    assert "at least 10 characters" in weak.stderr


def test_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    data = tmp_path / "var"
    run_cli(data, "migrate")
    result = run_cli(data, "book", "--advisor", "nobody", "--start", "2031-06-02 10:00",
                     "--name", "E", "--email", "e@example.com", "--phone", "030 1234567")
    assert result.returncode == 2
    assert result.stderr.strip() == "videoberatung-server: no advisor 'nobody'"
    bad_phone = run_cli(data, "book", "--advisor", "nobody", "--start", "2031-06-02 10:00",
                        "--name", "E", "--email", "e@example.com", "--phone", "12")
    assert bad_phone.returncode == 2 and "phone" in bad_phone.stderr


def test_demo_seeds_an_appointment_now_and_serves(live_server: ServerProcess) -> None:
    health = httpx.get(f"{live_server.url}/healthz")
    assert health.status_code == 200 and health.json()["database"] == "ok"
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    assert "/api/v1/public/bookings" in spec["paths"]

    credentials = live_server.advisor_credentials
    signed_in = httpx.post(f"{live_server.url}/api/v1/auth/sign-in", json={
        "username": credentials["username"], "password": credentials["password"]})
    assert signed_in.status_code == 200
    token = signed_in.json()["token"]
    today = httpx.get(f"{live_server.url}/api/v1/appointments",
                      headers={"Authorization": f"Bearer {token}"}).json()
    assert [a["customer"]["name"] for a in today] == ["Erika Mustermann"]

    # The confirmation of the demo appointment was delivered into the outbox folder
    # (the fixture waits for it).
    [mail] = live_server.outbox_messages()
    assert "/join/" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert list(live_server.outbox_dir.glob("*.tmp")) == []
    # Without a mail server the join link is in the log, and the demo printed it too.
    log = live_server.log_path.read_text()
    printed = re.search(r"Appointment now:\s+(\S+)", log)
    assert printed is not None
    assert f"join link: {printed.group(1)}" in log


async def test_deactivate_advisor_ends_their_sign_ins_and_open_console(
    live_server: ServerProcess,
) -> None:
    credentials = live_server.advisor_credentials
    sign_in = {"username": credentials["username"], "password": credentials["password"]}
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        token = (await http.post("/api/v1/auth/sign-in", json=sign_in)).json()["token"]
        console = await LiveClient.connect(live_server.url.replace("http", "ws") + "/ws/advisor")
        await console.send(type="hello", protocol=1, token=token)
        await console.expect("welcome")

        result = await asyncio.to_thread(run_cli, live_server.data_dir, "deactivate-advisor",
                                         credentials["username"])
        assert result.returncode == 0, result.stderr
        assert "deactivated" in result.stdout

        # Without Redis the CLI cannot reach the server: the console's next message (at
        # the latest its heartbeat ping) finds the sign-in ended, and the socket closes.
        await console.send(type="ping")
        await asyncio.wait_for(console.closed.wait(), 1.0)
        assert console.connection.close_code == 1008
        assert console.received[-1]["code"] == "not_authenticated"
        me = await http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401
        assert (await http.post("/api/v1/auth/sign-in", json=sign_in)).status_code == 401

    unknown = await asyncio.to_thread(run_cli, live_server.data_dir, "deactivate-advisor",
                                      "nobody")
    assert unknown.returncode == 2 and "no advisor 'nobody'" in unknown.stderr


def test_both_console_scripts_are_installed() -> None:
    bin_dir = Path(sys.executable).parent
    server = subprocess.run([str(bin_dir / "videoberatung-server"), "--help"],
                            capture_output=True, text=True, check=False)
    assert server.returncode == 0
    for command in ("serve", "migrate", "add-advisor", "deactivate-advisor", "book", "demo"):
        assert command in server.stdout
    advisor = subprocess.run([str(bin_dir / "videoberatung-advisor"), "--version"],
                             capture_output=True, text=True, check=False)
    assert advisor.returncode == 0 and advisor.stdout.startswith("videoberatung-advisor ")
