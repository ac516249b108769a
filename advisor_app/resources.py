"""Where the console's shipped files are: style sheet, translations, sounds, icons.

Beside the package in a source tree and in the PyInstaller bundle alike.
"""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
