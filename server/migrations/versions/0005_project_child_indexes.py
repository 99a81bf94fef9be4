"""project child indexes: risks, issues, milestones and costs indexed by project and the column
the report rows count or sum by

Revision ID: 0005_project_child_indexes
Revises: 0004_sqlite_autoincrement
Create Date: 2026-12-07 03:30:00

Each of these tables had an index on ``project_id`` alone. It is replaced by one that leads
with ``project_id`` (so everything the old one served, it serves) and goes on with the column
a report row filters or sums by; on PostgreSQL the index also carries the other column read,
so a page's counts and sums are read from the index without visiting the table:

* risk: (project_id, status), including score (open and high risks);
* issue: (project_id, status) (open issues);
* milestone: (project_id, planned_date), including status (overdue milestones);
* cost_entry: (project_id, incurred_on), including amount (actual cost to a day).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0005_project_child_indexes'
down_revision: str | Sequence[str] | None = '0004_sqlite_autoincrement'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table: (the composite index's second column, what PostgreSQL's copy includes)
_INDEXES: dict[str, tuple[str, list[str]]] = {
    'risk': ('status', ['score']),
    'issue': ('status', []),
    'milestone': ('planned_date', ['status']),
    'cost_entry': ('incurred_on', ['amount']),
}


def upgrade() -> None:
    for table, (column, include) in _INDEXES.items():
        op.create_index(f'ix_{table}_project_id_{column}', table, ['project_id', column],
                        postgresql_include=include)
        op.drop_index(f'ix_{table}_project_id', table_name=table)


def downgrade() -> None:
    for table, (column, _) in _INDEXES.items():
        op.create_index(f'ix_{table}_project_id', table, ['project_id'])
        op.drop_index(f'ix_{table}_project_id_{column}', table_name=table)
