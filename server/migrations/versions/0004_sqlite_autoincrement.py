"""sqlite autoincrement: row ids are never reused on SQLite

Revision ID: 0004_sqlite_autoincrement
Revises: 0003_milestone_planned_percent
Create Date: 2026-12-07 01:00:00

Without AUTOINCREMENT SQLite gives a new row the largest id in use plus one, so deleting the
newest row frees its id for the next insert: a comment, audit event or webhook delivery that
named the deleted row would then attach to an unrelated new one. Every table is rebuilt with
AUTOINCREMENT (batch mode copies the rows with their ids; this migration's connection has no
foreign-key enforcement, so the copies cascade nothing). The lesson table's full-text
triggers go with its old copy and are created again. PostgreSQL's identity columns never
reuse ids: nothing to do there.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_sqlite_autoincrement'
down_revision: str | Sequence[str] | None = '0003_milestone_planned_percent'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXED = "title, category, what_happened, recommendation, tags"


def _values(row: str) -> str:
    return (f"{row}.id, {row}.title, {row}.category, {row}.what_happened, "
            f"{row}.recommendation, (SELECT group_concat(value, ' ') FROM json_each({row}.tags))")


# As revision 0002 created them (copied, so that this revision stays as it is).
LESSON_TRIGGERS = (
    "CREATE TRIGGER lesson_fts_insert AFTER INSERT ON lesson BEGIN "
    f"INSERT INTO lesson_fts (rowid, {_INDEXED}) VALUES ({_values('new')}); END",
    "CREATE TRIGGER lesson_fts_delete AFTER DELETE ON lesson BEGIN "
    f"INSERT INTO lesson_fts (lesson_fts, rowid, {_INDEXED}) "
    f"VALUES ('delete', {_values('old')}); END",
    f"CREATE TRIGGER lesson_fts_update AFTER UPDATE OF {_INDEXED} ON lesson BEGIN "
    f"INSERT INTO lesson_fts (lesson_fts, rowid, {_INDEXED}) "
    f"VALUES ('delete', {_values('old')}); "
    f"INSERT INTO lesson_fts (rowid, {_INDEXED}) VALUES ({_values('new')}); END",
)


def _tables_with_an_id() -> list[str]:
    inspector = sa.inspect(op.get_bind())
    return [name for name in inspector.get_table_names()
            if name != "alembic_version" and not name.startswith("lesson_fts")
            and inspector.get_pk_constraint(name).get("constrained_columns") == ["id"]]


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    kwargs = {"sqlite_autoincrement": autoincrement}
    for name in _tables_with_an_id():
        if name == "risk":
            _rebuild_risk(kwargs)
            continue
        with op.batch_alter_table(name, recreate="always", table_kwargs=kwargs):
            pass
    for statement in LESSON_TRIGGERS:
        op.execute(statement)


def _rebuild_risk(kwargs: dict[str, bool]) -> None:
    # A batch copy would insert into the generated column ``score``: the table is rebuilt
    # without it, then it is added back (a stored generated column: a second rebuild).
    with op.batch_alter_table("risk", recreate="always", table_kwargs=kwargs) as batch:
        batch.drop_index("ix_risk_score")
        batch.drop_column("score")
    with op.batch_alter_table("risk", recreate="always", table_kwargs=kwargs) as batch:
        batch.add_column(sa.Column("score", sa.Integer(),
                                   sa.Computed("probability * impact", persisted=True),
                                   nullable=True))
        batch.create_index("ix_risk_score", ["score"], unique=False)


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
