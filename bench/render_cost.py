"""Console render cost: CPU per frame of the console's receive-and-paint path, against
decoding alone with PyAV (the floor), on the same frames.

The frames are the customer's VP8 stream as the console received it in the glass-to-glass
sessions (bench/advisor_side.py --record-dir). Offline, in a process of its own with Qt
offscreen, passes alternate:

- floor: ``av.CodecContext.create("libvpx", "r")`` decodes every frame, as aiortc's
  decoder thread does;
- console: the same decode, then the console's paint path for each frame:
  :meth:`VideoWidget.show_frame` and a synchronous ``repaint()`` (``paintEvent``), the
  widget at the size the console showed the customer at. The conversion to the widget's
  size (``frame_to_image``, wherever the widget calls it) is timed on its own.

CPU is ``time.process_time()`` (every thread of the process), per frame.

    .venv/bin/python bench/render_cost.py RECORDING.bin [--widget 498x615] [--passes 3]
        [--frames 900]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import quick, server_env


def load_frames(path: Path) -> list[bytes]:
    """The encoded frames of a recording (each: 4-byte little-endian length, the bytes)."""
    data = path.read_bytes()
    frames, offset = [], 0
    while offset + 4 <= len(data):
        (length,) = struct.unpack_from("<I", data, offset)
        frames.append(data[offset + 4 : offset + 4 + length])
        offset += 4 + length
    return frames


def floor_pass(frames: list[bytes]) -> tuple[float, int, tuple[int, int]]:
    """Decode alone: CPU seconds, frames decoded, their size."""
    import av

    codec = av.CodecContext.create("libvpx", "r")
    decoded, size = 0, (0, 0)
    started = time.process_time()
    for data in frames:
        for frame in codec.decode(av.Packet(data)):
            decoded += 1
            size = (frame.width, frame.height)
    return time.process_time() - started, decoded, size


class Timed:
    """Wraps a function and adds up the CPU time spent in it."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.seconds = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.process_time() - started


def console_pass(frames: list[bytes], widget: Any, conversion: Timed) -> dict[str, float]:
    """Decode, then the console's paint path for each frame: CPU seconds of each step."""
    import av

    codec = av.CodecContext.create("libvpx", "r")
    decode = paint = 0.0
    shown = 0
    conversion.seconds = 0.0
    for data in frames:
        started = time.process_time()
        decoded = codec.decode(av.Packet(data))
        done = time.process_time()
        decode += done - started
        for frame in decoded:
            widget.show_frame(frame)
            widget.repaint()
            shown += 1
        paint += time.process_time() - done
    return {"decode": decode, "convert": conversion.seconds,
            "paint": paint - conversion.seconds, "frames": shown}


def measure(recording: Path, widget_size: tuple[int, int], passes: int,
            limit: int | None = None) -> dict[str, Any]:
    """In this process: alternate the passes; milliseconds per frame. ``limit``: only the
    first frames of the recording."""
    from PySide6.QtWidgets import QApplication

    from advisor_app.ui import video

    app = QApplication.instance() or QApplication([])
    frames = load_frames(recording)[:limit]
    # Timed where the widget looks the conversion up: the name in its module.
    conversion = Timed(vars(video)["frame_to_image"])
    vars(video)["frame_to_image"] = conversion
    widget = video.VideoWidget()
    widget.resize(*widget_size)
    widget.show()
    app.processEvents()
    floors: list[float] = []
    runs: list[dict[str, float]] = []
    size = (0, 0)
    for _ in range(passes):
        seconds, decoded, size = floor_pass(frames)
        floors.append(1000 * seconds / decoded)
        spent = console_pass(frames, widget, conversion)
        runs.append({step: 1000 * spent[step] / spent["frames"]
                     for step in ("decode", "convert", "paint")})
    floor = statistics.median(floors)
    console = statistics.median(sum(run.values()) for run in runs)
    return {"frames": len(frames), "frame_size": list(size), "widget_size": list(widget_size),
            "passes": passes, "floor_ms": floor, "console_ms": console,
            "ratio": console / floor,
            **{f"{step}_ms": statistics.median(run[step] for run in runs)
               for step in ("decode", "convert", "paint")}}


def run(recording: Path, widget_size: tuple[int, int], passes: int | None = None,
        limit: int | None = None) -> dict[str, Any]:
    """:func:`measure` in a process of its own (Qt offscreen), so nothing else runs in it."""
    passes = passes or (2 if quick() else 3)
    limit = limit or (240 if quick() else 900)
    output = subprocess.run(
        [sys.executable, __file__, str(recording), "--widget",
         f"{widget_size[0]}x{widget_size[1]}", "--passes", str(passes), "--frames", str(limit)],
        env=server_env(QT_QPA_PLATFORM="offscreen"), cwd=ROOT, capture_output=True,
        text=True, check=True, timeout=600)
    result: dict[str, Any] = json.loads(output.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("recording", type=Path)
    parser.add_argument("--widget", default="498x615")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--frames", type=int, help="only the first FRAMES frames")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    width, height = (int(n) for n in args.widget.lower().split("x"))
    print(json.dumps(measure(args.recording, (width, height), args.passes, args.frames)))


if __name__ == "__main__":
    main()
