"""The log set-up: one JSON object per line with VB_LOG_JSON, and link tokens kept out of
the access log."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).parents[3]

# Run in a fresh interpreter: configure_logging replaces the root logger's handlers.
LOGGING_SCRIPT = """
import logging
from server.core.logs import configure_logging

configure_logging(json_lines=True)
logging.getLogger("videoberatung").info("Über %s Kunden\\nin zwei Zeilen", 3)
logging.getLogger("uvicorn.access").info(
    '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
    "/api/v1/public/manage/Secret_Token-123/cancel?lang=en", "1.1", 200)
logging.getLogger("uvicorn.access").info(
    '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/join/Secret_Token-456", "1.1", 200)
try:
    raise ValueError("kaputt")
except ValueError:
    logging.getLogger("server.api.errors").exception("unhandled error on GET /x")
logging.getLogger("videoberatung").debug("below the level")
"""


def _log_lines() -> list[str]:
    result = subprocess.run([sys.executable, "-c", LOGGING_SCRIPT], capture_output=True,
                            text=True, cwd=ROOT, check=True, timeout=30)
    assert result.stdout == ""
    return result.stderr.splitlines()


def test_each_json_log_line_has_time_level_logger_and_message() -> None:
    entries = [json.loads(line) for line in _log_lines()]

    assert [(e["level"], e["logger"]) for e in entries] == [
        ("info", "videoberatung"), ("info", "uvicorn.access"), ("info", "uvicorn.access"),
        ("error", "server.api.errors")]
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= entry.keys()
        stamp = datetime.fromisoformat(entry["time"])
        assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 0
    assert entries[0]["message"] == "Über 3 Kunden\nin zwei Zeilen"
    assert "ValueError: kaputt" in entries[3]["exception"]


def test_link_tokens_are_cut_from_the_access_log() -> None:
    messages = [json.loads(line)["message"] for line in _log_lines()]
    assert messages[1] == ('127.0.0.1:5000 - "GET /api/v1/public/manage/…/cancel?lang=en '
                           'HTTP/1.1" 200')
    assert messages[2] == '127.0.0.1:5000 - "GET /join/… HTTP/1.1" 200'
    assert not any("Secret_Token" in message for message in messages)
