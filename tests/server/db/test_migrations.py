"""The Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from server.db import migrate
from server.db.models import Base
from server.db.session import Database

TABLES = {
    "advisors", "availability_windows", "topics", "advisor_topics", "auth_tokens",
    "sign_in_failures", "customers", "appointments", "access_tokens", "consent_records",
    "audit_log", "outgoing_mail", "alembic_version", "visits", "chat_messages",
    "customer_messages", "live_connections", "server_instances",
}


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_create_the_models_schema(db: Database) -> None:
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        differences = await connection.run_sync(_differences)
    assert tables == TABLES
    assert differences == []


async def test_migrations_go_down_and_up_again(database_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, database_url)
    await asyncio.to_thread(migrate.downgrade, database_url, "base")
    database = Database(database_url)
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await database.dispose()
    assert tables <= {"alembic_version"}
    await asyncio.to_thread(migrate.upgrade, database_url)
    await asyncio.to_thread(migrate.upgrade, database_url)  # idempotent
