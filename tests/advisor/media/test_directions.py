"""Reading the customer's consent from the browser's offer (handwritten Chrome/Firefox SDP)."""

from __future__ import annotations

import pytest

from advisor_app.media.directions import (
    AnswerPlan,
    Direction,
    OfferedMedia,
    answer_directions,
    parse_offer,
    parse_offer_sections,
    plan_answer,
    reject_in_answer,
    summarize_offer,
    with_start_bitrate,
)

SESSION = (
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS\r\n"
)


def audio(direction: str | None = "sendrecv", *, port: int = 9, mid: str = "0") -> str:
    lines = [
        f"m=audio {port} UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:Xw4B",
        "a=ice-pwd:7mYHVh0Hq7fh3JmLrp6T0i8x",
        "a=fingerprint:sha-256 3C:4A:AA:5F:16:2B:1E:3E:05:7E:64:8F:7D:21:1A:93",
        "a=setup:actpass",
        f"a=mid:{mid}",
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    ]
    if direction:
        lines.append(f"a={direction}")
    lines += ["a=rtcp-mux", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 minptime=10;useinbandfec=1"]
    return "\r\n".join(lines) + "\r\n"


def video(direction: str | None = "sendrecv", *, port: int = 9, mid: str = "1") -> str:
    lines = [
        f"m=video {port} UDP/TLS/RTP/SAVPF 96 97 102 103",
        "c=IN IP4 0.0.0.0",
        f"a=mid:{mid}",
        "a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    ]
    if direction:
        lines.append(f"a={direction}")
    if direction in ("sendrecv", "sendonly"):
        lines.append("a=msid:- 6b1c2f1e-3a4b-4c5d-8e9f-0a1b2c3d4e5f")
    lines += ["a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack pli"]
    return "\r\n".join(lines) + "\r\n"


DATA_CHANNEL = (
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=mid:2\r\n"
    "a=sctp-port:5000\r\n"
)


@pytest.mark.parametrize(
    ("video_direction", "advisor_sees", "customer_sees", "answer"),
    [
        ("sendrecv", True, True, Direction.SENDRECV),
        ("sendonly", True, False, Direction.RECVONLY),
        ("recvonly", False, True, Direction.SENDONLY),
        ("inactive", False, False, Direction.INACTIVE),
    ],
)
def test_video_direction_follows_the_customers_two_choices(
    video_direction: str, advisor_sees: bool, customer_sees: bool, answer: Direction
) -> None:
    offer = SESSION + audio() + video(video_direction)

    offered = parse_offer(offer)
    plan = plan_answer(offered)

    assert offered == OfferedMedia(
        customer_sends_audio=True,
        customer_receives_audio=True,
        customer_sends_video=advisor_sees,
        customer_receives_video=customer_sees,
    )
    assert plan == AnswerPlan(
        send_audio=True, send_video=customer_sees, expect_audio=True, expect_video=advisor_sees
    )
    assert answer_directions(parse_offer_sections(offer)) == [Direction.SENDRECV, answer]


def test_audio_only_offer_has_no_video_either_way() -> None:
    offer = SESSION + audio()

    assert parse_offer(offer) == OfferedMedia(True, True, False, False)
    assert plan_answer(parse_offer(offer)) == AnswerPlan(True, False, True, False)


def test_missing_direction_means_sendrecv() -> None:
    assert parse_offer(SESSION + audio(None) + video(None)) == OfferedMedia(True, True, True, True)


def test_session_level_direction_is_the_default_for_every_section() -> None:
    offer = SESSION + "a=recvonly\r\n" + audio(None) + video(None)

    assert parse_offer(offer) == OfferedMedia(False, True, False, True)


def test_section_direction_overrides_the_session_default() -> None:
    offer = SESSION + "a=inactive\r\n" + audio("sendrecv") + video(None)

    assert parse_offer(offer) == OfferedMedia(True, True, False, False)


def test_port_zero_rejects_the_section_whatever_its_direction() -> None:
    offer = SESSION + audio() + video("sendrecv", port=0)

    sections = parse_offer_sections(offer)

    assert sections[1].rejected
    assert parse_offer(offer) == OfferedMedia(True, True, False, False)
    assert answer_directions(sections) == [Direction.SENDRECV, Direction.INACTIVE]


def test_bundle_only_section_with_port_zero_is_not_rejected() -> None:
    # Firefox with max-bundle: port 0 only says "on the bundle's transport".
    offer = SESSION + audio() + video("sendonly", port=0).replace(
        "a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n"
    )

    assert parse_offer(offer).customer_sends_video


def test_data_channel_sections_are_ignored_and_mids_are_read() -> None:
    sections = parse_offer_sections(SESSION + audio(mid="a0") + DATA_CHANNEL + video(mid="v1"))

    assert [(s.kind, s.mid) for s in sections] == [("audio", "a0"), ("video", "v1")]


def test_unix_line_endings_parse_too() -> None:
    offer = (SESSION + audio() + video("recvonly")).replace("\r\n", "\n")

    assert parse_offer(offer) == OfferedMedia(True, True, False, True)


def test_the_console_sends_on_one_section_per_kind_only() -> None:
    # Two video sections offered for receiving (e.g. camera and screen slots):
    # one camera, so only the first carries it.
    sections = parse_offer_sections(
        SESSION + audio() + video("recvonly", mid="1") + video("sendrecv", mid="2")
    )

    assert answer_directions(sections) == [
        Direction.SENDRECV,
        Direction.SENDONLY,
        Direction.RECVONLY,
    ]
    assert plan_answer(summarize_offer(sections)) == AnswerPlan(True, True, True, True)


def test_the_answer_never_exceeds_the_offer() -> None:
    for offered in Direction:
        section_offer = SESSION + audio(offered.value)
        (answered,) = answer_directions(parse_offer_sections(section_offer))
        assert answered.sends <= offered.receives
        assert answered.receives <= offered.sends


def test_rejected_sections_get_port_zero_and_leave_the_bundle_in_the_answer() -> None:
    offer = SESSION + audio() + DATA_CHANNEL.replace("a=mid:2", "a=mid:d") + video(port=0)
    answer = (
        "v=0\r\n"
        "a=group:BUNDLE 0 d 1\r\n"
        "m=audio 50000 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=sendrecv\r\n"
        "m=application 50000 DTLS/SCTP 5000\r\na=mid:d\r\n"
        "m=video 50000 UDP/TLS/RTP/SAVPF 97\r\na=mid:1\r\na=inactive\r\n"
    )

    fixed = reject_in_answer(answer, parse_offer_sections(offer))

    assert fixed == (
        answer.replace("BUNDLE 0 d 1", "BUNDLE 0 d").replace("m=video 50000", "m=video 0")
    )
    assert reject_in_answer(answer, parse_offer_sections(SESSION + audio() + video())) == answer


ANSWER = "\r\n".join([
    "v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 96", "a=mid:0", "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:96 VP8/90000",
    "m=video 9 UDP/TLS/RTP/SAVPF 97 98 99", "a=mid:1", "a=sendrecv", "a=rtpmap:97 VP8/90000",
    "a=rtpmap:98 rtx/90000", "a=fmtp:98 apt=97", "a=rtpmap:99 H264/90000",
    "a=fmtp:99 packetization-mode=1;level-asymmetry-allowed=1;profile-level-id=42e01f",
    "",
])


def test_the_answer_asks_the_browser_to_start_video_at_a_useful_bitrate() -> None:
    changed = with_start_bitrate(ANSWER, 1500).split("\r\n")
    # VP8 had no parameters: a line is added right after its rtpmap.
    vp8 = changed.index("a=rtpmap:97 VP8/90000")
    assert changed[vp8 + 1] == "a=fmtp:97 x-google-start-bitrate=1500"
    assert ("a=fmtp:99 packetization-mode=1;level-asymmetry-allowed=1;"
            "profile-level-id=42e01f;x-google-start-bitrate=1500") in changed
    # Audio (even a video codec's name in an audio section) and rtx stay as they were.
    assert "a=fmtp:111 minptime=10;useinbandfec=1" in changed
    assert "a=fmtp:96 x-google-start-bitrate=1500" not in changed
    assert "a=fmtp:98 apt=97" in changed
    assert len(changed) == len(ANSWER.split("\r\n")) + 1
    assert with_start_bitrate("v=0\r\n") == "v=0\r\n"
