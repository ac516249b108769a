"""Guards against a Qt binding that breaks the console in the long run."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    ticked = Signal(int)


def test_emitting_signals_keeps_reference_counts_intact() -> None:
    # PySide6 6.12.0 on Python 3.11 dropped a reference to True on every emit(); a console
    # running all day aborted ("deallocating True or False") once the count hit zero.
    emitter = Emitter()
    seen: list[int] = []
    emitter.ticked.connect(seen.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for tick in range(2000):
        emitter.ticked.emit(tick)
    assert len(seen) == 2000
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
