"""The console shares the protocol module with the server, and nothing else of it: no
database or web framework in the installed app."""

from __future__ import annotations

import os
import subprocess
import sys

SERVER_ONLY = ("sqlalchemy", "fastapi", "uvicorn", "alembic", "server.db.models")


def test_the_console_does_not_load_the_servers_database_or_web_stack() -> None:
    probe = (
        "import sys, advisor_app.app, advisor_app.headless; "
        f"print(','.join(m for m in {SERVER_ONLY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    assert result.stdout.strip() == ""
