"""Nothing the console waits for blocks its window: with a keyring that takes a second per
call and a server a second away, the automatic sign-in, the start of the main window and
„Abmelden“ keep the event loop turning (a 50 ms QTimer keeps firing on time).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import keyring
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import advisor_app.controller  # noqa: F401  (imported before the clock starts, as at a real start)
from advisor_app.app import Console, configure_application
from advisor_app.credentials import SERVICE, keyring_key
from advisor_app.settings import ConsoleSettings
from tests.advisor.ui.conftest import MemoryKeyring
from tests.advisor.ui.test_console_live import eventually, run_on_qasync
from tests.fixtures.server import ServerProcess

pytestmark = pytest.mark.isolated

DELAY = 1.0  # each keyring call, and everything the console sends to the server
TICK_MS = 50
LATE = 0.35  # a tick this late means the loop was blocked (a blocked call takes DELAY)


class SlowKeyring(MemoryKeyring):
    """A keyring backend that takes :data:`DELAY` for every call, and notes the thread."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, bool]] = []  # (call, on the GUI thread)

    def _slow(self, call: str) -> None:
        self.calls.append((call, threading.current_thread() is threading.main_thread()))
        time.sleep(DELAY)

    def get_password(self, service: str, username: str) -> str | None:
        self._slow("get")
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._slow("set")
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._slow("delete")
        super().delete_password(service, username)


class SlowLink:
    """A TCP relay to a local port that holds everything the console sends for
    :data:`DELAY` before passing it on: a server far away, as the console sees it."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True, name="slow-link").start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, DELAY), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, 0.0), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket, delay: float) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                time.sleep(delay)
                sink.sendall(chunk)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()
        for connection in self._sockets:
            connection.close()


@pytest.fixture
def slow_keyring() -> Iterator[SlowKeyring]:
    previous = keyring.get_keyring()
    backend = SlowKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_a_slow_keyring_and_a_slow_server_never_freeze_the_window(
    qtbot: QtBot, live_server: ServerProcess, slow_keyring: SlowKeyring,
    console_settings: ConsoleSettings,
) -> None:
    configure_application(QApplication.instance())  # type: ignore[arg-type]
    link = SlowLink(int(live_server.url.rsplit(":", 1)[1]))
    credentials = live_server.advisor_credentials
    console_settings.server_url = link.url
    console_settings.username = credentials["username"]
    console_settings.remember = True
    slow_keyring.passwords[(SERVICE, keyring_key(link.url, credentials["username"]))] = (
        credentials["password"])
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))

    async def scenario() -> None:
        console = Console(console_settings)
        qtbot.addWidget(console.dialog)
        timer.start()
        started = time.monotonic()
        try:
            await console.start()  # signs in with the remembered password
            assert not console.dialog.isVisible()
            window, controller = console.window, console.controller
            assert window is not None and controller is not None
            await eventually(lambda: window.connection_label.text() == "Verbunden",
                             "connected", timeout=30)
            assert console._started is not None
            await eventually(console._started.done, "appointments and messages loaded",
                             timeout=30)
            window.sign_out_action.trigger()
            await eventually(console.dialog.isVisible, "signed out", timeout=30)
            await eventually(lambda: not slow_keyring.passwords, "password forgotten",
                             timeout=30)
            await eventually(lambda: console._lifecycle is not None and console._lifecycle.done(),
                             "sign-out finished", timeout=30)
        finally:
            timer.stop()
            await console.close()
        took = time.monotonic() - started
        assert took > 4 * DELAY, "the keyring and the server really were slow"
        calls = [call for call, _ in slow_keyring.calls]
        assert calls == ["get", "set", "delete"], calls
        assert not any(on_gui for _, on_gui in slow_keyring.calls), slow_keyring.calls
        gaps = [later - earlier for earlier, later in zip([started, *ticks], ticks, strict=False)]
        assert len(ticks) > took / (TICK_MS / 1000) / 2
        assert max(gaps) < LATE, f"the event loop stood still for {max(gaps):.2f} s"

    try:
        run_on_qasync(scenario, timeout=120)
    finally:
        link.close()
