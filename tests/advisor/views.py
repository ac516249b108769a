"""Protocol views as the server would send them, for the console's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from live_protocol.views import VisitView

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def visit(visit_id: int, name: str = "Erika Mustermann", waited_seconds: int = 65,
          **extra: Any) -> VisitView:
    return VisitView.model_validate({
        "id": visit_id, "state": "waiting", "customer_name": name,
        "customer_phone": "+49 30 1234567", "language": "de", "appointment_id": 3,
        "appointment_start": NOW.isoformat(), "topic_id": None, "advisor_id": 1,
        "advisor_name": "Anna Berater", "mode": None, "see_advisor": False, "show_me": False,
        "waiting_since": (NOW - timedelta(seconds=waited_seconds)).isoformat(),
        "consent_at": NOW.isoformat(), "disconnected": False, **extra,
    })
