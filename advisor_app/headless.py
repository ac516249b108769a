"""The advisor console without widgets: signs in, accepts a customer, answers the
browser's offer with :class:`AdvisorPeer`, chats, ends.

Every server message is dispatched here, once (:meth:`HeadlessAdvisor._dispatch`): the
engine keeps its own state and tells an :class:`AdvisorEvents` what changed. Tests and
benchmarks drive the engine directly; the PySide6 console's controller is its
:class:`AdvisorEvents`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

import av
from aiortc import MediaStreamTrack, RTCIceServer

from advisor_app.media import AdvisorPeer
from advisor_app.media.flow import Arrivals, MediaFlow, media_flow
from advisor_app.net.live import AdvisorConnection, AdvisorEvent, Disconnected
from advisor_app.net.rest import RestClient, ServerError
from live_protocol import messages as m
from live_protocol.views import ChatLine, IceServer, VisitView

log = logging.getLogger(__name__)

EVENT_HISTORY = 500
MEDIA_WATCH_SECONDS = 0.25


class AdvisorEvents:
    """What the engine tells the console; each method does nothing unless overridden."""

    def connected(self, welcome: m.AdvisorWelcome) -> None:
        """Signed in to the live connection (again): the whole state is in ``welcome``."""

    def disconnected(self) -> None:
        """The connection dropped; the engine reconnects by itself."""

    def room_changed(self, room: m.WaitingRoom) -> None:
        """Who waits, the current session, today's appointments."""

    def session_changed(self, visit: VisitView, chat: list[ChatLine] | None) -> None:
        """The current session began or changed; ``chat`` is its whole history when the
        chat starts over (a new session, a reconnect), None when it carries on."""

    def chat_line(self, line: ChatLine) -> None:
        """A stored chat line of the current session (the advisor's own too)."""

    def session_ended(self, ended: m.Ended) -> None:
        """The current session ended."""

    def unread_changed(self, count: int) -> None:
        """How many left messages nobody marked handled."""

    def peer_started(self, peer: AdvisorPeer) -> None:
        """A new peer connection answered the browser's offer."""

    def media_flow_changed(self, flow: MediaFlow | None) -> None:
        """The customer's picture and sound began to arrive, stopped (the console shows
        that it is reconnecting), or came back; None once the call is over."""

    def customer_line_changed(self, weak: bool) -> None:
        """The customer's page found their line too weak for picture (it offers sound only,
        or is on sound only), or carrying it again."""

    def refused(self, error: m.ErrorMessage) -> None:
        """The server refused something the advisor did."""


def rtc_ice_servers(entries: list[IceServer]) -> list[RTCIceServer]:
    """The server's ``ice_servers`` list as aiortc objects (always explicit, even empty)."""
    return [RTCIceServer(urls=entry.urls, username=entry.username, credential=entry.credential)
            for entry in entries]


class HeadlessAdvisor:
    def __init__(
        self,
        server_url: str,
        username: str,
        password: str,
        *,
        video_source: Callable[[], MediaStreamTrack] | None = None,
        audio_source: Callable[[], MediaStreamTrack] | None = None,
        on_video_frame: Callable[[av.VideoFrame], None] | None = None,
        on_audio_frame: Callable[[av.AudioFrame], None] | None = None,
        rest: RestClient | None = None,
        events: AdvisorEvents | None = None,
    ) -> None:
        """``rest`` may already be signed in (its token set): then ``password`` is unused."""
        self.rest = rest or RestClient(server_url)
        self.username = username
        self._password = password
        self._video_source = video_source
        self._audio_source = audio_source
        self._on_video_frame = on_video_frame
        self._on_audio_frame = on_audio_frame
        self.observer = events or AdvisorEvents()
        self.connection: AdvisorConnection | None = None
        self.ice_servers: list[IceServer] = []
        self.ice_transport_policy = "all"
        self.peer: AdvisorPeer | None = None
        self.visit: VisitView | None = None
        self.waiting: list[VisitView] = []
        self.chat: list[ChatLine] = []
        self.media_flow: MediaFlow | None = None
        # The newest events, for wait_for; a console runs all day, so not all of them.
        self.events: deque[AdvisorEvent] = deque(maxlen=EVENT_HISTORY)
        self.event_count = 0
        self._changed = asyncio.Condition()
        self._pump: asyncio.Task[None] | None = None
        self._media_watch: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.rest.token is None:
            await asyncio.to_thread(self.rest.sign_in, self.username, self._password)
        assert self.rest.token is not None
        self.connection = AdvisorConnection(self.rest.ws_url, self.rest.token)
        self.connection.start()
        self._pump = asyncio.create_task(self._read_events(), name="headless-advisor")
        self._media_watch = asyncio.create_task(self._watch_media(), name="media-watch")
        await self.wait_for(lambda e: e.type == "welcome")

    async def _read_events(self) -> None:
        assert self.connection is not None
        while True:
            event = await self.connection.events.get()
            try:
                await self._dispatch(event)
            except Exception:
                log.exception("the console could not handle %s", event.type)
            async with self._changed:
                self.events.append(event)
                self.event_count += 1
                self._changed.notify_all()

    async def _dispatch(self, event: AdvisorEvent) -> None:
        observer = self.observer
        match event:
            case m.AdvisorWelcome():
                self.ice_servers = event.ice_servers
                self.ice_transport_policy = event.ice_transport_policy
                self.visit = event.session
                self.chat = list(event.chat_history)
                observer.connected(event)
                if event.session is not None:
                    observer.session_changed(event.session, self.chat)
            case Disconnected():
                observer.disconnected()
            case m.WaitingRoom():
                self.waiting = event.waiting
                if event.session is not None:
                    self.visit = event.session
                observer.room_changed(event)
            case m.Accepted():
                self.visit = event.visit
                self.chat = []
                observer.session_changed(event.visit, [])
            case m.SessionStarted():
                self.visit = event.visit
                observer.session_changed(event.visit, None)
            case m.ChatPosted():
                # The same line may come twice: live and in a resumed welcome's history,
                # or echoed again for a resend with the same client_id.
                if all(line.id != event.line.id for line in self.chat):
                    self.chat.append(event.line)
                    observer.chat_line(event.line)
            case m.RelayedSignal(description=m.SessionDescription(type="offer", sdp=sdp)):
                await self._answer(sdp)
            case m.RelayedSignal(candidate=m.IceCandidate() as candidate):
                if self.peer is not None:
                    await self.peer.add_remote_candidate(
                        candidate.candidate, candidate.sdpMid, candidate.sdpMLineIndex)
            case m.Ended():
                await self._close_peer()
                self._update_media_flow(ended=True)
                self.visit = None
                observer.session_ended(event)
            case m.MessagesUnread():
                observer.unread_changed(event.count)
            case m.CustomerLine():
                if self.visit is not None and self.visit.id == event.visit_id:
                    observer.customer_line_changed(event.weak)
            case m.ErrorMessage():
                observer.refused(event)
            case _:
                pass  # pong, and a description that is not an offer

    async def _answer(self, offer_sdp: str) -> None:
        """Answer the browser's offer; a new offer (renegotiation, reconnect) starts over."""
        await self._close_peer()
        await self._refresh_turn_credentials()
        self.peer = AdvisorPeer(ice_servers=rtc_ice_servers(self.ice_servers),
                                ice_transport_policy=self.ice_transport_policy,
                                video_source=self._video_source,
                                audio_source=self._audio_source,
                                on_video_frame=self._on_video_frame,
                                on_audio_frame=self._on_audio_frame)
        answer = await self.peer.answer(offer_sdp)
        self.observer.peer_started(self.peer)
        assert self.visit is not None and self.connection is not None
        await self.connection.send(m.AdvisorSignal(
            type="signal", visit_id=self.visit.id,
            description=m.SessionDescription(type="answer", sdp=answer)))

    async def _watch_media(self) -> None:
        while True:
            await asyncio.sleep(MEDIA_WATCH_SECONDS)
            self._update_media_flow()

    def _update_media_flow(self, *, ended: bool = False) -> None:
        """Judge the customer's media (:func:`media_flow`). Between two peer connections
        (the browser's new offer after an interruption) the state carries over, so it
        stays "interrupted" until media flows on the new one."""
        peer = self.peer
        flow = self.media_flow
        if ended:
            flow = None
        elif peer is not None and peer.plan is not None:
            received = peer.received
            arrivals = Arrivals(
                last_audio_at=received.last_audio_frame_at if peer.plan.expect_audio else None,
                last_video_at=received.last_video_frame_at if peer.plan.expect_video else None)
            flow = media_flow(arrivals, asyncio.get_running_loop().time(), self.media_flow)
        if flow != self.media_flow:
            self.media_flow = flow
            self.observer.media_flow_changed(flow)

    async def _refresh_turn_credentials(self) -> None:
        """TURN credentials expire (``VB_TURN_TTL_SECONDS``) and a console runs all day:
        fetch fresh ones before each answer. Without TURN there is nothing to refresh."""
        if not any(entry.credential for entry in self.ice_servers):
            return
        try:
            rows = await asyncio.to_thread(self.rest.get, "/api/v1/ice-servers")
        except ServerError as problem:
            log.warning("could not refresh the TURN credentials: %s", problem.code)
            return
        self.ice_servers = [IceServer.model_validate(row) for row in rows]

    async def _close_peer(self) -> None:
        if self.peer is not None:
            await self.peer.close()
            self.peer = None

    async def wait_for(self, condition: Callable[[Any], bool],
                       timeout: float = 15.0, *, since: int = 0) -> Any:
        """The first event that meets ``condition``, counting from event number ``since``
        (an earlier :attr:`event_count`)."""
        async def find() -> AdvisorEvent:
            async with self._changed:
                while True:
                    forgotten = self.event_count - len(self.events)
                    for event in itertools.islice(self.events, max(0, since - forgotten), None):
                        if condition(event):
                            return event
                    await self._changed.wait()

        return await asyncio.wait_for(find(), timeout)

    async def wait_for_customer(self, timeout: float = 15.0) -> VisitView:
        room: m.WaitingRoom = await self.wait_for(
            lambda e: isinstance(e, m.WaitingRoom) and bool(e.waiting), timeout)
        return room.waiting[0]

    async def accept(self, visit_id: int) -> VisitView:
        assert self.connection is not None
        mark = self.event_count
        await self.connection.send(m.Accept(type="accept", visit_id=visit_id))
        reply = await self.wait_for(lambda e: e.type in ("accepted", "error"), since=mark)
        if isinstance(reply, m.ErrorMessage):
            raise RuntimeError(reply.message)
        accepted: m.Accepted = reply
        return accepted.visit

    async def say(self, text: str) -> None:
        assert self.connection is not None and self.visit is not None
        await self.connection.send(m.AdvisorChat(type="chat", visit_id=self.visit.id, text=text,
                                                 client_id=uuid.uuid4().hex))

    async def end(self) -> None:
        assert self.connection is not None and self.visit is not None
        await self.connection.send(m.AdvisorEnd(type="end", visit_id=self.visit.id))

    async def close(self) -> None:
        await self._close_peer()
        for task in (self._pump, self._media_watch):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.connection is not None:
            await self.connection.close()
