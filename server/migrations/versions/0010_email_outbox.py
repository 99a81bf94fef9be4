"""email outbox: notification emails waiting for pmo notify send

Revision ID: 0010_email_outbox
Revises: 0009_stakeholder_person_once
Create Date: 2026-12-07 14:00:00

One row per notification to send by email, written in the transaction that raised it; the
sender leases, sends and records each (``server/mailer.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010_email_outbox'
down_revision: str | Sequence[str] | None = '0009_stakeholder_person_once'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ('PENDING', 'SUCCEEDED', 'FAILED', 'DEAD')


def upgrade() -> None:
    op.create_table(
        'email_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('entity_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('entity_id', sa.Integer(), nullable=True),
        sa.Column('message', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('status', sa.Enum(*STATUSES, name='deliverystatus', native_enum=False,
                                    length=13), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint("status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'DEAD')",
                           name=op.f('ck_email_message_status_enum')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_email_message_attempts_non_negative')),
        sa.ForeignKeyConstraint(['recipient_id'], ['person.id'],
                                name=op.f('fk_email_message_recipient_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_message')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('email_message', schema=None) as batch_op:
        for column in ('recipient_id', 'status', 'next_attempt_at', 'updated_at'):
            batch_op.create_index(batch_op.f(f'ix_email_message_{column}'), [column],
                                  unique=False)


def downgrade() -> None:
    op.drop_table('email_message')
