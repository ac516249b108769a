"""Who is connected: customers' visits (for the grace period), advisors' consoles (for
"online") and the server instances themselves (to notice one that died)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.config import Settings
from server.db.models import (
    LiveConnection,
    ServerInstance,
    Visit,
    utcnow,
)
from server.live.visit_state import LIVE_STATES

ONLINE_WINDOW_FACTOR = 3  # an advisor is online while seen within 3 heartbeats


async def set_connected(session: AsyncSession, visit_id: int, instance_id: str) -> None:
    await session.execute(
        update(Visit).where(Visit.id == visit_id, Visit.state.in_(LIVE_STATES))
        .values(disconnected_at=None, instance_id=instance_id)
    )


async def set_disconnected(session: AsyncSession, visit_id: int, at: datetime) -> None:
    await session.execute(
        update(Visit).where(Visit.id == visit_id, Visit.state.in_(LIVE_STATES))
        .values(disconnected_at=at, instance_id=None)
    )


async def instance_heartbeat(session: AsyncSession, instance_id: str, now: datetime) -> None:
    result = await session.execute(
        update(ServerInstance).where(ServerInstance.id == instance_id).values(last_seen_at=now)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(ServerInstance(id=instance_id, started_at=now, last_seen_at=now))


async def instance_stopped(session: AsyncSession, instance_id: str) -> None:
    await session.execute(delete(ServerInstance).where(ServerInstance.id == instance_id))


async def orphaned_to_disconnected(
    session: AsyncSession, now: datetime, stale_after: timedelta
) -> int:
    """Customers connected to an instance that stopped beating count as disconnected
    from now on, so the grace period starts for them as for a network drop."""
    alive = select(ServerInstance.id).where(ServerInstance.last_seen_at > now - stale_after)
    result = await session.execute(
        update(Visit)
        .where(Visit.state.in_(LIVE_STATES), Visit.instance_id.is_not(None),
               Visit.instance_id.not_in(alive))
        .values(disconnected_at=now, instance_id=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def register_connection(session: AsyncSession, advisor_id: int) -> str:
    connection_id = str(uuid.uuid4())
    session.add(LiveConnection(id=connection_id, advisor_id=advisor_id))
    return connection_id


async def touch_connection(session: AsyncSession, connection_id: str) -> None:
    await session.execute(update(LiveConnection).where(LiveConnection.id == connection_id)
                          .values(last_seen_at=utcnow()))


async def drop_connection(session: AsyncSession, connection_id: str) -> None:
    await session.execute(delete(LiveConnection).where(LiveConnection.id == connection_id))


async def online_advisors(
    session: AsyncSession, settings: Settings, now: datetime | None = None
) -> set[int]:
    now = now or utcnow()
    fresh = now - timedelta(seconds=settings.heartbeat_seconds * ONLINE_WINDOW_FACTOR)
    rows = await session.scalars(
        select(LiveConnection.advisor_id).where(LiveConnection.last_seen_at > fresh).distinct()
    )
    return set(rows.all())
