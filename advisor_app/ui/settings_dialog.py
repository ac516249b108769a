"""Settings: camera, microphone and speaker (with a live preview, a level meter and a
test sound), the microphone's processing (echo and noise suppression) and the console's
language.

The dialog only shows and emits intent; the console switches the devices it really
uses while the dialog is open, so the preview is what the customer will see.
"""

from __future__ import annotations

from typing import Any

import av
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from advisor_app.media.devices import DeviceChoice, DeviceSelection
from advisor_app.ui.level_meter import LevelMeter
from advisor_app.ui.session_view import plain_label
from advisor_app.ui.video import VideoWidget


def _fill(combo: QComboBox, choices: list[DeviceChoice], selected: str) -> None:
    """``choices`` in ``combo`` with ``selected`` current, without emitting a change."""
    blocked = combo.blockSignals(True)
    combo.clear()
    for choice in choices:
        combo.addItem(choice.name, choice.id)
    combo.setCurrentIndex(max(0, combo.findData(selected)))
    combo.blockSignals(blocked)


def _combo(choices: list[DeviceChoice], selected: str) -> QComboBox:
    combo = QComboBox()
    _fill(combo, choices, selected)
    return combo


class SettingsDialog(QDialog):
    devicesChanged = Signal(object)  # DeviceSelection, while the dialog is open
    testSoundRequested = Signal(str)  # speaker id
    voiceProcessingChanged = Signal(bool)  # while the dialog is open

    def __init__(self, cameras: list[DeviceChoice], microphones: list[DeviceChoice],
                 speakers: list[DeviceChoice], selection: DeviceSelection,
                 language_choice: str, voice_processing: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings")
        self.setWindowTitle(self.tr("Einstellungen"))
        self.setMinimumWidth(560)
        self.initial = selection
        self.camera = _combo(cameras, selection.camera)
        self.microphone = _combo(microphones, selection.microphone)
        self.speaker = _combo(speakers, selection.speaker)
        for combo in (self.camera, self.microphone, self.speaker):
            combo.currentIndexChanged.connect(self._changed)

        self.preview = VideoWidget(self.tr("Keine Vorschau"))
        self.preview.setObjectName("settingsPreview")
        self.preview.setFixedSize(320, 240)
        self.level = LevelMeter()
        self.test_sound_button = QPushButton(self.tr("Testton abspielen"))
        self.test_sound_button.clicked.connect(
            lambda: self.testSoundRequested.emit(str(self.speaker.currentData())))
        self.sound_note = plain_label("", "hint")
        self.sound_note.setWordWrap(True)
        self.initial_voice_processing = voice_processing
        self.voice_processing = QCheckBox(self.tr("Echo- und Rauschunterdrückung"))
        self.voice_processing.setChecked(voice_processing)
        self.voice_processing.setToolTip(self.tr(
            "Entfernt das Echo Ihres Lautsprechers und Hintergrundgeräusche aus dem Mikrofon "
            "und gleicht die Lautstärke an."))
        self.voice_processing.toggled.connect(self.voiceProcessingChanged)
        self.voice_processing_note = plain_label(self.tr("Nur mit Headset abschalten."), "hint")

        self.language = QComboBox()
        self.language.addItem(self.tr("Wie das System"), "")
        self.language.addItem("Deutsch", "de")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(language_choice)))
        self.language_note = plain_label(
            self.tr("Eine andere Sprache gilt ab dem nächsten Start der Konsole."), "hint")
        self.language_note.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Kamera"), self.camera)
        form.addRow("", self.preview)
        form.addRow(self.tr("Mikrofon"), self.microphone)
        form.addRow(self.tr("Pegel"), self.level)
        form.addRow("", self.voice_processing)
        form.addRow("", self.voice_processing_note)
        speaker_row = QHBoxLayout()
        speaker_row.addWidget(self.speaker, 1)
        speaker_row.addWidget(self.test_sound_button)
        form.addRow(self.tr("Lautsprecher"), speaker_row)
        form.addRow("", self.sound_note)
        form.addRow(self.tr("Sprache"), self.language)
        form.addRow("", self.language_note)

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("Übernehmen"),
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("primary")
        self.cancel_button = buttons.addButton(self.tr("Abbrechen"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Geräte und Sprache"))
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def selection(self) -> DeviceSelection:
        return DeviceSelection(camera=str(self.camera.currentData()),
                               microphone=str(self.microphone.currentData()),
                               speaker=str(self.speaker.currentData()))

    def set_choices(self, cameras: list[DeviceChoice], microphones: list[DeviceChoice],
                    speakers: list[DeviceChoice], selection: DeviceSelection) -> None:
        """New device lists (a device came or went), with the devices in use selected."""
        _fill(self.camera, cameras, selection.camera)
        _fill(self.microphone, microphones, selection.microphone)
        _fill(self.speaker, speakers, selection.speaker)

    def language_choice(self) -> str:
        return str(self.language.currentData())

    def show_frame(self, frame: av.VideoFrame | None) -> None:
        if frame is None:
            self.preview.clear()
        else:
            self.preview.show_frame(frame)

    def show_level(self, rms: float) -> None:
        self.level.show_level(rms)

    def show_sound_result(self, played: bool) -> None:
        self.sound_note.setText(
            self.tr("Sie sollten jetzt einen Klang hören.") if played
            else self.tr("Kein Lautsprecher gefunden – der Testton kann nicht abgespielt werden."))
        # The wrapped note may need another line: grow rather than squeeze the preview.
        self.adjustSize()

    def _changed(self, *_: Any) -> None:
        self.devicesChanged.emit(self.selection())
