"""What one running server instance holds: settings, database, mail dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.throttle import ThrottlePolicy
from server.core import security
from server.core.config import Settings
from server.db.session import Database
from server.live.bus import Bus, bus_from_url
from server.live.hub import LiveHub
from server.mail.outbox import MailDispatcher
from server.mail.transport import transport_from_settings


@dataclass
class Services:
    settings: Settings
    db: Database
    mail: MailDispatcher = field(init=False)
    bus: Bus = field(init=False)
    hub: LiveHub = field(init=False)

    def __post_init__(self) -> None:
        self.mail = MailDispatcher(self.db, transport_from_settings(self.settings), self.settings)
        self.bus = bus_from_url(self.settings.redis_url)
        self.hub = LiveHub(self.db, self.settings, self.bus)

    @property
    def throttle_policy(self) -> ThrottlePolicy:
        return ThrottlePolicy(
            per_account_and_address=self.settings.sign_in_max_failures,
            per_address=self.settings.sign_in_max_failures_per_address,
            per_account=self.settings.sign_in_max_failures_per_account,
            window=timedelta(minutes=self.settings.sign_in_window_minutes),
        )

    async def commit_and_send(self, session: AsyncSession) -> None:
        """Commit (so the change and its mail are stored) and wake the mail dispatcher."""
        await session.commit()
        self.mail.wake()

    @classmethod
    def from_settings(cls, settings: Settings) -> Services:
        security.configure_password_hashing_from(settings)
        security.warn_if_weak_password_hashing()
        return cls(settings=settings, db=Database(settings.resolved_database_url))
