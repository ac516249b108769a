"""sign-in failures by address

Failed sign-ins are counted per account and address, per address and per account, so
each row records the client's address. The table holds at most a throttling window's
worth of rows, so it is recreated rather than converted: an upgrade forgets the
failures of the last few minutes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.db.models


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _create(with_address: bool) -> None:
    columns: list[sa.schema.SchemaItem] = [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
    ]
    if with_address:
        columns.append(sa.Column('address', sa.String(length=64), nullable=False))
    op.create_table('sign_in_failures', *columns,
        sa.Column('at', server.db.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures'))
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        if with_address:
            batch_op.create_index(batch_op.f('ix_sign_in_failures_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failures_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failures_username'), ['username'], unique=False)


def _drop(with_address: bool) -> None:
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_username'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_at'))
        if with_address:
            batch_op.drop_index(batch_op.f('ix_sign_in_failures_address'))
    op.drop_table('sign_in_failures')


def upgrade() -> None:
    _drop(with_address=False)
    _create(with_address=True)


def downgrade() -> None:
    _drop(with_address=True)
    _create(with_address=False)
