"""stakeholder person once: a person is on a project's stakeholder register at most once

Revision ID: 0009_stakeholder_person_once
Revises: 0008_bi_change_tracking
Create Date: 2026-12-08 09:00:00

A unique index on ``stakeholder (project_id, person_id)``; external stakeholders have no
person (NULLs are distinct on both backends), so any number of them may share a project. An
index rather than a constraint, so that SQLite adds it in place (a rebuild from the reflected
table would lose the AUTOINCREMENT that revision 0004 gave it). Until this revision only the
seed wrote stakeholders, and it names each person once per project.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0009_stakeholder_person_once'
down_revision: str | Sequence[str] | None = '0008_bi_change_tracking'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('uq_stakeholder_project_id_person_id', 'stakeholder',
                    ['project_id', 'person_id'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_stakeholder_project_id_person_id', table_name='stakeholder')
