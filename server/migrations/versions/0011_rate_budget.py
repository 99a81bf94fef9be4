"""rate budgets: rate-limit counters shared by every instance

Revision ID: 0011_rate_budget
Revises: 0010_email_outbox
Create Date: 2026-12-07 15:00:00

One row per key and counter window (``server/rate_limit.py``), so that a caller's budget spent
on one instance is spent on all of them. UNLOGGED on PostgreSQL: transient counters, not worth
the WAL or a replica's copy.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011_rate_budget'
down_revision: str | Sequence[str] | None = '0010_email_outbox'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'rate_budget',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('window_index', sa.BigInteger(), nullable=False),
        sa.Column('spent', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'window_index', name=op.f('pk_rate_budget')),
    )
    op.create_index(op.f('ix_rate_budget_expires_at'), 'rate_budget', ['expires_at'],
                    unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE rate_budget SET UNLOGGED')


def downgrade() -> None:
    op.drop_table('rate_budget')
