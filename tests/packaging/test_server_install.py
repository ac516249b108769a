"""A server install without the console: the project installed as docs/deployment.md
installs it (``pip install -e``, no extra) into a fresh virtual environment carries none
of the console's packages, and its ``videoberatung-server demo`` serves.

Installs from the local pip cache and indexes in about 20 s on an idle 2-core machine.
"""

from __future__ import annotations

import ast
import json
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
# What an operator's checkout holds that the install and the server read.
CHECKOUT = ("pyproject.toml", "README.md", "live_protocol", "server", "advisor_app", "customer_web",
            "resources")
# Import names of the console's own dependencies (the `console` extra).
CONSOLE_ONLY = ("PySide6", "shiboken6", "aiortc", "av", "qasync", "keyring")

pytestmark = pytest.mark.timeout(240)


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, at its top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.partition(".")[0])
    return found


def test_the_server_imports_nothing_of_the_console() -> None:
    console = {"advisor_app", *CONSOLE_ONLY}
    offenders = {str(path.relative_to(ROOT)): sorted(imported_packages(path) & console)
                 for path in sorted((ROOT / "server").rglob("*.py"))}
    assert {path: names for path, names in offenders.items() if names} == {}


@pytest.fixture(scope="module")
def server_venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtual environment with the server installed from a copy of the checkout
    (the install writes its metadata beside the sources)."""
    work = tmp_path_factory.mktemp("server-install")
    checkout = work / "videoberatung"
    checkout.mkdir()
    leftovers = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in CHECKOUT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=leftovers)
        else:
            shutil.copy2(source, checkout / name)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-e", str(checkout)],
        capture_output=True, text=True, timeout=200, check=False)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    yield venv
    shutil.rmtree(work)


def test_the_server_install_leaves_out_the_console_packages(server_venv: Path) -> None:
    python = str(server_venv / "bin" / "python")
    found = subprocess.run(
        [python, "-c", "import importlib.util, json, sys; print(json.dumps("
         "[name for name in sys.argv[1:] if importlib.util.find_spec(name)]))",
         *CONSOLE_ONLY],
        capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(found.stdout) == []
    listed = subprocess.run([python, "-m", "pip", "list", "--format=json"],
                            capture_output=True, text=True, timeout=60, check=True)
    distributions = {entry["name"].lower() for entry in json.loads(listed.stdout)}
    assert "videoberatung" in distributions
    assert distributions.isdisjoint({"pyside6", "pyside6-essentials", "pyside6-addons",
                                     "aiortc", "av", "qasync", "keyring"}), distributions


def test_the_server_install_runs_the_demo(server_venv: Path, tmp_path: Path) -> None:
    server = ServerProcess(None, tmp_path / "var", command="demo",
                           program=(str(server_venv / "bin" / "videoberatung-server"),),
                           cwd=tmp_path, env={"PYTHONPATH": ""})
    server.start()  # returns once /healthz answers 200
    try:
        health = httpx.get(f"{server.url}/healthz", timeout=10).json()
        assert health["status"] == "ok" and health["database"] == "ok"
        booking_page = httpx.get(f"{server.url}/book", timeout=10)
        assert booking_page.status_code == 200 and "<html" in booking_page.text.lower()
        assert server.advisor_credentials["username"]
        process = server.process
        assert process is not None
    finally:
        server.stop()
    # Stopped cleanly: uvicorn finishes its shutdown, then ends by the signal it got.
    log = server.log_path.read_text()
    assert process.returncode in (0, -signal.SIGTERM), log[-3000:]
    assert "Application shutdown complete" in log, log[-3000:]
