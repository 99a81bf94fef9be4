"""console sign-ins: the console's sessions, server-side

Revision ID: 0007_console_sign_in
Revises: 0006_baseline_gate
Create Date: 2026-12-07 07:00:00

One row per signed-in console session (the cookie holds a token; the row its hash), so that
logging out, deactivating the person and the idle and absolute timeouts end it at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007_console_sign_in'
down_revision: str | Sequence[str] | None = '0006_baseline_gate'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'console_sign_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'],
                                name=op.f('fk_console_sign_in_person_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_console_sign_in')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('console_sign_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_sign_in_person_id'), ['person_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_console_sign_in_token_hash'), ['token_hash'],
                              unique=True)
        batch_op.create_index(batch_op.f('ix_console_sign_in_updated_at'), ['updated_at'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('console_sign_in')
