"""The installed console: build the PyInstaller one-folder bundle from the spec (30 s on
an idle 2-core machine, about 2 minutes on a busy one), run its self-test and
``--version``, check what it carries, and install it with its desktop entry and icons
into a temporary prefix."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from advisor_app.ui.icon import ICON_SIZES
from tests.advisor.test_self_test import assert_self_test_passed, bare_environment

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "pyinstaller" / "videoberatung-advisor.spec"
NAME = "videoberatung-advisor"

# The build alone takes most of this on a busy machine.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The one-folder bundle, built once for this module into a temporary folder."""
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(SPEC)],
        cwd=ROOT, capture_output=True, text=True, timeout=840,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    yield work / "dist" / NAME
    # About 350 MB: not worth keeping among pytest's last three temporary folders.
    shutil.rmtree(work)


def run_bundle(executable: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(executable), *args], env=bare_environment(),
                          capture_output=True, text=True, timeout=120)


def test_bundle_passes_its_self_test(bundle: Path) -> None:
    assert_self_test_passed(run_bundle(bundle / NAME, "--self-test"))


def test_bundle_reports_the_package_version(bundle: Path) -> None:
    result = run_bundle(bundle / NAME, "--version")

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{NAME} {version('videoberatung')}\n"


def test_bundle_carries_the_console_resources_and_leaves_unused_parts_out(bundle: Path) -> None:
    internal = bundle / "_internal"
    plugins = internal / "PySide6" / "Qt" / "plugins"
    present = {
        "offscreen platform": plugins / "platforms" / "libqoffscreen.so",
        "X11 platform": plugins / "platforms" / "libqxcb.so",
        "Wayland platform": plugins / "platforms" / "libqwayland.so",
        "FFmpeg multimedia backend": plugins / "multimedia" / "libffmpegmediaplugin.so",
        "style sheet": internal / "resources" / "console.qss",
        "English translation": internal / "resources" / "i18n" / "advisor_en.qm",
        "waiting chime": internal / "resources" / "sounds" / "customer-waiting.wav",
        **{f"{size} px icon": internal / "resources" / "icons" / f"videoberatung-{size}.png"
           for size in ICON_SIZES},
    }
    absent = {
        "GTK 3 theme (the build machine's GTK)": plugins / "platformthemes" / "libqgtk3.so",
        "virtual keyboard (Qt Quick)": plugins / "platforminputcontexts"
        / "libqtvirtualkeyboardplugin.so",
        "QtPdf": internal / "PySide6" / "Qt" / "lib" / "libQt6Pdf.so.6",
        "QtWebEngine": internal / "PySide6" / "Qt" / "lib" / "libQt6WebEngineCore.so.6",
        "legal texts": internal / "resources" / "legal",
        "asyncpg": internal / "asyncpg",
        "uvloop": internal / "uvloop",
        "mypy": internal / "mypy",
    }

    assert [name for name, path in present.items() if not path.exists()] == []
    assert [name for name, path in absent.items() if path.exists()] == []


def test_install_script_puts_bundle_entry_and_icons_under_the_prefix(
    bundle: Path, tmp_path: Path
) -> None:
    prefix = tmp_path / "prefix"
    result = subprocess.run(
        ["sh", str(ROOT / "packaging" / "linux" / "install.sh"), str(prefix)],
        env={**bare_environment(), "BUNDLE": str(bundle)},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr

    icons = prefix / "share" / "icons" / "hicolor"
    assert (prefix / "share" / "applications" / f"{NAME}.desktop").is_file()
    assert (icons / "scalable" / "apps" / "videoberatung.svg").is_file()
    assert [size for size in ICON_SIZES
            if not (icons / f"{size}x{size}" / "apps" / "videoberatung.png").is_file()] == []
    installed = run_bundle(prefix / "bin" / NAME, "--version")
    assert installed.stdout == f"{NAME} {version('videoberatung')}\n"
