"""Started by bench/console_start.py, timed from outside: shows a window and reports when
its first paint began (``time.time()``) and the process's memory then, as one JSON line.

    python bench/start_probe.py console   # videoberatung-advisor: its sign-in window
    python bench/start_probe.py bare      # a bare PySide6 window (a QWidget)

The probe creates the QApplication first and watches its events for the first paint of a
top-level window; the console then runs ``advisor_app.main.main([])`` as installed, which
takes that application over (``QApplication.instance()``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class FirstPaint(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted_at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (self.painted_at is None and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget) and watched.isWindow()):
            self.painted_at = time.time()
            QTimer.singleShot(0, lambda: self.report(watched))
        return False

    def report(self, window: Any) -> None:
        print(json.dumps({"painted_at": self.painted_at, "rss_mib": rss_mib(),
                          "window": type(window).__name__}), flush=True)
        os._exit(0)  # the measurement is over; no orderly shutdown needed


def main() -> None:
    mode = sys.argv[1]
    app = QApplication(sys.argv[:1])
    probe = FirstPaint()
    app.installEventFilter(probe)
    if mode == "console":
        from advisor_app.main import main as console

        console([])
    else:
        window = QWidget()
        window.setWindowTitle("bare")
        window.resize(440, 320)
        window.show()
        app.exec()


if __name__ == "__main__":
    main()
