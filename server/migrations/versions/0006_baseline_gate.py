"""baseline gate: a template gate (and its project copies) can take the project's first baseline

Revision ID: 0006_baseline_gate
Revises: 0005_project_child_indexes
Create Date: 2026-12-07 04:20:00

``takes_baseline`` on gate_template and project_gate (false for every existing row), and at
most one such gate per governance template (a partial unique index).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_baseline_gate'
down_revision: str | Sequence[str] | None = '0005_project_child_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN in place on both backends: no SQLite table rebuild (a rebuild from the
    # reflected table would lose the AUTOINCREMENT that revision 0004 gave it).
    for table in ('gate_template', 'project_gate'):
        op.add_column(table, sa.Column('takes_baseline', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.create_index('uq_gate_template_baseline_gate', 'gate_template',
                    ['governance_template_id'], unique=True,
                    postgresql_where=sa.text('takes_baseline'),
                    sqlite_where=sa.text('takes_baseline'))


def downgrade() -> None:
    op.drop_index('uq_gate_template_baseline_gate', table_name='gate_template')
    for table in ('project_gate', 'gate_template'):
        op.drop_column(table, 'takes_baseline')
