"""What one server instance counts about itself (exported by /metrics)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class InstanceCounters:
    """Errors this server instance has seen since it started."""

    http_server_errors: int = 0
    websocket_errors: Counter[str] = field(default_factory=Counter)

    def websocket_error(self, code: str) -> None:
        self.websocket_errors[code] += 1
