"""BI change tracking: project.changed_at and deleted_row tombstones

Revision ID: 0008_bi_change_tracking
Revises: 0007_console_sign_in
Create Date: 2026-12-07 12:00:00

A partial index serves earned value's milestone plans. ``project.changed_at`` is the latest change to anything a project's report row shows (filled
from ``updated_at`` for existing projects); ``deleted_row`` records deletions so that an
incremental BI load can remove them (``reports { deletedRows }``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008_bi_change_tracking'
down_revision: str | Sequence[str] | None = '0007_console_sign_in'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite rebuilds the table to make the column NOT NULL: keep its AUTOINCREMENT (0004).
    keep = {"sqlite_autoincrement": True}
    with op.batch_alter_table('project', schema=None, table_kwargs=keep) as batch_op:
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE project SET changed_at = updated_at")
    with op.batch_alter_table('project', schema=None, table_kwargs=keep) as batch_op:
        batch_op.alter_column('changed_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.create_index(batch_op.f('ix_project_changed_at'), ['changed_at'],
                              unique=False)
    with op.batch_alter_table('milestone', schema=None, table_kwargs=keep) as batch_op:
        batch_op.create_index('ix_milestone_planned_percent', ['project_id'], unique=False,
                              postgresql_where=sa.text('planned_percent IS NOT NULL'),
                              sqlite_where=sa.text('planned_percent IS NOT NULL'))
    op.create_table(
        'deleted_row',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deleted_row')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('deleted_row', schema=None) as batch_op:
        batch_op.create_index('ix_deleted_row_entity_deleted_at', ['entity', 'deleted_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_deleted_row_deleted_at'), ['deleted_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_deleted_row_updated_at'), ['updated_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_deleted_row_project_id'), ['project_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_deleted_row_person_id'), ['person_id'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('deleted_row')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_planned_percent')
    with op.batch_alter_table('project', schema=None,
                              table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_changed_at'))
        batch_op.drop_column('changed_at')
