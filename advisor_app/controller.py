"""The console's controller: turns widget intent into network calls and server events
into Qt signals. Signalling and the peer connection are :class:`HeadlessAdvisor`'s;
the advisor's camera, microphone and speaker are QtMultimedia devices
(:mod:`advisor_app.media.capture`), opened only while a session needs them. REST calls
run in a worker thread (``asyncio.to_thread``) so the window never freezes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from advisor_app.headless import AdvisorEvents, HeadlessAdvisor
from advisor_app.media import AdvisorPeer
from advisor_app.media.capture import AudioInput, AudioOutput, VideoInput
from advisor_app.media.convert import AUDIO_RATE
from advisor_app.media.device_watch import DeviceWatch
from advisor_app.media.devices import (
    DeviceSelection,
    change_notice,
    choose_device,
    follow_devices,
)
from advisor_app.media.flow import MediaFlow
from advisor_app.media.voice_activity import (
    MicrophoneNotice,
    MicrophoneWatch,
    measure_frame,
    measure_pcm,
    microphone_notice,
)
from advisor_app.media.voice_processing import VoiceProcessor
from advisor_app.net.rest import RestClient, ServerError
from live_protocol import messages as m
from live_protocol.states import ConnectionMode
from live_protocol.views import AdvisorAppointmentView, ChatLine, VisitView

log = logging.getLogger(__name__)

STATS_INTERVAL_MS = 2000
UPCOMING_DAYS = 7
UPCOMING_REFRESH_MS = 5 * 60 * 1000


def appointments(rows: list[dict[str, Any]]) -> list[AdvisorAppointmentView]:
    """``GET /api/v1/appointments`` rows: the same shape as the waiting room's."""
    return [AdvisorAppointmentView.model_validate(row) for row in rows]


class ConsoleController(QObject, AdvisorEvents):
    connectionChanged = Signal(bool)
    waitingChanged = Signal(list)
    appointmentsChanged = Signal(list)
    upcomingChanged = Signal(list)
    sessionChanged = Signal(object)
    sessionEnded = Signal()
    chatReset = Signal(list)
    chatLine = Signal(object)
    messagesChanged = Signal(list)
    messageUpdated = Signal(dict)
    statsChanged = Signal(object)
    mediaFlowChanged = Signal(object)  # MediaFlow or None
    customerLineChanged = Signal(bool)  # the customer's line too weak for picture
    customerVideoFrame = Signal(object)
    ownVideoFrame = Signal(object)
    microphoneLevel = Signal(float)
    microphoneNotice = Signal(object)  # MicrophoneNotice, or None: nothing to say
    problem = Signal(str)
    deviceNotice = Signal(str)  # a device in use disappeared or came back
    deviceListsChanged = Signal()  # after the console followed the change

    def __init__(self, rest: RestClient, advisor: dict[str, Any],
                 devices: DeviceSelection | None = None,
                 parent: QObject | None = None, *, voice_processing: bool = True) -> None:
        super().__init__(parent)
        self.rest = rest
        self.advisor = advisor
        self.watch = DeviceWatch(self)
        self.chosen = devices or DeviceSelection()
        self.camera = VideoInput(self.chosen.camera, parent=self)
        # Echo cancellation needs the speaker's signal: what it plays is the far end.
        self.voice_processor = VoiceProcessor(enabled=voice_processing)
        self.microphone = AudioInput(self.chosen.microphone, parent=self,
                                     processor=self.voice_processor)
        self.speaker = AudioOutput(self.chosen.speaker, parent=self)
        self.speaker.played.append(self.voice_processor.played)
        self.watch.changed.connect(self._devices_changed)
        self.camera.frameReady.connect(self._own_frame)
        self.camera.failed.connect(self.problem)
        self.microphone.failed.connect(self.problem)
        self.microphone.levelChanged.connect(self.microphoneLevel)
        # Muted, the microphone is still read here (only the sender sends silence), so
        # talking into it can be noticed.
        self.microphone_watch = MicrophoneWatch()
        self.microphone_notice: MicrophoneNotice | None = None
        self.microphone.fanout.listeners.append(self._hear_microphone)
        self.microphone.device_listeners.append(self._hear_microphone_device)
        self.engine = HeadlessAdvisor(rest.server_url, advisor.get("username", ""), "",
                                      rest=rest,
                                      video_source=self.camera.fanout.subscribe,
                                      audio_source=self.microphone.fanout.subscribe,
                                      on_video_frame=self.customerVideoFrame.emit,
                                      on_audio_frame=self.speaker.play,
                                      events=self)
        self.visit: VisitView | None = None
        self.microphone_enabled = True
        self.camera_enabled = True
        self.previewing = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(STATS_INTERVAL_MS)
        self._stats_timer.timeout.connect(self._poll_stats)
        self._upcoming_timer = QTimer(self)
        self._upcoming_timer.setInterval(UPCOMING_REFRESH_MS)
        self._upcoming_timer.timeout.connect(lambda: self.spawn(self.refresh_upcoming()))

    # Starting and stopping ----------------------------------------------------------

    async def start(self) -> None:
        await self.engine.start()
        self._stats_timer.start()
        self._upcoming_timer.start()
        await asyncio.gather(self.refresh_appointments(), self.refresh_upcoming(),
                             self.refresh_messages())

    async def close(self) -> None:
        """Stop the tasks this controller spawned, disconnect, close the devices. A task
        never cancels or awaits itself: should one of the controller's own tasks close it,
        that task is left to finish."""
        self._stats_timer.stop()
        self._upcoming_timer.stop()
        ours = self._tasks - {asyncio.current_task()}
        for task in ours:
            task.cancel()
        await asyncio.gather(*ours, return_exceptions=True)
        await self.engine.close()
        for device in (self.camera, self.microphone):
            device.close()
        self.speaker.stop()

    async def sign_out(self) -> None:
        """Close, then end the session on the server (its token stops working)."""
        await self.close()
        with contextlib.suppress(ServerError):
            await asyncio.to_thread(self.rest.sign_out)
        await asyncio.to_thread(self.rest.close)

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``work`` on the loop; a server error becomes a :attr:`problem`."""
        task = asyncio.ensure_future(self._guarded(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guarded(self, work: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await work
        except (ServerError, RuntimeError) as problem:
            self.problem.emit(str(problem))
        return None

    # Intent from the widgets ----------------------------------------------------------

    def accept(self, visit_id: int) -> None:
        self.spawn(self.engine.accept(visit_id))

    def send_chat(self, text: str) -> None:
        if text.strip() and self.visit is not None:
            self.spawn(self.engine.say(text))

    def end_session(self) -> None:
        if self.visit is not None:
            self.spawn(self.engine.end())

    def set_microphone_enabled(self, enabled: bool) -> None:
        self.microphone_enabled = enabled
        if self.engine.peer is not None:
            self.engine.peer.set_microphone_enabled(enabled)
        self._update_microphone_notice()

    def set_camera_enabled(self, enabled: bool) -> None:
        self.camera_enabled = enabled
        if self.engine.peer is not None:
            self.engine.peer.set_camera_enabled(enabled)
        self._update_devices()

    def set_voice_processing(self, enabled: bool) -> None:
        """Echo cancellation, noise suppression and gain control on the microphone (on by
        default; an advisor with a headset may switch it off). Takes effect at once."""
        self.voice_processor.enabled = enabled

    def set_previewing(self, previewing: bool) -> None:
        """Keep the devices open for the settings dialog (preview, level, test tone)."""
        self.previewing = previewing
        self._update_devices()

    def use_devices(self, devices: DeviceSelection) -> None:
        """Switch devices; a running session carries on with the new ones. A device that
        is no longer connected is replaced by the system's default."""
        self.chosen = devices
        for kind, device in self._devices().items():
            device.use_device(choose_device(getattr(devices, kind), self.watch.lists[kind]))

    def devices_in_use(self) -> DeviceSelection:
        return DeviceSelection(camera=self.camera.device, microphone=self.microphone.device,
                               speaker=self.speaker.device)

    async def refresh_appointments(self) -> None:
        rows = await asyncio.to_thread(self.rest.get, "/api/v1/appointments", days=1)
        self.appointmentsChanged.emit(appointments(rows))

    async def refresh_upcoming(self) -> None:
        """The appointments of the next days (today's come live with the waiting room)."""
        tomorrow = (datetime.now().astimezone() + timedelta(days=1)).date()
        rows = await asyncio.to_thread(self.rest.get, "/api/v1/appointments",
                                       start=tomorrow.isoformat(), days=UPCOMING_DAYS)
        self.upcomingChanged.emit(appointments(rows))

    async def refresh_messages(self) -> None:
        rows = await asyncio.to_thread(self.rest.get, "/api/v1/messages")
        self.messagesChanged.emit(rows)

    def mark_handled(self, message_id: int) -> None:
        async def handled() -> None:
            updated = await asyncio.to_thread(
                self.rest.post, f"/api/v1/messages/{message_id}/handled", {"handled": True})
            self.messageUpdated.emit(updated)
        self.spawn(handled())

    async def topics(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = await asyncio.to_thread(self.rest.get, "/api/v1/topics")
        return rows

    async def book(self, body: dict[str, Any]) -> dict[str, Any]:
        """Book for a customer (the server sends the confirmation); raises ServerError."""
        booked: dict[str, Any] = await asyncio.to_thread(
            self.rest.post, "/api/v1/appointments", body)
        self.spawn(self.refresh_appointments())
        self.spawn(self.refresh_upcoming())
        return booked

    # Events from the server (the engine dispatches them: AdvisorEvents) ------------

    def connected(self, welcome: m.AdvisorWelcome) -> None:
        self.connectionChanged.emit(True)

    def disconnected(self) -> None:
        self.connectionChanged.emit(False)

    def room_changed(self, room: m.WaitingRoom) -> None:
        self.waitingChanged.emit(room.waiting)
        self.appointmentsChanged.emit(room.appointments)
        if room.session is not None:
            self._set_visit(room.session)

    def session_changed(self, visit: VisitView, chat: list[ChatLine] | None) -> None:
        self._set_visit(visit)
        if chat is not None:
            self.chatReset.emit(chat)

    def chat_line(self, line: ChatLine) -> None:
        self.chatLine.emit(line)

    def session_ended(self, ended: m.Ended) -> None:
        self.visit = None
        self._update_devices()
        self.microphone_watch = MicrophoneWatch()
        self._update_microphone_notice()
        self.sessionEnded.emit()

    def unread_changed(self, count: int) -> None:
        self.spawn(self.refresh_messages())

    def peer_started(self, peer: AdvisorPeer) -> None:
        peer.set_microphone_enabled(self.microphone_enabled)
        peer.set_camera_enabled(self.camera_enabled)

    def media_flow_changed(self, flow: MediaFlow | None) -> None:
        self.mediaFlowChanged.emit(flow)

    def customer_line_changed(self, weak: bool) -> None:
        self.customerLineChanged.emit(weak)

    def refused(self, error: m.ErrorMessage) -> None:
        self.problem.emit(error.message)

    def _set_visit(self, visit: VisitView) -> None:
        if self.visit is None or self.visit.id != visit.id:
            self.microphone_watch = MicrophoneWatch()
        self.visit = visit
        self.sessionChanged.emit(visit)
        self._update_devices()
        self._update_microphone_notice()

    # The advisor's devices and the quality line ---------------------------------------

    def _update_devices(self) -> None:
        """Open the camera, microphone and speaker only while a video session needs them:
        the microphone and speaker for picture and sound, the camera only if the customer
        wants to see the advisor (black frames while the advisor has it switched off)."""
        visit = self.visit
        video = visit is not None and visit.mode == ConnectionMode.VIDEO
        camera = video and visit is not None and visit.see_advisor
        for device, needed in ((self.microphone, video or self.previewing),
                               (self.speaker, video or self.previewing),
                               (self.camera, camera or self.previewing)):
            if needed:
                device.start()
            else:
                device.stop()
        # Switched off in a session, the camera stays off for the preview too.
        self.camera.set_blank(camera and not self.camera_enabled)
        if not camera or not self.camera_enabled:
            self.ownVideoFrame.emit(None)

    def _hear_microphone(self, frame: Any) -> None:
        self.microphone_watch.hear_sent(measure_frame(frame))
        self._update_microphone_notice()

    def _hear_microphone_device(self, pcm: bytes) -> None:
        self.microphone_watch.hear_device(measure_pcm(pcm, AUDIO_RATE))
        self._update_microphone_notice()

    def _update_microphone_notice(self) -> None:
        """Tell the advisor about their microphone only in a call with sound."""
        visit = self.visit
        notice = (microphone_notice(self.microphone_watch, muted=not self.microphone_enabled)
                  if visit is not None and visit.mode == ConnectionMode.VIDEO else None)
        if notice != self.microphone_notice:
            self.microphone_notice = notice
            self.microphoneNotice.emit(notice)
    def _devices(self) -> dict[str, VideoInput | AudioInput | AudioOutput]:
        return {"camera": self.camera, "microphone": self.microphone, "speaker": self.speaker}

    def _devices_changed(self, kind: str) -> None:
        """A device came or went: leave one that disappeared for the default, take the
        advisor's chosen one up again when it is back, and tell the advisor if in use."""
        device = self._devices()[kind]
        change = follow_devices(kind, getattr(self.chosen, kind),
                                self.watch.describe(kind, device.device),
                                self.watch.lists[kind])
        if change is not None:
            log.info("%s: %s -> %s", kind, change.previous.name, change.now.name)
            device.use_device(change.now.id)
            if device.running:
                self.deviceNotice.emit(change_notice(change))
        self.deviceListsChanged.emit()

    def _own_frame(self, frame: Any) -> None:
        visit = self.visit
        in_video_session = (visit is not None and visit.mode == ConnectionMode.VIDEO
                            and visit.see_advisor)
        if in_video_session and not self.camera.blank:
            self.ownVideoFrame.emit(frame)

    def _poll_stats(self) -> None:
        peer = self.engine.peer
        if peer is None or peer.connection_state != "connected":
            return

        async def read() -> None:
            self.statsChanged.emit(await peer.stats())
        self.spawn(read())
