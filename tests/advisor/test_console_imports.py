"""What the console loads, and when: the server's database and web stack never (it
shares only the protocol module); the media engine only after the sign-in, so the
sign-in window appears fast (docs/benchmarks.md, part 6)."""

from __future__ import annotations

import os
import subprocess
import sys

SERVER_ONLY = ("sqlalchemy", "fastapi", "uvicorn", "alembic", "server.db.models")
MEDIA_ENGINE = ("aiortc", "av", "pydantic", "advisor_app.controller")


def loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    probe = f"import sys; {statement}; print(','.join(m for m in {modules!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    return [name for name in result.stdout.strip().split(",") if name]


def test_the_console_does_not_load_the_servers_database_or_web_stack() -> None:
    assert loaded_after("import advisor_app.app, advisor_app.controller", SERVER_ONLY) == []


def test_the_sign_in_window_does_not_wait_for_the_media_engine() -> None:
    assert loaded_after("import advisor_app.app", MEDIA_ENGINE) == []
