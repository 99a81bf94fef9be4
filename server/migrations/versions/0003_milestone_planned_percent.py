"""milestone planned percent: milestones that say how much work is planned by then shape PV

Revision ID: 0003_milestone_planned_percent
Revises: 0002_lesson_full_text
Create Date: 2026-11-25 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_milestone_planned_percent'
down_revision: str | Sequence[str] | None = '0002_lesson_full_text'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a CHECK constraint in place, so the table is rebuilt there.
    with op.batch_alter_table('milestone') as batch:
        batch.add_column(sa.Column('planned_percent', sa.Integer(), nullable=True))
        batch.create_check_constraint(
            op.f('ck_milestone_planned_percent_range'),
            'planned_percent IS NULL OR planned_percent BETWEEN 0 AND 100')


def downgrade() -> None:
    with op.batch_alter_table('milestone') as batch:
        batch.drop_constraint(op.f('ck_milestone_planned_percent_range'), type_='check')
        batch.drop_column('planned_percent')
