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


@dataclass(frozen=True)
class DeviceChange:
    """The console switches ``kind`` ("camera", "microphone", "speaker") from
    ``previous`` to ``now``: because ``previous`` disappeared (``lost``), or because the
    advisor's chosen device is back."""

    kind: str
    previous: DeviceChoice
    now: DeviceChoice
    lost: bool


def follow_devices(kind: str, chosen: str, current: DeviceChoice,
                   available: list[DeviceChoice]) -> DeviceChange | None:
    """What to do when the devices of ``kind`` change while ``current`` is in use and the
    advisor chose ``chosen``: None to keep ``current``.

    A device that disappears gives way to what :func:`choose_device` picks (the system's
    default); the chosen device, when it comes back, is taken up again. A working device
    is never left just because the system's default changed.
    """
    target = choose_device(chosen, available)
    if target == current.id:
        return None
    by_id = {choice.id: choice for choice in available}
    still_there = current.id in by_id
    if still_there and target != chosen:
        return None
    return DeviceChange(kind, current, by_id[target], lost=not still_there)


def change_notice(change: DeviceChange) -> str:
    """The advisor's notice of ``change``, in the console's language."""
    translate = QCoreApplication.translate
    texts = {
        ("speaker", True): translate("devices", "Der Lautsprecher ‚{previous}‘ ist nicht mehr "
                              "verfügbar – der Ton läuft jetzt über ‚{now}‘."),
        ("microphone", True): translate("devices", "Das Mikrofon ‚{previous}‘ ist nicht mehr "
                                 "verfügbar – Ihre Stimme kommt jetzt von ‚{now}‘."),
        ("camera", True): translate("devices", "Die Kamera ‚{previous}‘ ist nicht mehr verfügbar – "
                             "Ihr Bild kommt jetzt von ‚{now}‘."),
        ("speaker", False): translate("devices", "Der Lautsprecher ‚{now}‘ ist wieder da – der Ton "
                               "läuft wieder über ihn."),
        ("microphone", False): translate("devices", "Das Mikrofon ‚{now}‘ ist wieder da – Ihre "
                                  "Stimme kommt wieder von ihm."),
        ("camera", False): translate("devices", "Die Kamera ‚{now}‘ ist wieder da – Ihr Bild kommt "
                              "wieder von ihr."),
    }
    return texts[(change.kind, change.lost)].format(previous=change.previous.name,
                                                    now=change.now.name)


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
