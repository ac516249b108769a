"""English through Qt's translation files; German needs none."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from advisor_app.app import install_translation
from advisor_app.media.voice_activity import MicrophoneNotice
from advisor_app.net.rest import ServerError
from advisor_app.ui.sign_in import SignInDialog
from advisor_app.ui.texts import (
    appointment_state_label,
    microphone_notice_text,
    sign_in_problem,
)

ROOT = Path(__file__).resolve().parents[3]


def test_english_is_loaded_from_the_shipped_translation(qtbot: QtBot, qapp: object) -> None:
    assert install_translation(qapp, "de") is None  # type: ignore[arg-type]
    assert appointment_state_label("in_session") == "im Gespräch"
    translator = install_translation(qapp, "en")  # type: ignore[arg-type]
    assert translator is not None
    try:
        assert appointment_state_label("in_session") == "in session"
        dialog = SignInDialog()
        qtbot.addWidget(dialog)
        assert dialog.remember.text() == "Stay signed in"
        throttled = ServerError("throttled", "try again in 3 minute(s)", retry_after=170)
        assert sign_in_problem(throttled).endswith("in 3 minutes.")
        assert microphone_notice_text(MicrophoneNotice.MUTED_BUT_SPEAKING) == "You are muted."
    finally:
        qapp.removeTranslator(translator)  # type: ignore[attr-defined]


def test_every_text_of_the_console_has_an_english_translation(tmp_path: Path) -> None:
    """lupdate over the sources finds no German text missing from the shipped .ts file."""
    ts = tmp_path / "advisor_en.ts"
    shutil.copy(ROOT / "resources" / "i18n" / "advisor_en.ts", ts)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "update-translations"), "--check",
                    str(ts)], check=True, capture_output=True)
    text = ts.read_text(encoding="utf-8")
    untranslated = re.findall(r"<source>([^<]*)</source>\s*<translation type=\"unfinished\"", text)
    assert untranslated == []
    assert text.count("<message") > 100
