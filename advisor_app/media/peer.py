"""The advisor's side of one WebRTC session: answer the customer's offer, send, receive.

The customer's browser offers; :class:`AdvisorPeer` answers with no more than the
offer allows (see :mod:`advisor_app.media.directions`). aiortc gathers all its
candidates before the answer is returned, so only the browser trickles.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import av
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceCandidate,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.sdp import candidate_from_sdp

from advisor_app.media.directions import (
    AnswerPlan,
    answer_directions,
    parse_offer_sections,
    plan_answer,
    reject_in_answer,
    summarize_offer,
    with_start_bitrate,
)
from advisor_app.media.encoders import tune_aiortc_encoders
from advisor_app.media.received import ReceivedMedia, consume_track
from advisor_app.media.stats import SessionStats, StatsSample, summarize
from advisor_app.media.switch import SwitchableTrack
from advisor_app.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack

TrackFactory = Callable[[], MediaStreamTrack]


class AdvisorPeer:
    """One consultation's media connection, from the advisor's console.

    ``ice_servers`` is always handed to aiortc, even when empty: with None it falls
    back to Google's public STUN server. ``ice_transport_policy`` ``"relay"`` gathers
    only TURN candidates, so media flows through the relay or not at all (the server's
    ``VB_ICE_TRANSPORT_POLICY``). ``video_source``/``audio_source`` make the
    outgoing tracks (default: the synthetic test pattern and tone) and are only
    called for what the customer agreed to receive. ``on_video_frame`` and
    ``on_audio_frame`` get every decoded frame of the customer's camera and
    microphone, on the event loop.
    """

    def __init__(
        self,
        *,
        ice_servers: Sequence[RTCIceServer],
        ice_transport_policy: str = "all",
        video_source: TrackFactory | None = None,
        audio_source: TrackFactory | None = None,
        on_video_frame: Callable[[av.VideoFrame], None] | None = None,
        on_audio_frame: Callable[[av.AudioFrame], None] | None = None,
    ) -> None:
        tune_aiortc_encoders()
        self._pc = RTCPeerConnection(RTCConfiguration(
            iceServers=list(ice_servers),
            iceTransportPolicy=RTCIceTransportPolicy(ice_transport_policy)))
        self._video_source: TrackFactory = video_source or SyntheticVideoTrack
        self._audio_source: TrackFactory = audio_source or SyntheticAudioTrack
        self._on_video_frame = on_video_frame
        self._on_audio_frame = on_audio_frame
        self.received = ReceivedMedia()
        self.plan: AnswerPlan | None = None
        self._microphone: SwitchableTrack | None = None
        self._camera: SwitchableTrack | None = None
        self._microphone_enabled = True
        self._camera_enabled = True
        self._consumers: set[asyncio.Task[None]] = set()
        self._early_candidates: list[RTCIceCandidate] = []
        self._state_changed = asyncio.Event()
        self._stats_sample: StatsSample | None = None
        self._pc.on("track", self._on_track)
        self._pc.on("connectionstatechange", self._on_connection_state_change)

    @property
    def connection_state(self) -> str:
        """aiortc's connection state: new, connecting, connected, failed or closed."""
        state: str = self._pc.connectionState
        return state

    async def answer(self, offer_sdp: str) -> str:
        """Answer the customer's offer; returns the answer SDP with all our candidates.

        Each offered audio/video section is answered with the mirror of its
        direction; outgoing tracks are created only where the customer receives.
        """
        if self._pc.remoteDescription is not None:
            raise RuntimeError("this peer has already answered an offer")
        sections = parse_offer_sections(offer_sdp)
        await self._pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        self.plan = plan_answer(summarize_offer(sections))

        directions = answer_directions(sections)
        index_by_mid = {s.mid: i for i, s in enumerate(sections) if s.mid is not None}
        # aiortc creates one transceiver per audio/video section, in order.
        for position, transceiver in enumerate(self._pc.getTransceivers()):
            direction = directions[index_by_mid.get(transceiver.mid, position)]
            transceiver.direction = direction.value
            if direction.sends:
                transceiver.sender.replaceTrack(self._outgoing_track(transceiver.kind))

        await self._pc.setLocalDescription(await self._pc.createAnswer())
        # aiortc gathers inside setLocalDescription and does not trickle: the
        # answer must already carry every candidate.
        if self._pc.iceGatheringState != "complete":
            raise RuntimeError(f"ICE gathering {self._pc.iceGatheringState} after answering")
        self._stats_sample = StatsSample(at=asyncio.get_running_loop().time())
        for candidate in self._early_candidates:
            await self._pc.addIceCandidate(candidate)
        self._early_candidates.clear()
        return with_start_bitrate(reject_in_answer(self._pc.localDescription.sdp, sections))

    async def add_remote_candidate(
        self, candidate: str, sdp_mid: str | None, sdp_mline_index: int | None
    ) -> None:
        """Add a candidate the browser trickled (``RTCIceCandidate.candidate``).

        The empty end-of-candidates string is ignored. Candidates that arrive
        before :meth:`answer` are kept until the offer is applied.
        """
        text = candidate.strip().removeprefix("a=").removeprefix("candidate:")
        if not text:
            return
        parsed = candidate_from_sdp(text)
        parsed.sdpMid = sdp_mid
        parsed.sdpMLineIndex = sdp_mline_index
        if self._pc.localDescription is None:
            self._early_candidates.append(parsed)
        else:
            await self._pc.addIceCandidate(parsed)

    async def wait_connected(self, timeout: float) -> None:
        """Return once connected; ConnectionError if the connection failed or closed.

        Raises TimeoutError after ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout):
            while self.connection_state != "connected":
                if self.connection_state in ("failed", "closed"):
                    raise ConnectionError(f"connection {self.connection_state}")
                self._state_changed.clear()
                await self._state_changed.wait()

    async def stats(self) -> SessionStats:
        """Quality since the previous call (or since the answer, the first time)."""
        now = asyncio.get_running_loop().time()
        previous = self._stats_sample or StatsSample(at=now)
        report = await self._pc.getStats()
        stats, self._stats_sample = summarize(
            report, previous, at=now, video_frames=self.received.video_frames
        )
        return stats

    def set_microphone_enabled(self, enabled: bool) -> None:
        """Mute (False) or unmute the microphone; muted, the customer hears silence."""
        self._microphone_enabled = enabled
        if self._microphone is not None:
            self._microphone.enabled = enabled

    def set_camera_enabled(self, enabled: bool) -> None:
        """Turn the camera picture off (black frames) or back on."""
        self._camera_enabled = enabled
        if self._camera is not None:
            self._camera.enabled = enabled

    async def close(self) -> None:
        """Hang up: close the connection, end the outgoing and incoming tracks."""
        await self._pc.close()
        # A sender that never started does not stop its track; do it here.
        for track in (self._microphone, self._camera):
            if track is not None:
                track.stop()
        # Closing ends the remote tracks of receivers that ran; one turn of the
        # loop lets their consumers finish on MediaStreamError. A receiver that
        # never started (not connected, inactive section) leaves its track
        # waiting forever, so cancel whatever is left.
        await asyncio.sleep(0)
        consumers = list(self._consumers)
        for task in consumers:
            task.cancel()
        await asyncio.gather(*consumers, return_exceptions=True)

    def _outgoing_track(self, kind: str) -> SwitchableTrack:
        if kind == "audio":
            self._microphone = SwitchableTrack(self._audio_source())
            self._microphone.enabled = self._microphone_enabled
            return self._microphone
        self._camera = SwitchableTrack(self._video_source())
        self._camera.enabled = self._camera_enabled
        return self._camera

    def _on_track(self, track: MediaStreamTrack) -> None:
        task = asyncio.ensure_future(consume_track(
            track, self.received, self._on_video_frame, self._on_audio_frame))
        self._consumers.add(task)
        task.add_done_callback(self._consumers.discard)

    def _on_connection_state_change(self) -> None:
        self._state_changed.set()
