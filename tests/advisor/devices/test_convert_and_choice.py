"""Pure parts of the device layer: picture and PCM conversions, the device rule, the meter."""

from __future__ import annotations

import array

import av
from PySide6.QtGui import QColor, QImage

from advisor_app.media.convert import (
    AUDIO_FRAME_SAMPLES,
    PcmChunker,
    PcmWriter,
    frame_to_image,
    image_to_frame,
)
from advisor_app.media.devices import SYNTHETIC, DeviceChoice, choose_device
from advisor_app.media.synthetic import draw_frame, read_frame_number, tone_pcm
from advisor_app.ui.level_meter import level_percent

CAMERAS = [DeviceChoice("a1", "Laptop camera"), DeviceChoice("b2", "USB camera", True),
           DeviceChoice(SYNTHETIC, "Testbild")]


def test_a_saved_device_that_is_still_there_wins() -> None:
    assert choose_device("a1", CAMERAS) == "a1"
    assert choose_device(SYNTHETIC, CAMERAS) == SYNTHETIC


def test_a_missing_device_falls_back_to_the_default_then_the_first_then_synthetic() -> None:
    assert choose_device("gone", CAMERAS) == "b2"
    assert choose_device("", CAMERAS[:1] + CAMERAS[2:]) == "a1"
    assert choose_device("gone", [DeviceChoice(SYNTHETIC, "Testbild")]) == SYNTHETIC


def test_a_camera_picture_survives_the_way_to_the_encoder() -> None:
    # The synthetic source takes this path: frame -> QImage -> QVideoFrame -> frame.
    picture = draw_frame(1234, 640, 480)
    back = image_to_frame(frame_to_image(picture, (640, 480)))
    assert (back.width, back.height, back.format.name) == (640, 480, "bgra")
    assert read_frame_number(back) == 1234


def test_odd_sized_and_padded_pictures_are_cropped_to_even_sizes() -> None:
    image = QImage(101, 77, QImage.Format.Format_RGB888)
    image.fill(QColor("#336699"))
    frame = image_to_frame(image)
    assert (frame.width, frame.height) == (100, 76)
    assert bytes(frame.reformat(format="rgb24").planes[0])[:3] == bytes([0x33, 0x66, 0x99])


def test_pcm_is_cut_into_20_ms_frames_and_nothing_is_lost() -> None:
    chunker = PcmChunker()
    pcm = tone_pcm(0, AUDIO_FRAME_SAMPLES * 3 + 100)
    frames = chunker.feed(pcm[:1000]) + chunker.feed(pcm[1000:])
    assert [f.samples for f in frames] == [AUDIO_FRAME_SAMPLES] * 3
    assert b"".join(bytes(f.planes[0])[: f.samples * 2] for f in frames) == pcm[: 3 * 1920]
    assert len(chunker.feed(b"\0" * (2 * AUDIO_FRAME_SAMPLES - 200))) == 1


def test_decoded_stereo_audio_becomes_mono_pcm_for_the_speaker() -> None:
    stereo = av.AudioFrame(format="s16", layout="stereo", samples=960)
    stereo.planes[0].update(array.array("h", [1000, 1000] * 960).tobytes())
    stereo.sample_rate = 48_000
    stereo.pts = 0
    writer = PcmWriter()
    pcm = writer.convert(stereo) + writer.convert(stereo)
    samples = array.array("h", pcm)
    assert len(samples) > 900
    assert all(abs(value - 1000) < 20 for value in samples[100:])


def test_the_level_meter_uses_decibels() -> None:
    assert level_percent(0.0) == 0
    assert level_percent(1.0) == 100
    assert level_percent(0.001) == 0  # -60 dB: the floor
    assert level_percent(0.03) == 49  # about -30 dB: half way
