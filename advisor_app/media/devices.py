"""Which camera, microphone and speaker: the choices QMediaDevices offers, and the rule
that turns a saved setting into the device to open.

Every list ends with the synthetic source (a test picture, a test tone, or a silent
speaker), so a machine without devices still runs a session, and tests take the same
code path as a real camera.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QCoreApplication
from PySide6.QtMultimedia import QAudioDevice, QCameraDevice, QMediaDevices

SYNTHETIC = "synthetic"


@dataclass(frozen=True)
class DeviceChoice:
    """One entry of a device list: ``id`` is stored in the settings, ``name`` shown."""

    id: str
    name: str
    is_default: bool = False

    @property
    def synthetic(self) -> bool:
        return self.id == SYNTHETIC


@dataclass(frozen=True)
class DeviceSelection:
    """The devices to open (ids from :mod:`advisor_app.media.devices`)."""

    camera: str = SYNTHETIC
    microphone: str = SYNTHETIC
    speaker: str = SYNTHETIC


def choose_device(saved: str, available: list[DeviceChoice]) -> str:
    """The device to open for the saved setting ``saved`` (empty: none chosen yet).

    A saved device that is still there wins; else the system's default device; else
    the first real one; else the synthetic source.
    """
    ids = [choice.id for choice in available]
    if saved and saved in ids:
        return saved
    real = [choice for choice in available if not choice.synthetic]
    for choice in real:
        if choice.is_default:
            return choice.id
    return real[0].id if real else SYNTHETIC


def device_id(raw: QByteArray) -> str:
    """A Qt device id as text for QSettings."""
    return bytes(raw.data()).hex()


def cameras() -> list[DeviceChoice]:
    found = [DeviceChoice(device_id(d.id()), d.description(), d.isDefault())
             for d in QMediaDevices.videoInputs()]
    return [*found, DeviceChoice(
        SYNTHETIC, QCoreApplication.translate("devices", "Testbild (keine Kamera)"))]


def microphones() -> list[DeviceChoice]:
    found = [DeviceChoice(device_id(d.id()), d.description(), d.isDefault())
             for d in QMediaDevices.audioInputs()]
    return [*found, DeviceChoice(
        SYNTHETIC, QCoreApplication.translate("devices", "Testton (kein Mikrofon)"))]


def speakers() -> list[DeviceChoice]:
    found = [DeviceChoice(device_id(d.id()), d.description(), d.isDefault())
             for d in QMediaDevices.audioOutputs()]
    return [*found, DeviceChoice(
        SYNTHETIC, QCoreApplication.translate("devices", "Stumm (kein Lautsprecher)"))]


def camera_device(choice: str) -> QCameraDevice | None:
    for device in QMediaDevices.videoInputs():
        if device_id(device.id()) == choice:
            return device
    return None


def microphone_device(choice: str) -> QAudioDevice | None:
    for device in QMediaDevices.audioInputs():
        if device_id(device.id()) == choice:
            return device
    return None


def speaker_device(choice: str) -> QAudioDevice | None:
    for device in QMediaDevices.audioOutputs():
        if device_id(device.id()) == choice:
            return device
    return None
