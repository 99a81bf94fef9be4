"""lesson full text: an FTS5 table on SQLite, a weighted tsvector with a GIN index on PostgreSQL

Revision ID: 0002_lesson_full_text
Revises: 0001
Create Date: 2026-11-25 21:00:00

The same objects ``server.domain.knowledge.full_text.install`` creates with the lesson table
(copied here, not imported, so this revision stays as it was when the module changes;
tests/server/test_lesson_full_text_migration.py checks that both agree). Existing lessons are
indexed: by the INSERT ... SELECT on SQLite, by the generated column on PostgreSQL.

Caution for later revisions: a batch (copy-and-move) rebuild of ``lesson`` on SQLite drops
its triggers, which must then be created again.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0002_lesson_full_text'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXED = "title, category, what_happened, recommendation, tags"


def _values(row: str) -> str:
    return (f"{row}.id, {row}.title, {row}.category, {row}.what_happened, "
            f"{row}.recommendation, (SELECT group_concat(value, ' ') FROM json_each({row}.tags))")


SQLITE_UPGRADE = (
    f"CREATE VIRTUAL TABLE lesson_fts USING fts5({_INDEXED}, content='', "
    "tokenize='porter unicode61 remove_diacritics 0')",
    "CREATE TRIGGER lesson_fts_insert AFTER INSERT ON lesson BEGIN "
    f"INSERT INTO lesson_fts (rowid, {_INDEXED}) VALUES ({_values('new')}); END",
    "CREATE TRIGGER lesson_fts_delete AFTER DELETE ON lesson BEGIN "
    f"INSERT INTO lesson_fts (lesson_fts, rowid, {_INDEXED}) "
    f"VALUES ('delete', {_values('old')}); END",
    f"CREATE TRIGGER lesson_fts_update AFTER UPDATE OF {_INDEXED} ON lesson BEGIN "
    f"INSERT INTO lesson_fts (lesson_fts, rowid, {_INDEXED}) "
    f"VALUES ('delete', {_values('old')}); "
    f"INSERT INTO lesson_fts (rowid, {_INDEXED}) VALUES ({_values('new')}); END",
    f"INSERT INTO lesson_fts (rowid, {_INDEXED}) SELECT {_values('lesson')} FROM lesson",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER lesson_fts_update",
    "DROP TRIGGER lesson_fts_delete",
    "DROP TRIGGER lesson_fts_insert",
    "DROP TABLE lesson_fts",
)

POSTGRESQL_UPGRADE = (
    "ALTER TABLE lesson ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', category || ' ' || what_happened || ' ' || "
    "recommendation), 'B') || "
    "setweight(jsonb_to_tsvector('english', tags, '[\"string\"]'), 'B')) STORED",
    "CREATE INDEX ix_lesson_search_vector ON lesson USING gin (search_vector)",
)
POSTGRESQL_DOWNGRADE = (
    "DROP INDEX ix_lesson_search_vector",
    "ALTER TABLE lesson DROP COLUMN search_vector",
)


def _run(statements: dict[str, Sequence[str]]) -> None:
    dialect = op.get_context().dialect.name
    if dialect not in statements:
        raise NotImplementedError(f"no full-text index for {dialect}")
    for statement in statements[dialect]:
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UPGRADE, "postgresql": POSTGRESQL_UPGRADE})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWNGRADE, "postgresql": POSTGRESQL_DOWNGRADE})
