"""``videoberatung-advisor --self-test``: can the console run on this machine?

Checks, in order, everything the console loads besides the network: Qt widgets on a
platform plugin, the app icon, QtMultimedia with its FFmpeg backend, the codecs
WebRTC needs (a real encode and decode each), the console's own modules and the CA
certificates, and a WebRTC call on loopback with the synthetic camera and microphone,
both ways, through the console's own :class:`~advisor_app.media.AdvisorPeer`. One
line per check, ``ok   …`` or ``FAIL …``; exit status 0 only when every check passed.

Needs no display (offscreen unless ``QT_QPA_PLATFORM`` says otherwise), no keyring,
no server and no network: the loopback call uses no ICE servers and host candidates
on 127.0.0.1 only. It is what a packaged build runs to prove it is complete.

Imports of the pieces under test happen inside each check, so that a missing
library becomes that check's FAIL line rather than a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import os
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from av.audio.codeccontext import AudioCodecContext
    from av.video.codeccontext import VideoCodecContext

LOOPBACK_VIDEO_FRAMES = 30
LOOPBACK_AUDIO_FRAMES = 50
LOOPBACK_TIMEOUT = 20.0
# Small frames keep the pure-Python test pattern cheap on a busy machine.
LOOPBACK_VIDEO_SIZE = (320, 240)
ROUND_TRIP_FRAMES = 5


class CheckFailed(Exception):
    """A check ran but found the piece it checks missing or broken."""


def check_qt_widgets(app: QApplication) -> str:
    """Show a small widget and grab its pixels: proves widgets and a platform plugin."""
    from PySide6.QtWidgets import QLabel

    label = QLabel("Videoberatung")
    label.resize(160, 90)
    label.show()
    app.processEvents()
    try:
        pixmap = label.grab()
        if pixmap.isNull() or (pixmap.width(), pixmap.height()) != (160, 90):
            raise CheckFailed(f"grabbed a {pixmap.width()}×{pixmap.height()} picture, not 160×90")
    finally:
        label.close()
        label.deleteLater()
        app.processEvents()
    return f"Qt widgets (platform {app.platformName()})"


def check_app_icon(app: QApplication) -> str:
    """The window icon from resources/icons, at every rendered size."""
    from advisor_app.ui.icon import ICON_SIZES, app_icon

    icon = app_icon()
    sizes = {size.width() for size in icon.availableSizes()}
    missing = sorted(set(ICON_SIZES) - sizes)
    if missing:
        raise CheckFailed(f"icon sizes missing: {', '.join(map(str, missing))}")
    app.setWindowIcon(icon)
    return f"app icon ({len(sizes)} sizes)"


def check_multimedia() -> str:
    """QtMultimedia loads, has its FFmpeg backend, and lists devices (none is fine)."""
    from PySide6.QtMultimedia import QMediaDevices, QMediaFormat

    decoders = QMediaFormat().supportedVideoCodecs(QMediaFormat.ConversionMode.Decode)
    if not decoders:
        raise CheckFailed("no QtMultimedia backend (the FFmpeg plugin is missing)")
    cameras = len(QMediaDevices.videoInputs())
    microphones = len(QMediaDevices.audioInputs())
    speakers = len(QMediaDevices.audioOutputs())
    return (f"QtMultimedia ({cameras} cameras, {microphones} microphones, "
            f"{speakers} speakers; backend decodes {len(decoders)} video codecs)")


def check_codecs() -> str:
    """The video codecs and Opus, opened as aiortc opens them (aiortc/codecs), each
    encode a few frames and decode them again."""
    import av

    round_trips: dict[str, Callable[[], int]] = {
        "h264": lambda: _video_round_trip(av.CodecContext.create("libx264", "w"),
                                          av.CodecContext.create("h264", "r")),
        "vp8": lambda: _video_round_trip(av.CodecContext.create("libvpx", "w"),
                                         av.CodecContext.create("libvpx", "r")),
        "opus": lambda: _audio_round_trip(av.CodecContext.create("libopus", "w"),
                                          av.CodecContext.create("libopus", "r")),
    }
    for name, round_trip in round_trips.items():
        try:
            decoded = round_trip()
        except Exception as problem:
            raise CheckFailed(f"{name}: {type(problem).__name__}: {problem}") from problem
        if not decoded:
            raise CheckFailed(f"{name}: the decoder gave back no frames")
    return f"codecs {' '.join(round_trips)} (encode and decode)"


def _video_round_trip(encoder: VideoCodecContext, decoder: VideoCodecContext) -> int:
    from advisor_app.media.synthetic import draw_frame

    encoder.width, encoder.height = 160, 120
    encoder.pix_fmt = "yuv420p"
    encoder.time_base = fractions.Fraction(1, 30)
    packets = []
    for index in range(ROUND_TRIP_FRAMES):
        frame = draw_frame(index, 160, 120)
        frame.pts = index
        packets += encoder.encode(frame)
    packets += encoder.encode(None)
    decoded = [frame for packet in packets for frame in decoder.decode(packet)]
    return len(decoded) + len(decoder.decode(None))


def _audio_round_trip(encoder: AudioCodecContext, decoder: AudioCodecContext) -> int:
    import av

    encoder.sample_rate = 48_000
    encoder.layout = "stereo"
    encoder.format = "s16"
    packets = []
    for index in range(ROUND_TRIP_FRAMES):
        frame = av.AudioFrame(format="s16", layout="stereo", samples=960)
        frame.planes[0].update(bytes(frame.planes[0].buffer_size))
        frame.sample_rate = 48_000
        frame.pts = index * 960
        frame.time_base = fractions.Fraction(1, 48_000)
        packets += encoder.encode(frame)
    packets += encoder.encode(None)
    decoded = [frame for packet in packets for frame in decoder.decode(packet)]
    return len(decoded) + len(decoder.decode(None))


def check_voice_processing() -> str:
    """The microphone's echo cancellation loads its native library and removes an echo:
    one second of noise played, heard back 30 ms later at half the level."""
    import numpy as np

    from advisor_app.media.voice_processing import BLOCK, VoiceProcessor, WebRtcApm

    processor = VoiceProcessor(WebRtcApm(auto_gain_control=False))
    far = (np.random.default_rng(7).standard_normal(BLOCK * 200) * 3000).astype(np.int16)
    delay = 30 * 48
    heard = np.concatenate([np.zeros(delay, np.int16), far // 2])[: len(far)]
    out = []
    for start in range(0, len(far), BLOCK):
        processor.played(far[start:start + BLOCK].tobytes())
        out.append(np.frombuffer(processor.process(heard[start:start + BLOCK].tobytes()),
                                 np.int16))
    tail = slice(-50 * BLOCK, None)
    before = float(np.mean(np.square(heard[tail].astype(np.float64))))
    after = float(np.mean(np.square(np.concatenate(out)[tail].astype(np.float64))))
    reduction = 10 * np.log10(before / max(after, 1.0))
    if reduction < 20:
        raise CheckFailed(f"the echo canceller removed only {reduction:.0f} dB of an echo")
    return f"echo cancellation ({processor.canceller.name}): {reduction:.0f} dB off an echo"


def check_console_modules() -> str:
    """Everything the console imports after start-up, and the CA certificates that
    requests verifies the server with."""
    import certifi

    import advisor_app.app

    # requests verifies TLS against certifi's bundle (requests.certs.where()).
    certificates = Path(certifi.where())
    if not certificates.is_file():
        raise CheckFailed(f"the CA certificates are missing ({certificates})")
    return f"console modules ({advisor_app.app.__name__} and its imports), CA certificates"


@contextlib.contextmanager
def _loopback_host_candidates() -> Iterator[None]:
    """Have aioice offer 127.0.0.1 as the only host address, for the duration.

    aioice leaves loopback out of its host candidates, so a machine whose only
    interface is loopback (offline) could not connect at all; and nothing of the
    self-test should leave the machine.
    """
    import aioice.ice

    original = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = original


async def webrtc_loopback() -> str:
    """A customer peer offers audio and video both ways; the console's AdvisorPeer
    answers. Both sides send synthetic media until each has received enough."""
    from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    from advisor_app.media import AdvisorPeer, ReceivedMedia
    from advisor_app.media.received import consume_track
    from advisor_app.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack

    width, height = LOOPBACK_VIDEO_SIZE
    customer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    customer_received = ReceivedMedia()
    consumers: list[asyncio.Task[None]] = []

    @customer.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        consumers.append(asyncio.ensure_future(consume_track(track, customer_received)))

    customer.addTransceiver(SyntheticAudioTrack(), direction="sendrecv")
    customer.addTransceiver(SyntheticVideoTrack(width, height), direction="sendrecv")
    advisor = AdvisorPeer(ice_servers=[],
                          video_source=lambda: SyntheticVideoTrack(width, height))
    started = time.monotonic()
    sides = (("console", advisor.received), ("customer", customer_received))

    def enough() -> bool:
        return all(received.video_frames >= LOOPBACK_VIDEO_FRAMES
                   and received.audio_frames >= LOOPBACK_AUDIO_FRAMES
                   for _, received in sides)

    try:
        async with asyncio.timeout(LOOPBACK_TIMEOUT):
            await customer.setLocalDescription(await customer.createOffer())
            answer = await advisor.answer(customer.localDescription.sdp)
            await customer.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
            await advisor.wait_connected(LOOPBACK_TIMEOUT)
            # ReceivedMedia only counts; it has no change notification to wait on.
            while not enough():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    except TimeoutError:
        counts = "; ".join(f"{side} got {received.video_frames} video, "
                           f"{received.audio_frames} audio frames" for side, received in sides)
        raise CheckFailed(f"not enough media after {LOOPBACK_TIMEOUT:.0f} s "
                          f"(connection {advisor.connection_state}; {counts})") from None
    finally:
        await customer.close()
        await advisor.close()
        for task in consumers:
            task.cancel()
        await asyncio.gather(*consumers, return_exceptions=True)
    return (f"WebRTC loopback, both ways: {LOOPBACK_VIDEO_FRAMES} video frames, "
            f"{LOOPBACK_AUDIO_FRAMES} audio frames in {time.monotonic() - started:.1f} s")


def check_webrtc_loopback() -> str:
    with _loopback_host_candidates():
        return asyncio.run(webrtc_loopback())


def run_self_test() -> int:
    """Run every check, print one line each; 0 when all passed, 1 otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(["videoberatung-advisor"])
    checks: list[tuple[str, Callable[[], str]]] = [
        ("Qt widgets", lambda: check_qt_widgets(app)),
        ("app icon", lambda: check_app_icon(app)),
        ("QtMultimedia", check_multimedia),
        ("codecs", check_codecs),
        ("console modules", check_console_modules),
        ("voice processing", check_voice_processing),
        ("WebRTC loopback", check_webrtc_loopback),
    ]
    failed = 0
    for name, check in checks:
        try:
            line = "ok   " + check()
        except CheckFailed as problem:
            line = f"FAIL {name}: {problem}"
            failed += 1
        except Exception as problem:
            line = f"FAIL {name}: {type(problem).__name__}: {problem}"
            traceback.print_exc()
            failed += 1
        print(line, flush=True)
    return 1 if failed else 0
