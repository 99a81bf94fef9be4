"""Full-text search over lessons: the index on each backend and the queries against it.

SQLite: a contentless FTS5 table ``lesson_fts`` (rowid = lesson id) kept in step with the
lesson table by triggers. Contentless because tags are stored as JSON text with escaped
non-ASCII characters; the triggers index the decoded tags instead.
PostgreSQL: a stored generated ``tsvector`` column ``lesson.search_vector`` with a GIN index;
stored rather than an expression index so ranking reads the vector instead of re-parsing the
text of every match.

Both stem English (the Porter stemmer in FTS5, the ``english`` configuration in PostgreSQL) so
"estimates" finds "estimating" on either backend; lessons are written in English, and
``simple`` would force users to guess the exact word form. Accents are kept on both
(PostgreSQL has no unaccent without an extension). The title weighs five times the other
columns on both backends.

None of these objects is described by the SQLAlchemy metadata: ``install`` creates them with
the lesson table (``metadata.create_all``), migration 0002 creates the same ones, and
``include_name`` keeps Alembic's autogenerate from proposing to drop them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

FTS_TABLE = "lesson_fts"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_lesson_search_vector"
CONFIG = "english"
TITLE_WEIGHT = 5.0

_INDEXED = "title, category, what_happened, recommendation, tags"


def _values(row: str) -> str:
    return (f"{row}.id, {row}.title, {row}.category, {row}.what_happened, "
            f"{row}.recommendation, (SELECT group_concat(value, ' ') FROM json_each({row}.tags))")


SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_INDEXED}, content='', "
    "tokenize='porter unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON lesson BEGIN "
    f"INSERT INTO {FTS_TABLE} (rowid, {_INDEXED}) VALUES ({_values('new')}); END",
    f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON lesson BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_INDEXED}) "
    f"VALUES ('delete', {_values('old')}); END",
    f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF {_INDEXED} ON lesson BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_INDEXED}) "
    f"VALUES ('delete', {_values('old')}); "
    f"INSERT INTO {FTS_TABLE} (rowid, {_INDEXED}) VALUES ({_values('new')}); END",
)
SQLITE_DROP = (f"DROP TABLE IF EXISTS {FTS_TABLE}",)

POSTGRESQL_CREATE = (
    f"ALTER TABLE lesson ADD COLUMN {VECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('{CONFIG}', title), 'A') || "
    f"setweight(to_tsvector('{CONFIG}', category || ' ' || what_happened || ' ' || "
    f"recommendation), 'B') || "
    f"setweight(jsonb_to_tsvector('{CONFIG}', tags, '[\"string\"]'), 'B')) STORED",
    f"CREATE INDEX {VECTOR_INDEX} ON lesson USING gin ({VECTOR_COLUMN})",
)


def install(table: sa.Table) -> None:
    """Create (and drop) the full-text index together with the lesson ``table``."""
    for statement in SQLITE_CREATE:
        sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect="sqlite"))
    for statement in POSTGRESQL_CREATE:
        sa.event.listen(table, "after_create",
                        sa.DDL(statement).execute_if(dialect="postgresql"))
    # The generated column goes with the table on PostgreSQL; the FTS5 table does not.
    for statement in SQLITE_DROP:
        sa.event.listen(table, "before_drop", sa.DDL(statement).execute_if(dialect="sqlite"))


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic ``include_name``: leave out the full-text objects the metadata omits."""
    if type_ == "table":
        return not (name == FTS_TABLE or (name or "").startswith(f"{FTS_TABLE}_"))
    if type_ == "column":
        return not (parent_names.get("table_name") == "lesson" and name == VECTOR_COLUMN)
    if type_ == "index":
        return name != VECTOR_INDEX
    return True


# --- queries ---------------------------------------------------------------------------

def words(text: str) -> list[str]:
    """The searchable words of ``text``: whitespace-separated, with a letter or digit each.

    Punctuation inside a word is left to the backend's tokenizer, which splits it as it split
    the indexed text ("cost-benefit" and "1.5" match as written); a word of punctuation only
    would make an empty phrase that matches nothing, so it is dropped. Unprintable characters
    (NUL, lone surrogates) separate words: the drivers cannot send them.
    """
    printable = "".join(c if c.isprintable() else " " for c in text)
    return [w for w in printable.split() if any(c.isalnum() for c in w)]


def fts5_query(found: list[str]) -> str:
    """An FTS5 query where every word is a quoted string (never an operator) and the last
    one a prefix: ``"vendor" AND "plan"*``."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in found]
    return " AND ".join(quoted) + "*"


def tsquery(found: list[str]) -> str:
    """A ``to_tsquery`` text where every word is a quoted operand and the last a prefix:
    ``'vendor' & 'plan':*``. Quotes and backslashes (escapes there) become spaces, which the
    parser treats as the separators they are in indexed text."""
    quoted = ["'" + w.replace("'", " ").replace("\\", " ") + "'" for w in found]
    return " & ".join(quoted) + ":*"


class _matches(FunctionElement[bool]):  # noqa: N801 (an SQL function)
    """``lesson`` row (by its id column) matches the FTS5 query or the tsquery text."""

    type = sa.Boolean()
    inherit_cache = True
    name = "lesson_matches"


class _rank(FunctionElement[float]):  # noqa: N801 (an SQL function)
    """How well the row matches: higher is better (FTS5 bm25 negated, or ts_rank)."""

    type = sa.Float()
    inherit_cache = True
    name = "lesson_rank"


def _parts(element: Any, compiler: SQLCompiler, which: int, **kw: Any) -> tuple[str, str, str]:
    row_id, *queries = list(element.clauses)
    table = compiler.preparer.format_table(row_id.table)
    return compiler.process(row_id, **kw), table, compiler.process(queries[which], **kw)


@compiles(_matches)
def _matches_sqlite(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    row_id, _table, query = _parts(element, compiler, 0, **kw)
    return f"{row_id} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {query})"


@compiles(_matches, "postgresql")
def _matches_postgresql(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    _row_id, table, query = _parts(element, compiler, 1, **kw)
    return f"{table}.{VECTOR_COLUMN} @@ to_tsquery('{CONFIG}', {query})"


@compiles(_rank)
def _rank_sqlite(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    # bm25() only works in a query on the FTS table, so it is read per row by a correlated
    # subquery; FTS5 serves "MATCH ... AND rowid = ?" by seeking, and bm25's statistics are
    # the table's, so the value equals the one the full query would give.
    row_id, _table, query = _parts(element, compiler, 0, **kw)
    return (f"(SELECT -bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0, 1.0, 1.0, 1.0) FROM {FTS_TABLE}"
            f" WHERE {FTS_TABLE} MATCH {query} AND {FTS_TABLE}.rowid = {row_id})")


@compiles(_rank, "postgresql")
def _rank_postgresql(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    _row_id, table, query = _parts(element, compiler, 1, **kw)
    # Weights are {D, C, B, A}: the title (A) counts five times the rest (B), as on SQLite.
    body = 1.0 / TITLE_WEIGHT
    return (f"ts_rank('{{{body}, {body}, {body}, 1.0}}', {table}.{VECTOR_COLUMN}, "
            f"to_tsquery('{CONFIG}', {query}))")


def _queries(found: list[str]) -> tuple[ColumnElement[str], ColumnElement[str]]:
    return sa.literal(fts5_query(found), sa.String), sa.literal(tsquery(found), sa.String)


def matches(row_id: Any, found: list[str]) -> ColumnElement[bool]:
    """Lessons (``row_id`` = the lesson id column) containing every word; none if no words."""
    if not found:
        return sa.false()
    return _matches(row_id, *_queries(found))


def rank(row_id: Any, found: list[str]) -> ColumnElement[float]:
    """Relevance of each lesson matching ``found`` (higher is better); 0 if no words."""
    if not found:
        return sa.literal(0.0, sa.Float)
    return _rank(row_id, *_queries(found))
