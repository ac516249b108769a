"""Telling the advisor that a customer started waiting: tray message and a short sound."""

from __future__ import annotations

import html
import math
import struct
import wave
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from advisor_app.media.devices import speaker_device
from advisor_app.resources import RESOURCES
from advisor_app.ui.icon import app_icon

CHIME = RESOURCES / "sounds" / "customer-waiting.wav"

# Where the tray message is shown as plain text. Elsewhere (Linux and the other Unix
# desktops) it goes to the desktop's notification service, which reads the body as
# markup (the Desktop Notifications "body-markup"), or to Qt's own balloon, a rich-text
# label.
PLAIN_TEXT_PLATFORMS = frozenset({"windows", "cocoa"})


def notification_text(text: str, platform: str) -> str:
    """``text`` as the tray message of ``platform`` (a Qt platform name) shows it verbatim."""
    return text if platform in PLAIN_TEXT_PLATFORMS else html.escape(text, quote=False)


def write_chime(path: Path, rate: int = 22050) -> Path:
    """A calm two-tone chime (0.5 s, 16-bit mono) as a WAV file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = bytearray()
    for tone, seconds in ((880.0, 0.22), (660.0, 0.28)):
        count = int(rate * seconds)
        for i in range(count):
            fade = min(1.0, i / 200, (count - i) / 800)
            value = 0.3 * fade * math.sin(2 * math.pi * tone * i / rate)
            samples += struct.pack("<h", int(value * 32767))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(samples))
    return path


class WaitingAlert(QObject):
    """A tray notification (where the desktop has a tray) and the chime (or a beep)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shown = 0
        self._tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._tray = QSystemTrayIcon(app_icon(), self)
            self._tray.show()
        self._sound = None
        try:
            from PySide6.QtMultimedia import QSoundEffect

            if not CHIME.exists():
                write_chime(CHIME)
            self._sound = QSoundEffect(self)
            self._sound.setSource(QUrl.fromLocalFile(str(CHIME)))
            self._sound.setVolume(0.6)
        except (ImportError, OSError):
            self._sound = None

    def use_speaker(self, device: str) -> None:
        """Chime on the speaker chosen in the settings (the system's default otherwise)."""
        found = speaker_device(device)
        if self._sound is not None and found is not None:
            self._sound.setAudioDevice(found)

    def message(self, name: str) -> tuple[str, str]:
        """The tray message's title and body for ``name``, escaped where markup is read."""
        platform = QGuiApplication.platformName()
        return (notification_text(self.tr("Kunde wartet"), platform),
                notification_text(self.tr("{name} wartet auf Sie.").format(name=name), platform))

    def customer_waiting(self, name: str) -> None:
        self.shown += 1
        if self._tray is not None and QSystemTrayIcon.supportsMessages():
            title, body = self.message(name)
            self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 8000)
        if self._sound is not None and self._sound.isLoaded():
            self._sound.play()
        else:
            QApplication.beep()
