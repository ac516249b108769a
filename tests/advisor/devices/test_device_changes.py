"""The rule for devices that come and go during a call, and how the advisor is told.
No devices needed: the lists are what QMediaDevices would report (the camera's case
can only be tested this way on a machine without cameras)."""

from __future__ import annotations

from typing import Any

from advisor_app.app import install_translation
from advisor_app.media.devices import (
    SYNTHETIC,
    DeviceChange,
    DeviceChoice,
    change_notice,
    follow_devices,
)

HEADSET = DeviceChoice("headset", "Headset")
BUILT_IN = DeviceChoice("built-in", "Eingebaute Lautsprecher", is_default=True)
USB = DeviceChoice("usb", "USB-Lautsprecher")
SILENT = DeviceChoice(SYNTHETIC, "Stumm (kein Lautsprecher)")


def test_a_device_that_disappears_gives_way_to_the_default() -> None:
    change = follow_devices("speaker", "headset", HEADSET, [BUILT_IN, USB, SILENT])
    assert change == DeviceChange("speaker", HEADSET, BUILT_IN, lost=True)


def test_without_a_default_the_first_device_then_the_synthetic_one_takes_over() -> None:
    usb_only = follow_devices("speaker", "headset", HEADSET, [USB, SILENT])
    assert usb_only is not None and usb_only.now == USB
    nothing = follow_devices("speaker", "headset", HEADSET, [SILENT])
    assert nothing is not None and nothing.now == SILENT and nothing.lost


def test_the_chosen_device_is_taken_up_again_when_it_comes_back() -> None:
    change = follow_devices("speaker", "headset", BUILT_IN, [BUILT_IN, HEADSET, SILENT])
    assert change == DeviceChange("speaker", BUILT_IN, HEADSET, lost=False)


def test_a_device_that_still_works_is_kept() -> None:
    # A new device, or another default: the advisor's device stays.
    assert follow_devices("speaker", "headset", HEADSET, [BUILT_IN, HEADSET, USB, SILENT]) \
        is None
    new_default = DeviceChoice("usb", "USB-Lautsprecher", is_default=True)
    fallback = DeviceChoice("built-in", "Eingebaute Lautsprecher")
    assert follow_devices("speaker", "headset", fallback, [fallback, new_default, SILENT]) \
        is None
    assert follow_devices("camera", SYNTHETIC, DeviceChoice(SYNTHETIC, "Testbild"),
                          [DeviceChoice("cam", "Kamera", True),
                           DeviceChoice(SYNTHETIC, "Testbild")]) is None


def test_the_notice_names_both_devices_in_german_and_english(qapp: Any) -> None:
    lost = DeviceChange("speaker", HEADSET, BUILT_IN, lost=True)
    assert change_notice(lost) == ("Der Lautsprecher ‚Headset‘ ist nicht mehr verfügbar – "
                                   "der Ton läuft jetzt über ‚Eingebaute Lautsprecher‘.")
    camera = DeviceChange("camera", DeviceChoice("c", "Logitech C920"),
                          DeviceChoice(SYNTHETIC, "Testbild (keine Kamera)"), lost=True)
    assert "Die Kamera ‚Logitech C920‘" in change_notice(camera)
    back = DeviceChange("microphone", BUILT_IN, HEADSET, lost=False)
    assert change_notice(back).startswith("Das Mikrofon ‚Headset‘ ist wieder da")
    translator = install_translation(qapp, "en")
    assert translator is not None
    try:
        assert change_notice(lost) == ("The speaker ‘Headset’ is no longer available – "
                                       "sound now plays through ‘Eingebaute Lautsprecher’.")
    finally:
        qapp.removeTranslator(translator)
