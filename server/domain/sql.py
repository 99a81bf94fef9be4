"""SQL helpers the read paths share."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class _IdList(sa.types.TypeDecorator[list[int]]):
    """A list of integer ids bound as ONE parameter: an ``int[]`` on PostgreSQL, a JSON
    array elsewhere (SQLite reads it with ``json_each``)."""

    impl = sa.String
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(sa.Integer()))
        return dialect.type_descriptor(sa.String())

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        ids = [int(v) for v in value]
        return ids if dialect.name == "postgresql" else json.dumps(ids)


class _Among(FunctionElement[bool]):
    type = sa.Boolean()
    inherit_cache = True
    name = "among"


@compiles(_Among, "postgresql")
def _among_postgresql(element: _Among, compiler: Any, **kw: Any) -> str:
    column, ids = list(element.clauses)
    return f"{compiler.process(column, **kw)} = ANY({compiler.process(ids, **kw)})"


@compiles(_Among)
def _among_json(element: _Among, compiler: Any, **kw: Any) -> str:
    column, ids = list(element.clauses)
    return (f"{compiler.process(column, **kw)} IN "
            f"(SELECT value FROM json_each({compiler.process(ids, **kw)}))")


def among(column: Any, ids: Iterable[int] | None = None, *, name: str | None = None) -> Any:
    """``column IN ids`` for integer ids with the list bound as one parameter.

    SQLAlchemy's expanding ``IN`` renders a parameter per value on every execution; for the
    hundreds of parent ids of a page that costs more than running the query. With ``name``
    and no ``ids`` the list is given at execution (``{name: ids}``), so the statement can be
    built once and reused.
    """
    if ids is None:
        return _Among(column, sa.bindparam(name, type_=_IdList()))
    return _Among(column, sa.bindparam(name, list(ids), type_=_IdList()))


class _Latest(FunctionElement[Any]):
    inherit_cache = True
    name = "latest"


@compiles(_Latest, "postgresql")
def _latest_postgresql(element: _Latest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(_Latest)
def _latest_sqlite(element: _Latest, compiler: Any, **kw: Any) -> str:
    # SQLite's max() with several arguments is the scalar greatest (timestamps are stored as
    # ISO text, which sorts as time does).
    return f"max({compiler.process(element.clauses, **kw)})"


def latest(first: Any, *others: Any, type_: Any) -> Any:
    """The latest of several timestamps (``GREATEST``; SQLite's scalar ``max``). Arguments must
    not be NULL (PostgreSQL would skip a NULL, SQLite would return it): wrap nullable ones in
    ``coalesce``."""
    if not others:
        return first
    element = _Latest(first, *others)
    element.type = type_
    return element
