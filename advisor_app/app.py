"""The console application: QApplication on a qasync loop, sign-in, then the main window."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import qasync
from PySide6.QtCore import QObject, QTranslator
from PySide6.QtWidgets import QApplication, QDialog

from advisor_app.media import devices
from advisor_app.media.devices import DeviceSelection
from advisor_app.net.rest import RestClient, ServerError, field_errors
from advisor_app.resources import RESOURCES
from advisor_app.settings import APPLICATION, ORGANISATION, ConsoleSettings
from advisor_app.sign_in_flow import SignInFlow
from advisor_app.ui.icon import app_icon
from advisor_app.ui.sign_in import SignInDialog

if TYPE_CHECKING:
    # Loaded after the sign-in (see Console._signed_in): the media engine (aiortc, PyAV)
    # and the main window are most of the console's start-up time.
    from advisor_app.controller import ConsoleController
    from advisor_app.ui.alerts import WaitingAlert
    from advisor_app.ui.booking import BookingDialog
    from advisor_app.ui.main_window import MainWindow
    from advisor_app.ui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)


def install_translation(app: QApplication, language: str) -> QTranslator | None:
    """Load the English translation when the console runs in English (German is built in)."""
    if language != "en":
        return None
    translator = QTranslator(app)
    if not translator.load(str(RESOURCES / "i18n" / "advisor_en.qm")):
        log.warning("the English translation is missing; showing German")
        return None
    app.installTranslator(translator)
    return translator


def configure_application(app: QApplication) -> None:
    """Names for QSettings, the style sheet, and no quitting when a dialog closes."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setQuitOnLastWindowClosed(False)
    app.setStyleSheet((RESOURCES / "console.qss").read_text(encoding="utf-8"))
    app.setWindowIcon(app_icon())
    # On Wayland this links the windows to the .desktop entry and its icon.
    app.setDesktopFileName("videoberatung-advisor")


def chosen_devices(settings: ConsoleSettings) -> DeviceSelection:
    """The saved camera, microphone and speaker, where still connected; else defaults."""
    return DeviceSelection(
        camera=devices.choose_device(settings.device("camera"), devices.cameras()),
        microphone=devices.choose_device(settings.device("microphone"), devices.microphones()),
        speaker=devices.choose_device(settings.device("speaker"), devices.speakers()),
    )


class Console(QObject):
    """Everything after start-up: sign-in, the window and its controller, sign-out, quit.

    The lifecycle steps (sign-out, quit) are the console's own tasks, run one after the
    other: they close the controller, so they must never be among the tasks it cancels.
    Quitting (the „Beenden“ action or closing the main window; the console has no other
    window to go on with) disconnects and ends the session on the server, so the advisor
    is no longer counted online; a remembered password stays. „Abmelden“ does the same,
    forgets the remembered password and shows the sign-in dialog again.
    """

    def __init__(self, settings: ConsoleSettings, server_url: str | None = None,
                 rest_factory: Callable[[str], Any] = RestClient,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.dialog = SignInDialog(server_url or settings.server_url, settings.username,
                                   settings.remember)
        self.flow = SignInFlow(self.dialog, settings, rest_factory, self)
        self.flow.signedIn.connect(self._signed_in)
        self.dialog.rejected.connect(self._dialog_closed)
        self.window: MainWindow | None = None
        self.controller: ConsoleController | None = None
        self.alert: WaitingAlert | None = None
        self.booking: BookingDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.finished = asyncio.Event()
        self._started: asyncio.Task[None] | None = None
        self._lifecycle: asyncio.Task[None] | None = None

    async def start(self, use_stored: bool = True,
                    credentials: tuple[str, str, str] | None = None) -> None:
        """Sign in with ``credentials`` (server, user, password; not stored) or the
        remembered password; otherwise show the sign-in dialog."""
        if credentials is not None:
            signed_in = await self.flow.sign_in(*credentials, False)
        else:
            signed_in = use_stored and await self.flow.sign_in_with_stored()
        if not signed_in:
            self.dialog.show()

    def _dialog_closed(self) -> None:
        if self.window is None and not self.finished.is_set():
            self._begin(self.quit)

    def _begin(self, step: Callable[[], Coroutine[Any, Any, None]]) -> asyncio.Task[None]:
        """Run the lifecycle ``step`` after any step still under way."""
        previous = self._lifecycle

        async def run() -> None:
            if previous is not None:
                await asyncio.wait([previous])
            try:
                await step()
            except Exception:
                log.exception("the console could not %s cleanly", step.__name__)

        self._lifecycle = asyncio.ensure_future(run())
        return self._lifecycle

    def _signed_in(self, rest: RestClient, advisor: dict[str, Any]) -> None:
        from advisor_app.controller import ConsoleController
        from advisor_app.ui.alerts import WaitingAlert
        from advisor_app.ui.main_window import MainWindow

        self.dialog.hide()
        controller = ConsoleController(rest, advisor, chosen_devices(self.settings), self,
                                       voice_processing=self.settings.voice_processing)
        window = MainWindow(str(advisor.get("display_name", "")))
        geometry = self.settings.geometry("main")
        if geometry is not None:
            window.restoreGeometry(geometry)
        layout = self.settings.geometry("main-splitter")
        if layout is not None:
            window.restore_layout_state(layout)
        chat_width = self.settings.geometry("session-splitter")
        if chat_width is not None:
            window.session_view.splitter.restoreState(chat_width)
        self.controller, self.window = controller, window
        self.alert = WaitingAlert(self)
        self.alert.use_speaker(controller.speaker.device)
        self._wire(window, controller)
        window.show()
        self._started = controller.spawn(controller.start())

    def _wire(self, window: MainWindow, controller: ConsoleController) -> None:
        session = window.session_view
        controller.connectionChanged.connect(window.set_connected)
        controller.waitingChanged.connect(window.set_waiting)
        controller.appointmentsChanged.connect(window.set_appointments)
        controller.sessionChanged.connect(window.show_session)
        controller.sessionEnded.connect(session.session_ended)
        controller.chatReset.connect(session.chat_model.set_lines)
        controller.chatLine.connect(session.chat_model.add_line)
        controller.customerVideoFrame.connect(session.show_customer_frame)
        controller.ownVideoFrame.connect(session.show_own_frame)
        controller.microphoneLevel.connect(session.show_microphone_level)
        controller.microphoneNotice.connect(session.show_microphone_notice)
        controller.upcomingChanged.connect(window.set_upcoming)
        controller.statsChanged.connect(session.show_stats)
        controller.mediaFlowChanged.connect(session.show_media_flow)
        controller.customerLineChanged.connect(session.show_customer_line)
        controller.messagesChanged.connect(window.messages_view.set_messages)
        controller.messageUpdated.connect(window.messages_view.message_updated)
        controller.problem.connect(window.show_problem)
        controller.deviceNotice.connect(session.show_device_notice)
        window.acceptRequested.connect(controller.accept)
        window.messages_view.handledRequested.connect(controller.mark_handled)
        session.chatRequested.connect(controller.send_chat)
        session.microphoneToggled.connect(controller.set_microphone_enabled)
        session.cameraToggled.connect(controller.set_camera_enabled)
        session.endRequested.connect(controller.end_session)
        window.bookingRequested.connect(lambda: controller.spawn(self.open_booking()))
        window.settingsRequested.connect(self.open_settings)
        window.signOutRequested.connect(lambda: self._begin(self.sign_out))
        window.quitRequested.connect(lambda: self._begin(self.quit))
        window.closing.connect(lambda: self._begin(self.quit))
        if self.alert is not None:
            alert = self.alert
            window.customerStartedWaiting.connect(alert.customer_waiting)
            # The chime follows the speaker when that one gives way to another.
            controller.deviceListsChanged.connect(
                lambda: alert.use_speaker(controller.speaker.device))

    async def open_booking(self) -> None:
        from advisor_app.ui.booking import BookingDialog

        assert self.controller is not None
        topics = await self.controller.topics()
        dialog = BookingDialog(topics, self.settings.language, self.window)
        self.booking = dialog
        controller = self.controller

        async def book(body: dict[str, Any]) -> None:
            try:
                await controller.book(body)
            except ServerError as error:
                fields = field_errors(error)
                dialog.show_errors(fields, "" if fields else error.message)
                return
            dialog.accept()

        dialog.bookRequested.connect(lambda body: controller.spawn(book(body)))
        dialog.show()

    def open_settings(self) -> None:
        """The device and language settings; devices switch live while it is open."""
        from advisor_app.ui.settings_dialog import SettingsDialog

        controller = self.controller
        if controller is None:
            return
        dialog = SettingsDialog(devices.cameras(), devices.microphones(), devices.speakers(),
                                chosen_devices(self.settings), self.settings.language_choice,
                                controller.voice_processor.enabled, self.window)
        self.settings_dialog = dialog
        controller.camera.frameReady.connect(dialog.show_frame)
        controller.microphone.levelChanged.connect(dialog.show_level)
        dialog.devicesChanged.connect(controller.use_devices)
        dialog.voiceProcessingChanged.connect(controller.set_voice_processing)

        def lists_changed() -> None:
            watched = controller.watch.lists
            dialog.set_choices(watched["camera"], watched["microphone"], watched["speaker"],
                               controller.devices_in_use())
        controller.deviceListsChanged.connect(lists_changed)
        dialog.testSoundRequested.connect(
            lambda _speaker: dialog.show_sound_result(controller.speaker.play_test_tone()))

        def done(result: int) -> None:
            controller.camera.frameReady.disconnect(dialog.show_frame)
            controller.microphone.levelChanged.disconnect(dialog.show_level)
            controller.deviceListsChanged.disconnect(lists_changed)
            if result == QDialog.DialogCode.Accepted:
                chosen = dialog.selection()
                for kind in ("camera", "microphone", "speaker"):
                    self.settings.set_device(kind, getattr(chosen, kind))
                self.settings.language = dialog.language_choice()
                self.settings.voice_processing = dialog.voice_processing.isChecked()
                if self.alert is not None:
                    self.alert.use_speaker(chosen.speaker)
                self.settings.sync()
            else:
                controller.use_devices(dialog.initial)
                controller.set_voice_processing(dialog.initial_voice_processing)
            controller.set_previewing(False)
            self.settings_dialog = None

        dialog.finished.connect(done)
        controller.set_previewing(True)
        dialog.show()

    async def sign_out(self) -> None:
        """„Abmelden“: close the window, disconnect and end the session on the server,
        forget the remembered password, and show the sign-in dialog again."""
        controller = self._close_window()
        await self.flow.sign_out()  # before a new sign-in can remember a password again
        self.dialog.show()
        if controller is not None:
            await controller.sign_out()
            controller.deleteLater()

    async def quit(self) -> None:
        """„Beenden“ or the window closed: disconnect, end the session on the server, and
        finish (the remembered password stays for the next start)."""
        controller = self._close_window()
        if controller is not None:
            await controller.sign_out()
            controller.deleteLater()
        self.finished.set()

    def _close_window(self) -> ConsoleController | None:
        """Close the main window at once; the caller signs its controller out, then
        deletes it: its devices and timers are Qt objects that must be freed on this
        thread, not by the garbage collector on whichever thread it happens to run (Qt
        cannot stop a timer from another thread, and the timer fires into freed memory)."""
        window, controller = self.window, self.controller
        self.window, self.controller = None, None
        if window is not None:
            self.remember_layout(window)
            window.closing.disconnect()
            window.close()
            window.deleteLater()
        return controller

    def remember_layout(self, window: MainWindow) -> None:
        self.settings.set_geometry("main", window.saveGeometry())
        self.settings.set_geometry("main-splitter", window.layout_state())
        self.settings.set_geometry("session-splitter", window.session_view.splitter.saveState())
        self.settings.sync()

    async def close(self) -> None:
        """Quit after any lifecycle step under way (the end of a run, and tests)."""
        await self._begin(self.quit)


def console_loop(app: QApplication) -> qasync.QEventLoop:
    """The qasync loop, with plain Python threads for blocking calls (REST): qasync's
    default QThread pool aborts the process when a thread is still alive at exit."""
    loop = qasync.QEventLoop(app, already_running=False)
    loop.set_default_executor(ThreadPoolExecutor(max_workers=4, thread_name_prefix="console-io"))
    return loop


def run(server_url: str | None = None,
        credentials: tuple[str, str, str] | None = None) -> int:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    configure_application(app)
    settings = ConsoleSettings()
    install_translation(app, settings.language)
    loop = console_loop(app)
    asyncio.set_event_loop(loop)

    async def main() -> None:
        console = Console(settings, server_url)
        await console.start(credentials=credentials)
        await console.finished.wait()
        settings.sync()

    with loop:
        loop.run_until_complete(main())
    return 0
