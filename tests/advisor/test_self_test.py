"""``videoberatung-advisor --self-test`` and ``--version`` from the source tree: no
display, no keyring, no server; and a failing check turns into a FAIL line and exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import av
import pytest

from advisor_app import selftest

ROOT = Path(__file__).resolve().parents[2]
# The beginning of each check's ok line, in the order the self-test runs them.
OK_LINES = (
    "ok   Qt widgets (platform offscreen)",
    "ok   app icon (8 sizes)",
    "ok   QtMultimedia (",
    "ok   codecs h264 vp8 opus",
    "ok   console modules",
    "ok   echo cancellation (WebRTC APM (livekit)): ",
    "ok   WebRTC loopback, both ways: 30 video frames, 50 audio frames in ",
)


def bare_environment() -> dict[str, str]:
    """This process's environment without a display or a platform choice, and with a
    keyring that fails on use: what an installed console meets on a headless machine."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


def assert_self_test_passed(result: subprocess.CompletedProcess[str]) -> None:
    """Exit 0, every check's ok line in order, no FAIL."""
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert len(lines) == len(OK_LINES), result.stdout
    for line, expected in zip(lines, OK_LINES, strict=True):
        assert line.startswith(expected), result.stdout


def test_self_test_passes_from_source_without_display_keyring_or_server() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "advisor_app.main", "--self-test"],
        cwd=ROOT, env=bare_environment(), capture_output=True, text=True, timeout=120,
    )

    assert_self_test_passed(result)


def test_version_needs_nothing_but_the_package() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "advisor_app.main", "--version"],
        cwd=ROOT, env=bare_environment(), capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"videoberatung-advisor {version('videoberatung')}\n"


def test_failing_checks_print_fail_lines_and_the_others_still_run(
    qapp: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def codecs_missing() -> str:
        raise selftest.CheckFailed("h264: UnknownCodecError: libx264")

    def multimedia_broken() -> str:
        raise ImportError("libpulse.so.0: cannot open shared object file")

    monkeypatch.setattr(selftest, "check_codecs", codecs_missing)
    monkeypatch.setattr(selftest, "check_multimedia", multimedia_broken)
    monkeypatch.setattr(selftest, "check_voice_processing", lambda: "echo cancellation (stand-in)")
    monkeypatch.setattr(selftest, "check_webrtc_loopback", lambda: "WebRTC loopback (stand-in)")

    status = selftest.run_self_test()

    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    assert lines == [
        "ok   Qt widgets (platform offscreen)",
        "ok   app icon (8 sizes)",
        "FAIL QtMultimedia: ImportError: libpulse.so.0: cannot open shared object file",
        "FAIL codecs: h264: UnknownCodecError: libx264",
        "ok   console modules (advisor_app.app and its imports), CA certificates",
        "ok   echo cancellation (stand-in)",
        "ok   WebRTC loopback (stand-in)",
    ]


def test_codec_check_names_the_codec_that_cannot_be_opened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_create = av.CodecContext.create

    def create(name: str, mode: str) -> Any:
        if name == "libvpx":
            raise av.codec.codec.UnknownCodecError(name)
        return real_create(name, mode)

    # What a PyAV build without libvpx does.
    monkeypatch.setattr(av, "CodecContext", SimpleNamespace(create=create))

    with pytest.raises(selftest.CheckFailed, match=r"^vp8: UnknownCodecError"):
        selftest.check_codecs()
