"""The advisor's peer against a "browser" (another aiortc peer) on loopback, for each
choice the customer can make. No mocks; iceServers=[] everywhere and host
candidates pinned to 127.0.0.1, so nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import aioice.ice
import av
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from advisor_app.media import AdvisorPeer, AnswerPlan, ReceivedMedia, read_frame_number
from advisor_app.media.received import consume_track
from advisor_app.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack
from tests.fixtures.waiting import eventually


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # Our own interface addresses would stay on this host too, but pinning the
    # host candidates to loopback makes "no traffic off the machine" literal.
    monkeypatch.setattr(
        aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"]
    )


@dataclass
class Browser:
    """The customer's side: offers with the directions the customer chose."""

    pc: RTCPeerConnection
    received: ReceivedMedia = field(default_factory=ReceivedMedia)
    frame_numbers: list[int | None] = field(default_factory=list)
    consumers: list[asyncio.Task[None]] = field(default_factory=list)

    async def offer(self, *, strip_candidates: bool = False, reject_video: bool = False) -> str:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        sdp: str = self.pc.localDescription.sdp
        if strip_candidates:
            sdp = re.sub(r"a=(candidate:[^\r\n]*|end-of-candidates)\r\n", "", sdp)
        if reject_video:
            # What a browser sends after stopping a transceiver.
            sdp = re.sub(r"m=video \d+", "m=video 0", sdp)
        return sdp

    def candidates(self, mid: str) -> list[str]:
        """The candidates of section ``mid``, as a browser would trickle them."""
        for section in self.pc.localDescription.sdp.split("m=")[1:]:
            if f"a=mid:{mid}\r\n" in section:
                return re.findall(r"a=(candidate:[^\r\n]*)", section)
        raise LookupError(mid)

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    async def close(self) -> None:
        await self.pc.close()
        await asyncio.gather(*self.consumers)


Session = tuple[AdvisorPeer, Browser]
OpenSession = Callable[..., Awaitable[Session]]


@pytest.fixture
async def open_session() -> AsyncIterator[OpenSession]:
    """Offer from a browser with the given directions; the advisor answers."""
    opened: list[Session] = []

    async def open_(
        *, audio: str = "sendrecv", video: str | None, connect: bool = True
    ) -> Session:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        browser = Browser(pc)

        @pc.on("track")
        def on_track(track: object) -> None:
            browser.consumers.append(
                asyncio.ensure_future(consume_track(track, browser.received, on_frame))
            )

        def on_frame(frame: av.VideoFrame) -> None:
            browser.frame_numbers.append(read_frame_number(frame))

        for kind, direction in (("audio", audio), ("video", video)):
            if direction is None:
                continue
            sends = direction in ("sendrecv", "sendonly")
            source = {"audio": SyntheticAudioTrack, "video": SyntheticVideoTrack}[kind]
            pc.addTransceiver(source() if sends else kind, direction=direction)

        advisor = AdvisorPeer(ice_servers=[])
        opened.append((advisor, browser))
        if connect:
            await browser.accept(await advisor.answer(await browser.offer()))
            await advisor.wait_connected(timeout=5)
        return advisor, browser

    yield open_
    for advisor, browser in opened:
        await browser.close()
        await advisor.close()



def video_direction(answer_sdp: str) -> str | None:
    section = answer_sdp.partition("m=video")[2]
    if not section:
        return None
    match = re.search(r"a=(sendrecv|sendonly|recvonly|inactive)", section)
    assert match
    return match.group(1)


async def test_video_both_ways_when_the_customer_allows_both(open_session: OpenSession) -> None:
    advisor, browser = await open_session(video="sendrecv")

    await eventually(lambda: advisor.received.video_frames > 10)
    await eventually(lambda: browser.received.video_frames > 10)
    await eventually(lambda: browser.received.audio_frames > 10)

    assert video_direction(advisor._pc.localDescription.sdp) == "sendrecv"
    assert advisor.plan == AnswerPlan(True, True, True, True)
    assert advisor.received.last_video_size == (640, 480)
    assert advisor.received.first_video_frame_at is not None
    numbers = [n for n in browser.frame_numbers if n is not None]
    assert len(numbers) >= 0.9 * len(browser.frame_numbers)
    assert len(numbers) >= 10 and numbers == sorted(numbers)


async def test_customer_may_be_seen_but_does_not_watch_the_advisor(
    open_session: OpenSession,
) -> None:
    advisor, browser = await open_session(video="sendonly")

    await eventually(lambda: advisor.received.video_frames > 10)
    await eventually(lambda: browser.received.audio_frames > 10)

    assert video_direction(advisor._pc.localDescription.sdp) == "recvonly"
    assert advisor.plan is not None and not advisor.plan.send_video
    assert browser.received.video_frames == 0
    assert advisor._camera is None


async def test_customer_watches_the_advisor_but_may_not_be_seen(
    open_session: OpenSession,
) -> None:
    advisor, browser = await open_session(video="recvonly")

    await eventually(lambda: browser.received.video_frames > 10)
    await eventually(lambda: advisor.received.audio_frames > 10)

    assert video_direction(advisor._pc.localDescription.sdp) == "sendonly"
    assert advisor.plan is not None and not advisor.plan.expect_video
    assert advisor.received.video_frames == 0


async def test_audio_only_flows_both_ways_and_no_video_is_sent(
    open_session: OpenSession,
) -> None:
    advisor, browser = await open_session(video=None)

    await eventually(lambda: advisor.received.audio_rms > 0.01)
    await eventually(lambda: browser.received.audio_rms > 0.01)

    assert "m=video" not in advisor._pc.localDescription.sdp
    assert advisor.plan == AnswerPlan(True, False, True, False)
    assert advisor._camera is None
    assert browser.received.video_frames == advisor.received.video_frames == 0


async def test_customer_declining_both_cameras_gets_an_inactive_video_section(
    open_session: OpenSession,
) -> None:
    advisor, browser = await open_session(video="inactive")

    await eventually(lambda: browser.received.audio_frames > 10)

    assert video_direction(advisor._pc.localDescription.sdp) == "inactive"
    assert advisor._camera is None
    assert browser.received.video_frames == advisor.received.video_frames == 0


async def test_a_rejected_video_section_stays_rejected_in_the_answer(
    open_session: OpenSession,
) -> None:
    advisor, browser = await open_session(video="sendrecv", connect=False)

    answer = await advisor.answer(await browser.offer(reject_video=True))
    await browser.accept(answer)
    await advisor.wait_connected(timeout=5)
    await eventually(lambda: advisor.received.audio_rms > 0.01)

    assert re.search(r"^m=video 0 ", answer, re.MULTILINE)
    assert advisor.plan == AnswerPlan(True, False, True, False)
    assert advisor._camera is None
    assert browser.received.video_frames == 0


async def test_muting_the_microphone_silences_the_customers_speaker(
    open_session: OpenSession,
) -> None:
    advisor, browser = await open_session(video=None)
    await eventually(lambda: browser.received.audio_rms > 0.1)

    advisor.set_microphone_enabled(False)
    await eventually(lambda: browser.received.audio_rms < 0.001, timeout=4)
    advisor.set_microphone_enabled(True)
    await eventually(lambda: browser.received.audio_rms > 0.1, timeout=4)


async def test_camera_off_sends_black_frames_without_the_picture(
    open_session: OpenSession,
) -> None:
    advisor, browser = await open_session(video="recvonly")
    await eventually(lambda: browser.received.video_frames > 5)

    advisor.set_camera_enabled(False)
    # Frames already in flight still carry the picture (and a few of those may not be
    # readable); once five black ones came in a row, every later frame is black.
    await eventually(lambda: browser.frame_numbers[-5:] == [None] * 5, "black frames")
    seen = len(browser.frame_numbers)
    await eventually(lambda: len(browser.frame_numbers) > seen + 10)

    assert set(browser.frame_numbers[seen:]) == {None}


async def test_stats_report_round_trip_bitrate_and_frame_rate(open_session: OpenSession) -> None:
    advisor, _ = await open_session(video="sendrecv")
    async def round_trip_measured() -> bool:
        return (await advisor.stats()).round_trip_time is not None

    # The first receiver report can take a few seconds.
    await eventually(round_trip_measured, "a round-trip time", timeout=8)
    stats = await advisor.stats()
    assert stats.round_trip_time is not None and 0 <= stats.round_trip_time < 0.5

    # Rates over a whole second (a busy machine makes shorter windows jumpy).
    await asyncio.sleep(1.0)
    stats = await advisor.stats()
    assert stats.inbound_bitrate > 50_000
    assert stats.outbound_bitrate > 50_000
    assert 10 <= stats.frames_per_second <= 40
    assert stats.packets_lost == 0 and stats.fraction_lost == 0.0


async def test_trickled_candidates_connect_even_when_they_arrive_before_the_offer(
    open_session: OpenSession,
) -> None:
    advisor, browser = await open_session(video="sendrecv", connect=False)
    offer = await browser.offer(strip_candidates=True)
    first, *rest = browser.candidates("0")

    await advisor.add_remote_candidate(first, sdp_mid="0", sdp_mline_index=0)
    await browser.accept(await advisor.answer(offer))
    for candidate in rest:
        await advisor.add_remote_candidate(candidate, sdp_mid="0", sdp_mline_index=0)
    await advisor.add_remote_candidate("", sdp_mid="0", sdp_mline_index=0)

    await advisor.wait_connected(timeout=5)
    await eventually(lambda: advisor.received.video_frames > 5)


async def test_the_answer_carries_all_candidates_and_no_stun_server_is_used() -> None:
    advisor = AdvisorPeer(ice_servers=[])
    browser = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    browser.addTransceiver("audio", direction="sendrecv")
    await browser.setLocalDescription(await browser.createOffer())

    answer = await advisor.answer(browser.localDescription.sdp)
    await advisor.close()
    await browser.close()

    assert "a=candidate:" in answer
    assert "typ srflx" not in answer
    assert advisor.connection_state == "closed"
