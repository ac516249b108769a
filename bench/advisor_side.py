"""The advisor's side of the media benchmarks, in a process of its own (so its CPU and
memory are its own): our media engine alone, or the whole console.

    python bench/advisor_side.py --mode engine|console --credentials-file PATH
        [--record-dir DIR] [--no-remb] [--aiortc-bitrates]

- ``engine``: :class:`~advisor_app.headless.HeadlessAdvisor` on a plain asyncio loop.
- ``console``: the console as ``videoberatung-advisor`` runs it (QApplication on the
  qasync loop, signed in with the credentials file, the main window shown; offscreen
  with ``QT_QPA_PLATFORM=offscreen``).

Either accepts the first customer waiting whenever it has no session, as an advisor at
the console would (the console through its controller, like the accept button). For each
visit it notes the first decoded frame of the customer's video, every decoded frame's
time and size (the engine also every block of sound), and for every frame the
number painted into it (bench/barcode.py) with the time it was decoded and, in the
console, the time it was painted (``time.time()``). With ``--record-dir`` the encoded VP8
frames go to ``vp8-<visit>.bin`` for bench/render_cost.py while recording is on.

Commands arrive on stdin and replies leave on stdout, one JSON object a line:
``{"cmd": "report"}`` (the latest visit), ``{"cmd": "end"}`` (end the session),
``{"cmd": "record", "on": true}`` (start or stop recording), ``{"cmd": "quit"}``. The
first line out is ``{"event": "ready"}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import barcode


def emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class VisitRecord:
    def __init__(self, visit_id: int) -> None:
        self.visit_id = visit_id
        self.accepted_at = time.time()
        self.first_frame: float | None = None
        self.frame_size: tuple[int, int] | None = None
        self.decoded: list[tuple[int, float]] = []
        self.painted: list[tuple[int, float]] = []
        self.widget_size: tuple[int, int] | None = None
        # Every decoded frame (time, width, height) and every decoded block of sound
        # (time, samples at its rate, rate), numbered or not: bench/network_calls.py.
        self.frames: list[tuple[float, int, int]] = []
        self.sound: list[tuple[float, int, int]] = []

    def report(self) -> dict[str, Any]:
        return {"visit": self.visit_id, "first_frame": self.first_frame,
                "frame_size": self.frame_size, "widget_size": self.widget_size,
                "decoded": self.decoded, "painted": self.painted,
                "frames": self.frames, "sound": self.sound}


class Probe:
    """What the advisor side saw of each visit."""

    def __init__(self) -> None:
        self.visits: dict[int, VisitRecord] = {}
        self.current: VisitRecord | None = None
        self.recording = False

    def accepted(self, visit_id: int) -> None:
        self.current = self.visits.setdefault(visit_id, VisitRecord(visit_id))

    def decoded(self, frame: Any) -> None:
        at = time.time()
        record = self.current
        if record is None:
            return
        if record.first_frame is None:
            record.first_frame = at
        record.frame_size = (frame.width, frame.height)
        record.frames.append((at, frame.width, frame.height))
        number = barcode.read_frame(frame)
        if number is not None:
            record.decoded.append((number, at))

    def heard(self, frame: Any) -> None:
        record = self.current
        if record is not None:
            record.sound.append((time.time(), frame.samples, frame.sample_rate))

    def painted(self, image: Any, size: tuple[int, int]) -> None:
        at = time.time()
        record = self.current
        if record is None or image is None:
            return
        record.widget_size = size
        number = barcode.read_image(image)
        if number is not None:
            record.painted.append((number, at))


class Vp8Recorder:
    """Wraps aiortc's VP8 decoder so every encoded frame of a visit lands in a file
    (4-byte length, then the frame), written from the decoder thread."""

    def __init__(self, folder: Path, probe: Probe) -> None:
        from aiortc.codecs import vpx

        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.probe = probe
        self.lock = threading.Lock()
        self.files: dict[int, Any] = {}
        original = vpx.Vp8Decoder.decode
        recorder = self

        def decode(decoder: Any, encoded_frame: Any) -> Any:
            recorder.write(encoded_frame.data)
            return original(decoder, encoded_frame)

        vpx.Vp8Decoder.decode = decode  # type: ignore[method-assign,assignment]

    def write(self, data: bytes) -> None:
        record = self.probe.current
        if record is None or not self.probe.recording:
            return
        with self.lock:
            handle = self.files.get(record.visit_id)
            if handle is None:
                handle = (self.folder / f"vp8-{record.visit_id}.bin").open("wb")
                self.files[record.visit_id] = handle
            handle.write(struct.pack("<I", len(data)) + data)

    def close(self) -> None:
        with self.lock:
            for handle in self.files.values():
                handle.close()


def keep_aiortc_bitrates() -> None:
    """An experiment: aiortc's own encoder bitrates (Opus 96 kbit/s, VP8 at least
    250 kbit/s) instead of the console's (advisor_app/media/encoders.py)."""
    from advisor_app.media import peer

    peer.tune_aiortc_encoders = lambda: None  # type: ignore[assignment]


def switch_off_remb() -> None:
    """An experiment: aiortc's receivers send no REMB (receiver-estimated bitrate), so the
    browser's bandwidth estimate rests on its loss-based part alone."""
    from aiortc import rtcrtpreceiver

    class NoEstimate:
        def add(self, **_: Any) -> None:
            return None

    rtcrtpreceiver.RemoteBitrateEstimator = NoEstimate  # type: ignore[attr-defined,assignment]


class AutoAccept:
    """Accepts the first waiting customer whenever the advisor has no session."""

    def __init__(self, accept: Any, probe: Probe) -> None:
        self.accept = accept
        self.probe = probe
        self.asked: set[int] = set()

    def room(self, waiting: list[Any], in_session: bool) -> None:
        if in_session or not waiting:
            return
        visit_id = waiting[0].id
        if visit_id not in self.asked:
            self.asked.add(visit_id)
            self.accept(visit_id)


def read_commands(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[dict[str, Any]]) -> None:
    for line in sys.stdin:
        if line.strip():
            loop.call_soon_threadsafe(queue.put_nowait, json.loads(line))
    loop.call_soon_threadsafe(queue.put_nowait, {"cmd": "quit"})


async def serve_commands(probe: Probe, end: Any) -> None:
    """Answer commands until ``quit``; ``end`` is a coroutine function ending the session."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    threading.Thread(target=read_commands, args=(asyncio.get_running_loop(), queue),
                     daemon=True).start()
    emit("ready")
    while True:
        command = await queue.get()
        match command.get("cmd"):
            case "report":
                record = probe.current
                emit("report", **(record.report() if record else {}))
            case "end":
                await end()
                emit("end")
            case "record":
                probe.recording = bool(command.get("on"))
                emit("record")
            case "quit":
                emit("quit")
                return


async def run_engine(server: str, username: str, password: str, probe: Probe) -> None:
    from advisor_app.headless import AdvisorEvents, HeadlessAdvisor

    class Accepting(AdvisorEvents):
        def __init__(self) -> None:
            self.auto = AutoAccept(
                lambda visit_id: asyncio.ensure_future(engine.accept(visit_id)), probe)

        def room_changed(self, room: Any) -> None:
            self.auto.room(room.waiting, room.session is not None)

        def session_changed(self, visit: Any, chat: Any) -> None:
            probe.accepted(visit.id)

    engine = HeadlessAdvisor(server, username, password, on_video_frame=probe.decoded,
                             on_audio_frame=probe.heard, events=Accepting())
    await engine.start()

    async def end() -> None:
        if engine.visit is not None:
            await engine.end()

    try:
        await serve_commands(probe, end)
    finally:
        await engine.close()


def run_console(server: str, username: str, password: str, probe: Probe,
                settings_file: Path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from advisor_app.app import Console, configure_application, console_loop
    from advisor_app.settings import ConsoleSettings
    from advisor_app.ui.video import VideoWidget

    app = QApplication([])
    configure_application(app)
    settings = ConsoleSettings(QSettings(str(settings_file), QSettings.Format.IniFormat))
    loop = console_loop(app)
    asyncio.set_event_loop(loop)
    customer_video: list[Any] = []

    # The paint path stays the console's own; the probe only looks at what was painted.
    paint_event = VideoWidget.paintEvent

    def paint_and_note(widget: Any, event: Any) -> None:
        paint_event(widget, event)
        if customer_video and widget is customer_video[0]:
            probe.painted(getattr(widget, "_image", None), (widget.width(), widget.height()))

    VideoWidget.paintEvent = paint_and_note  # type: ignore[method-assign,assignment]

    async def main() -> None:
        console = Console(settings, server)
        signed_in = asyncio.Event()
        console.flow.signedIn.connect(lambda *_: signed_in.set())
        await console.start(credentials=(server, username, password))
        await asyncio.wait_for(signed_in.wait(), 30)
        controller, window = console.controller, console.window
        assert controller is not None and window is not None
        customer_video.append(window.session_view.customer_video)
        controller.customerVideoFrame.connect(probe.decoded)
        auto = AutoAccept(controller.accept, probe)
        controller.waitingChanged.connect(
            lambda waiting: auto.room(waiting, controller.visit is not None))
        controller.sessionChanged.connect(lambda visit: probe.accepted(visit.id))
        await controller.engine.wait_for(lambda e: e.type == "welcome", 30)

        async def end() -> None:
            if controller.visit is not None:
                controller.end_session()
                await asyncio.sleep(0.5)

        try:
            await serve_commands(probe, end)
        finally:
            await console.close()

    with loop:
        loop.run_until_complete(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=["engine", "console"], required=True)
    parser.add_argument("--credentials-file", type=Path, required=True)
    parser.add_argument("--record-dir", type=Path)
    parser.add_argument("--no-remb", action="store_true",
                        help="an experiment: aiortc sends no REMB bandwidth feedback")
    parser.add_argument("--aiortc-bitrates", action="store_true",
                        help="an experiment: aiortc's own encoder bitrates")
    args = parser.parse_args()
    if args.aiortc_bitrates:
        keep_aiortc_bitrates()
    if args.no_remb:
        switch_off_remb()
    credentials = json.loads(args.credentials_file.read_text())
    server, username, password = (credentials["server"], credentials["username"],
                                  credentials["password"])
    probe = Probe()
    recorder = Vp8Recorder(args.record_dir, probe) if args.record_dir else None
    try:
        if args.mode == "engine":
            asyncio.run(run_engine(server, username, password, probe))
        else:
            run_console(server, username, password, probe,
                        args.credentials_file.with_suffix(".ini"))
    finally:
        if recorder is not None:
            recorder.close()


if __name__ == "__main__":
    main()
