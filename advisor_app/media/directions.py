"""What the customer's offer allows: SDP m-line directions → what the console may send.

The browser makes the offer because the customer's choices decide what flows: sound
both ways for „Bild und Ton übertragen“, the customer's camera only if the advisor may
see them, the advisor's only if they want to see the advisor. Everything here is read
from the *customer's* side of the offer and mirrored for the answer; the console
never sends or asks for more than was offered.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class Direction(enum.StrEnum):
    """An SDP media direction attribute (RFC 8866 §6.7)."""

    SENDRECV = "sendrecv"
    SENDONLY = "sendonly"
    RECVONLY = "recvonly"
    INACTIVE = "inactive"

    @classmethod
    def of(cls, *, sends: bool, receives: bool) -> Direction:
        """The direction of a side that ``sends`` and/or ``receives``."""
        if sends and receives:
            return cls.SENDRECV
        if sends:
            return cls.SENDONLY
        if receives:
            return cls.RECVONLY
        return cls.INACTIVE

    @property
    def sends(self) -> bool:
        """True if the side with this direction sends media."""
        return self in (Direction.SENDRECV, Direction.SENDONLY)

    @property
    def receives(self) -> bool:
        """True if the side with this direction receives media."""
        return self in (Direction.SENDRECV, Direction.RECVONLY)


@dataclass(frozen=True)
class OfferedSection:
    """One audio/video m-line of an offer, seen from the offerer (the customer).

    ``index`` counts every m-line of the offer, data channels included (the
    ``sdpMLineIndex`` of WebRTC).
    """

    index: int
    kind: str
    mid: str | None
    direction: Direction
    rejected: bool

    @property
    def customer_sends(self) -> bool:
        """The customer offers to send this medium."""
        return not self.rejected and self.direction.sends

    @property
    def customer_receives(self) -> bool:
        """The customer offers to receive this medium."""
        return not self.rejected and self.direction.receives


@dataclass(frozen=True)
class OfferedMedia:
    """What the customer's offer allows, per medium, from the customer's side."""

    customer_sends_audio: bool
    customer_receives_audio: bool
    customer_sends_video: bool
    customer_receives_video: bool


@dataclass(frozen=True)
class AnswerPlan:
    """What the console does in its answer: the mirror image of :class:`OfferedMedia`."""

    send_audio: bool
    send_video: bool
    expect_audio: bool
    expect_video: bool


_DIRECTIONS = {d.value for d in Direction}
_MEDIA_KINDS = ("audio", "video")


def parse_offer_sections(offer_sdp: str) -> list[OfferedSection]:
    """Read the audio and video m-lines of ``offer_sdp`` in order.

    Data-channel ("application") sections are skipped. A direction attribute at
    session level is the default for every section; without one, sendrecv
    (RFC 8866 §6.7). Port 0 marks a rejected or disabled section — except with
    ``a=bundle-only``, where port 0 only means "carried on the bundle's transport"
    (RFC 8843 §6), which Firefox uses with max-bundle.
    """
    session_default = Direction.SENDRECV
    sections: list[_SectionBuilder] = []
    for raw in offer_sdp.splitlines():
        line = raw.strip()
        if line.startswith("m="):
            sections.append(_SectionBuilder.from_m_line(line))
            continue
        if not line.startswith("a="):
            continue
        attribute = line[2:]
        if not sections:
            if attribute in _DIRECTIONS:
                session_default = Direction(attribute)
            continue
        sections[-1].add_attribute(attribute)
    return [
        s.build(index, session_default)
        for index, s in enumerate(sections)
        if s.kind in _MEDIA_KINDS
    ]


def summarize_offer(sections: Iterable[OfferedSection]) -> OfferedMedia:
    """Fold the sections into what the customer allows for audio and video."""
    listed = list(sections)

    def any_of(kind: str, *, sends: bool) -> bool:
        return any(
            (s.customer_sends if sends else s.customer_receives)
            for s in listed
            if s.kind == kind
        )

    return OfferedMedia(
        customer_sends_audio=any_of("audio", sends=True),
        customer_receives_audio=any_of("audio", sends=False),
        customer_sends_video=any_of("video", sends=True),
        customer_receives_video=any_of("video", sends=False),
    )


def parse_offer(offer_sdp: str) -> OfferedMedia:
    """What the customer's offer allows (see :func:`parse_offer_sections`)."""
    return summarize_offer(parse_offer_sections(offer_sdp))


def plan_answer(offered: OfferedMedia) -> AnswerPlan:
    """Mirror the offer: send only what the customer receives, expect only what they send."""
    return AnswerPlan(
        send_audio=offered.customer_receives_audio,
        send_video=offered.customer_receives_video,
        expect_audio=offered.customer_sends_audio,
        expect_video=offered.customer_sends_video,
    )


def answer_directions(sections: Sequence[OfferedSection]) -> list[Direction]:
    """The console's direction for each offered section, in the same order.

    Each section gets the mirror of the customer's direction, with one extra
    restriction: the console has one camera and one microphone, so it sends on
    the first section of each kind that accepts media and only receives on
    further ones. Rejected sections stay inactive.
    """
    already_sending: set[str] = set()
    directions: list[Direction] = []
    for section in sections:
        sends = section.customer_receives and section.kind not in already_sending
        if sends:
            already_sending.add(section.kind)
        directions.append(Direction.of(sends=sends, receives=section.customer_sends))
    return directions


def reject_in_answer(answer_sdp: str, sections: Sequence[OfferedSection]) -> str:
    """Give the sections the offer rejected port 0 in the answer, outside the BUNDLE group.

    An offered port 0 must be answered with port 0 (RFC 3264 §6) and a rejected
    section leaves the bundle (RFC 8843 §7.3.3); aiortc answers it as an
    ordinary inactive section on the shared transport instead.
    """
    rejected_indices = {s.index for s in sections if s.rejected}
    rejected_mids = {s.mid for s in sections if s.rejected and s.mid is not None}
    if not rejected_indices:
        return answer_sdp
    out: list[str] = []
    m_index = -1
    for line in answer_sdp.splitlines(keepends=True):
        text = line.rstrip("\r\n")
        ending = line[len(text) :]
        if text.startswith("m="):
            m_index += 1
            if m_index in rejected_indices:
                kind, _port, rest = text[2:].split(" ", 2)
                text = f"m={kind} 0 {rest}"
        elif text.startswith("a=group:BUNDLE"):
            kept = [mid for mid in text.split()[1:] if mid not in rejected_mids]
            if not kept:
                continue
            text = " ".join(["a=group:BUNDLE", *kept])
        out.append(text + ending)
    return "".join(out)


START_BITRATE_KBPS = 1500
_VIDEO_CODECS = ("VP8/", "VP9/", "H264/", "AV1/")


def with_start_bitrate(answer_sdp: str, kbps: int = START_BITRATE_KBPS) -> str:
    """Ask the browser to start sending video at ``kbps`` (``x-google-start-bitrate``).

    aiortc gives the browser REMB feedback only, no transport-cc, so Chromium's
    estimate would otherwise climb from about 300 kbit/s by some 8 % a second and the
    advisor would see a small, soft picture for the first half minute of every call
    (docs/benchmarks.md, part 2). On a line that cannot carry it, the browser's
    loss-based control still comes down. Only the video codecs' parameters change.
    """
    sections: list[list[str]] = [[]]
    for line in answer_sdp.split("\r\n"):
        if line.startswith("m="):
            sections.append([])
        sections[-1].append(line)
    out: list[str] = []
    for section in sections:
        if not section or not section[0].startswith("m=video"):
            out += section
            continue
        codecs = {line[9:].split()[0] for line in section if line.startswith("a=rtpmap:")
                  and line.split()[1].upper().startswith(_VIDEO_CODECS)}
        with_parameters = {line[7:].split()[0] for line in section
                           if line.startswith("a=fmtp:")}
        for line in section:
            payload = (line.split(":", 1)[1].split(" ", 1)[0]
                       if line.startswith(("a=rtpmap:", "a=fmtp:")) else "")
            if line.startswith("a=fmtp:") and payload in codecs:
                out.append(f"{line};x-google-start-bitrate={kbps}")
                continue
            out.append(line)
            if line.startswith("a=rtpmap:") and payload in codecs - with_parameters:
                out.append(f"a=fmtp:{payload} x-google-start-bitrate={kbps}")
    return "\r\n".join(out)


@dataclass
class _SectionBuilder:
    kind: str
    rejected_port: bool
    mid: str | None = None
    direction: Direction | None = None
    bundle_only: bool = False

    @classmethod
    def from_m_line(cls, line: str) -> _SectionBuilder:
        # m=<media> <port>[/<number of ports>] <proto> <fmt> ...
        fields = line[2:].split()
        kind = fields[0] if fields else ""
        port = fields[1].split("/", 1)[0] if len(fields) > 1 else "0"
        return cls(kind=kind, rejected_port=port == "0")

    def add_attribute(self, attribute: str) -> None:
        if attribute in _DIRECTIONS:
            self.direction = Direction(attribute)
        elif attribute.startswith("mid:"):
            self.mid = attribute[4:].strip()
        elif attribute == "bundle-only":
            self.bundle_only = True

    def build(self, index: int, session_default: Direction) -> OfferedSection:
        return OfferedSection(
            index=index,
            kind=self.kind,
            mid=self.mid,
            direction=self.direction or session_default,
            rejected=self.rejected_port and not self.bundle_only,
        )
