"""Real media through the real server's signalling: a "browser" (an aiortc peer behind
the customer WebSocket, offering what the customer allowed) and the headless advisor
engine (signing in, accepting, answering). What each side receives follows the choices."""

from __future__ import annotations

import asyncio

import aioice.ice
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from advisor_app.headless import HeadlessAdvisor
from advisor_app.media import ReceivedMedia, read_frame_number
from advisor_app.media.received import consume_track
from advisor_app.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack
from tests.fixtures.live import Live
from tests.fixtures.waiting import eventually
from tests.server.conftest import PASSWORD, Seeded


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])



@pytest.mark.parametrize(
    ("see_advisor", "show_me"),
    [(True, True), (False, True), (True, False), (False, False)],
    ids=["both", "advisor-may-see-me", "i-see-the-advisor", "sound-only"],
)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_media_follows_the_customers_choice(
    live: Live, seeded: Seeded, see_advisor: bool, show_me: bool
) -> None:
    customer, signed_in = await live.customer(await live.appointment_now())
    visit_id = signed_in["visit"]["id"]
    advisor = HeadlessAdvisor(live.server.url, "anna", PASSWORD)
    await advisor.start()
    browser = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    received = ReceivedMedia()
    frame_numbers: list[int | None] = []
    consumers: list[asyncio.Task[None]] = []
    try:
        waiting = await advisor.wait_for_customer()
        assert waiting.id == visit_id
        await advisor.accept(visit_id)
        await customer.expect("offered")
        await customer.send(type="choose_connection", mode="video", see_advisor=see_advisor,
                            show_me=show_me)
        await customer.expect("session_started")

        @browser.on("track")
        def on_track(track: object) -> None:
            consumers.append(asyncio.ensure_future(consume_track(
                track, received, lambda frame: frame_numbers.append(read_frame_number(frame)))))

        browser.addTransceiver(SyntheticAudioTrack(), direction="sendrecv")
        if see_advisor or show_me:
            direction = {(True, True): "sendrecv", (False, True): "sendonly",
                         (True, False): "recvonly"}[(see_advisor, show_me)]
            browser.addTransceiver(SyntheticVideoTrack() if show_me else "video",
                                   direction=direction)
        await browser.setLocalDescription(await browser.createOffer())
        await customer.send(type="signal", description={
            "type": "offer", "sdp": browser.localDescription.sdp})
        answer = await customer.expect("signal")
        assert answer["description"]["type"] == "answer"
        await browser.setRemoteDescription(RTCSessionDescription(**answer["description"]))

        await eventually(lambda: advisor.peer is not None)
        peer = advisor.peer
        assert peer is not None
        await peer.wait_connected(timeout=10)
        # Sound flows both ways in every video session.
        await eventually(lambda: peer.received.audio_rms > 0.01 and received.audio_rms > 0.01)
        if show_me:
            await eventually(lambda: peer.received.video_frames > 10)
        if see_advisor:
            await eventually(lambda: received.video_frames > 10)
            assert any(n is not None for n in frame_numbers), "the advisor's test pattern"
        await asyncio.sleep(1.0)
        # And nothing flows that the customer did not allow.
        if not show_me:
            assert peer.received.video_frames == 0
            assert peer.plan is not None and not peer.plan.expect_video
        if not see_advisor:
            assert received.video_frames == 0
            assert peer.plan is not None and not peer.plan.send_video
        stats = await peer.stats()
        assert stats.inbound_bitrate is not None and stats.inbound_bitrate > 0

        await customer.send(type="chat", text="Ich sehe Sie", client_id="1")
        await advisor.wait_for(lambda e: e.type == "chat_message")
        await advisor.end()
        await customer.expect("ended")
        await eventually(lambda: advisor.peer is None)
    finally:
        await browser.close()
        await asyncio.gather(*consumers, return_exceptions=True)
        await advisor.close()
