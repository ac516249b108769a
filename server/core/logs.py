"""Logging set-up: readable lines by default, one JSON object per line with VB_LOG_JSON."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

# The customer's links carry a secret token in the path: /join/<token>, /manage/<token>.
LINK_TOKEN = re.compile(r"(/(?:join|manage)/)[^/?#\s\"]+")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RedactLinkTokens(logging.Filter):
    """Keeps customers' link tokens out of the access log (the requested paths)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(LINK_TOKEN.sub(r"\1…", arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return True


def configure_logging(json_lines: bool = False, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactLinkTokens) for f in access.filters):
        access.addFilter(RedactLinkTokens())
