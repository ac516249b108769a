"""Writing the audit log. Details must never hold personal data (names, phones, e-mail)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import AuditEntry


def audit(session: AsyncSession, actor: str, action: str, subject: str, **details: Any) -> None:
    session.add(AuditEntry(actor=actor, action=action, subject=subject, details=details))
