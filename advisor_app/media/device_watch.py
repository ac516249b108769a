"""Cameras, microphones and speakers that come and go while the console runs.

:class:`DeviceWatch` follows QMediaDevices' change signals and keeps the lists as they
were before the change, so a device that has just disappeared still has its name for
the advisor's notice. What to do about a change is :func:`devices.follow_devices`'s
rule; the controller applies it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtMultimedia import QMediaDevices

from advisor_app.media import devices
from advisor_app.media.devices import DeviceChoice

KINDS: dict[str, Callable[[], list[DeviceChoice]]] = {
    "camera": devices.cameras,
    "microphone": devices.microphones,
    "speaker": devices.speakers,
}


class DeviceWatch(QObject):
    """The current device lists; :attr:`changed` (the kind) after one of them changed."""

    changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lists = {kind: listed() for kind, listed in KINDS.items()}
        self._earlier: dict[str, list[DeviceChoice]] = {kind: [] for kind in KINDS}
        self._media = QMediaDevices(self)
        self._media.videoInputsChanged.connect(lambda: self.refresh("camera"))
        self._media.audioInputsChanged.connect(lambda: self.refresh("microphone"))
        self._media.audioOutputsChanged.connect(lambda: self.refresh("speaker"))

    def refresh(self, kind: str) -> None:
        """Read the list of ``kind`` again; :attr:`changed` when it is not the same."""
        fresh = KINDS[kind]()
        if fresh == self.lists[kind]:
            return
        self._earlier[kind] = self.lists[kind]
        self.lists[kind] = fresh
        self.changed.emit(kind)

    def describe(self, kind: str, device_id: str) -> DeviceChoice:
        """The entry of ``device_id``, also when it has just disappeared."""
        for choice in (*self.lists[kind], *self._earlier[kind]):
            if choice.id == device_id:
                return choice
        return DeviceChoice(device_id, device_id)
