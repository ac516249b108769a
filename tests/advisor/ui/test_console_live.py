"""The whole console against a real server: sign in through the dialog, see customers wait,
accept, show the customer's video, send the advisor's, chat both ways, end; messages and
booking over the real REST API. Customers are simulated over the customer WebSocket, the
video ones with an aiortc peer that offers like the browser does.

With ``VB_SCREENSHOTS=<folder>`` the test also saves the screenshots for the docs; run
under an X server (``QT_QPA_PLATFORM=xcb``, e.g. Xvfb at 1024x768, 1366x768, 1920x1080) it
also saves the whole screen at the sign-in, with customers waiting and in the session,
named by the screen's size: they show whether the console fits that screen.
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import aioice.ice
import httpx
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from advisor_app.app import Console, configure_application, console_loop
from advisor_app.media import ReceivedMedia
from advisor_app.media.received import consume_track
from advisor_app.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack
from advisor_app.settings import ConsoleSettings
from advisor_app.ui.main_window import MainWindow
from tests.advisor.ui.conftest import MemoryKeyring
from tests.fixtures.live import LiveClient
from tests.fixtures.server import ServerProcess
from tests.fixtures.waiting import eventually

SHOTS = os.environ.get("VB_SCREENSHOTS")


# qasync replaces the event loop that pytest-asyncio tests elsewhere leave objects on.
pytestmark = pytest.mark.isolated

@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


def run_on_qasync(work: Callable[[], Coroutine[Any, Any, None]], timeout: float) -> None:
    """Run ``work`` on a qasync loop, as the console runs, then restore the previous loop."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    loop = console_loop(app)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(asyncio.wait_for(work(), timeout))
    finally:
        loop.close()  # also shuts down its thread pool
        asyncio.set_event_loop(None)
        # The closed loop's timer object and the test's Qt objects are now garbage: free
        # them here, on the GUI thread. Left to the cyclic collector, they may be freed
        # on a later test's worker thread, where Qt cannot unregister their timers.
        gc.collect()



def shot_path(name: str) -> str:
    assert SHOTS
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    return str(Path(SHOTS) / f"console-{name}.png")


def shoot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(shot_path(name))


async def shoot_screen(widget: QWidget, name: str) -> None:
    """The whole screen with ``widget`` on it (only under a real X server)."""
    if not SHOTS or QGuiApplication.platformName() != "xcb":
        return
    handle = widget.windowHandle()
    await eventually(lambda: handle is not None and handle.isExposed(), f"{name} on screen")
    await asyncio.sleep(0.5)  # its first paint reaches the X server; nothing to wait on
    screen = widget.screen()
    size = screen.size()
    assert screen.grabWindow(0).save(shot_path(f"{name}-{size.width()}x{size.height()}"))


def join_token(server: ServerProcess) -> str:
    found = re.search(r"Appointment now:\s+(\S+)", server.log_path.read_text())
    assert found, "the demo prints the join link of the appointment now"
    return found.group(1).rstrip("/").rsplit("/", 1)[-1]


async def consent(server: ServerProcess) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=server.url) as http:
        hashes = {}
        for document in ("privacy", "terms", "security"):
            response = await http.get(f"/api/v1/public/legal/{document}", params={"lang": "de"})
            hashes[f"{document}_sha256"] = response.json()["sha256"]
        return hashes


async def walk_in_topic(server: ServerProcess) -> int:
    async with httpx.AsyncClient(base_url=server.url) as http:
        return int((await http.get("/api/v1/public/topics")).json()[0]["id"])


async def customer(server: ServerProcess, name: str, phone: str, **hello: Any) -> LiveClient:
    client = await LiveClient.connect(f"{server.url.replace('http', 'ws', 1)}/ws/customer")
    await client.send(type="hello", protocol=1, **hello)
    await client.expect("welcome", step="sign_in")
    await client.send(type="sign_in", name=name, phone=phone, language="de",
                      consent=await consent(server))
    await client.expect("signed_in")
    return client


async def offer_as_the_page_does(browser: RTCPeerConnection, client: LiveClient,
                                 received: ReceivedMedia, consumers: list[asyncio.Task[None]],
                                 *, video: bool) -> None:
    """The customer's side of a call as the page makes it: sound (and picture) offered both
    ways through the server, the console's answer applied; what arrives goes to
    ``received``."""
    browser.on("track", lambda track: consumers.append(
        asyncio.ensure_future(consume_track(track, received))))
    browser.addTransceiver(SyntheticAudioTrack(), direction="sendrecv")
    if video:
        browser.addTransceiver(SyntheticVideoTrack(), direction="sendrecv")
    await browser.setLocalDescription(await browser.createOffer())
    await client.send(type="signal", description={
        "type": "offer", "sdp": browser.localDescription.sdp})
    answer = await client.expect("signal")
    await browser.setRemoteDescription(RTCSessionDescription(**answer["description"]))


def test_advisor_runs_a_video_consultation_from_the_console(
    qtbot: QtBot, live_server: ServerProcess, memory_keyring: MemoryKeyring,
    console_settings: ConsoleSettings,
) -> None:
    configure_application(QApplication.instance())  # type: ignore[arg-type]
    credentials = live_server.advisor_credentials
    clients: list[LiveClient] = []
    browser = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    received = ReceivedMedia()
    consumers: list[asyncio.Task[None]] = []

    async def scenario() -> None:
        console = Console(console_settings, live_server.url)
        qtbot.addWidget(console.dialog)
        try:
            await steps(console)
        finally:
            # Peers left open keep aiortc's (non-daemon) decoder threads, and the process, alive.
            await browser.close()
            for consumer in consumers:
                consumer.cancel()
            await asyncio.gather(*consumers, return_exceptions=True)
            for client in clients:
                await client.close()
            await console.close()

    async def steps(console: Console) -> None:
        await console.start()
        dialog = console.dialog
        dialog.username.setText(credentials["username"])
        dialog.password.setText(credentials["password"])
        dialog.remember.setChecked(True)
        await shoot_screen(dialog, "sign-in")
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: console.window is not None, "signed in")
        window, controller = console.window, console.controller
        assert window is not None and controller is not None
        assert len(memory_keyring.passwords) == 1
        await eventually(lambda: window.connection_label.text() == "Verbunden", "connected")

        # Settings: the preview and the level meter run on the chosen (synthetic) devices.
        window.settings_action.trigger()
        settings = console.settings_dialog
        assert settings is not None and settings.isVisible()
        await eventually(lambda: settings.preview.frames_shown > 3, "camera preview")
        await eventually(lambda: settings.level.value() > 50, "microphone level")
        # The microphone's processing is on by default and switches live; the test tone
        # plays through the speaker path, so the echo canceller hears it as the far end.
        processor = controller.voice_processor
        assert settings.voice_processing.isChecked() and processor.enabled
        qtbot.mouseClick(settings.voice_processing, Qt.MouseButton.LeftButton)
        assert not processor.enabled
        qtbot.mouseClick(settings.voice_processing, Qt.MouseButton.LeftButton)
        assert processor.enabled
        far_before = processor.far_blocks
        settings.test_sound_button.click()
        assert "Kein Lautsprecher" in settings.sound_note.text()
        await eventually(lambda: processor.far_blocks >= far_before + 50, "test tone as far end")
        settings.language.setCurrentIndex(settings.language.findData("en"))
        shoot(settings, "settings")
        qtbot.mouseClick(settings.ok_button, Qt.MouseButton.LeftButton)
        assert console_settings.language_choice == "en"
        assert console_settings.device("camera") == "synthetic"
        assert console_settings.voice_processing
        await eventually(lambda: not controller.camera.running, "preview closed")

        # Two customers wait: the appointment of now, and a walk-in.
        erika = await customer(live_server, "Erika Mustermann", "030 1234567",
                               join_token=join_token(live_server))
        clients.append(erika)
        topic = await walk_in_topic(live_server)
        max_ = await customer(live_server, "Max <b>Muster</b>", "089 7654321", topic_id=topic)
        clients.append(max_)
        await eventually(lambda: window.waiting.rowCount() == 2, "two customers waiting")
        assert window.waiting.data(window.waiting.index(0, 0)) == "Erika Mustermann"
        states = [window.appointments.data(window.appointments.index(r, 2))
                  for r in range(window.appointments.rowCount())]
        assert "wartet" in states
        # A third leaves a message instead of waiting.
        paula = await customer(live_server, "Paula Rückruf", "040 555123", topic_id=topic)
        clients.append(paula)
        await paula.send(type="leave_message", text="Bitte rufen Sie mich morgen an.",
                         phone="040 555123")
        await paula.expect("message_received")
        inbox = window.messages_view
        await eventually(lambda: inbox.model.unhandled_count() == 1, "the message arrives")
        await eventually(lambda: window.waiting.rowCount() == 2, "the writer stops waiting")
        await shoot_screen(window, "main")
        window.tabs.setCurrentWidget(inbox)
        inbox.table.selectRow(0)
        shoot(window, "messages")

        # Accept Erika; she chooses picture and sound, both ways.
        window.waiting_table.selectRow(0)
        qtbot.mouseClick(window.accept_button, Qt.MouseButton.LeftButton)
        await erika.expect("offered")
        await erika.send(type="choose_connection", mode="video", see_advisor=True,
                         show_me=True)
        await erika.expect("session_started")
        await offer_as_the_page_does(browser, erika, received, consumers, video=True)

        session = window.session_view
        assert session.name.text() == "Erika Mustermann"
        assert session.allowed.text() == "Bild und Ton in beide Richtungen."
        await eventually(lambda: session.customer_video.frames_shown > 10, "customer video")
        await eventually(lambda: session.customer_video.paints_with_frame > 3, "video painted")
        await eventually(lambda: session.own_video.frames_shown > 3, "own preview")
        await eventually(lambda: received.video_frames > 10, "the customer sees the advisor")
        await eventually(lambda: controller.speaker.samples_played > 48_000, "customer heard")
        assert controller.speaker.level > 0.05
        await eventually(lambda: session.microphone_level.value() > 50, "own level shown")
        await eventually(lambda: received.audio_rms > 0.05, "the customer hears the advisor")

        # Chat both ways.
        await erika.send(type="chat", text="Guten Tag, hören Sie mich?", client_id="c1")
        await eventually(lambda: session.chat_model.rowCount() == 1, "customer's line")
        session.chat_input.setText("Ja, sehr gut. Worum geht es?")
        qtbot.mouseClick(session.send_button, Qt.MouseButton.LeftButton)
        line = await erika.expect("chat_message")
        while line["line"]["sender"] != "advisor":
            line = await erika.expect("chat_message")
        assert line["line"]["text"] == "Ja, sehr gut. Worum geht es?"
        await eventually(lambda: session.chat_model.rowCount() == 2, "own line echoed")
        await eventually(lambda: "RTT" in session.quality.text(), "quality line")
        await shoot_screen(window, "session")

        # Booking for a customer: the server's field errors show, then it books.
        controller.spawn(console.open_booking())
        await eventually(lambda: console.booking is not None and console.booking.isVisible(),
                         "booking dialog")
        booking = console.booking
        assert booking is not None
        booking.name.setText("Jonas Beispiel")
        booking.email.setText("jonas-at-example")
        booking.phone.setText("030 9876543")
        tomorrow = QDateTime(QDate.currentDate().addDays(1), QTime(10, 0))
        booking.starts_at.setDateTime(tomorrow)
        booking.book_button.click()
        await eventually(lambda: not booking.errors["email"].isHidden(), "field error shown")
        shoot(booking, "booking")
        booking.email.setText("jonas@example.com")
        booking.book_button.click()
        await eventually(lambda: not booking.isVisible(), "booked")
        await eventually(lambda: window.upcoming.rowCount() == 1, "tomorrow's appointment")
        assert window.upcoming.data(window.upcoming.index(0, 2)) == "Jonas Beispiel"
        window.appointment_tabs.setCurrentIndex(1)
        shoot(window, "upcoming")
        window.appointment_tabs.setCurrentIndex(0)

        # Mark the message handled; end the session.
        window.tabs.setCurrentWidget(inbox)
        inbox.table.selectRow(0)
        qtbot.mouseClick(inbox.handled_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: inbox.model.unhandled_count() == 0, "handled")
        await eventually(lambda: window.tabs.tabText(window.tabs.indexOf(inbox)) == "Nachrichten",
                         "unread count cleared")
        qtbot.mouseClick(session.end_button, Qt.MouseButton.LeftButton)
        await erika.expect("ended", by="advisor")
        await eventually(lambda: controller.engine.peer is None, "peer closed")

        # Signing out forgets the stored password and remembers the window's layout.
        window.splitter.setSizes([560, 840])
        state = window.layout_state()
        session.splitter.setSizes([900, 250])
        chat_state = session.splitter.saveState()
        window.sign_out_action.trigger()
        await eventually(lambda: console.dialog.isVisible(), "the sign-in dialog again")
        assert memory_keyring.passwords == {}
        again = MainWindow("Anna Berater")
        qtbot.addWidget(again)
        geometry = console_settings.geometry("main")
        layout = console_settings.geometry("main-splitter")
        assert geometry is not None and layout is not None
        # (The offscreen screen is too small to compare the laid-out sizes themselves.)
        assert layout == state
        assert again.restoreGeometry(geometry)
        assert again.restore_layout_state(layout)
        assert console_settings.geometry("session-splitter") == chat_state

    run_on_qasync(scenario, timeout=120)
