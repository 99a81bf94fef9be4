"""PostgreSQL builds the whole answer: one statement per root list, the response's JSON made
by ``json_build_object``/``json_agg`` with correlated subqueries for each relation level.

Only plans whose every value PostgreSQL writes exactly as the schema serializes it are
compiled here: text, integers, booleans, decimals (``numeric::text`` is ``str(Decimal)``),
dates, UTC date-times, enums, global ids, ``__typename``; forward pages with ``hasNextPage``,
``hasPreviousPage`` and ``totalCount``. Anything else (cursors, backward pages, computed sort
keys, SQLite) is shaped in Python by ``schema.readpath.execute``; both are
checked against the resolvers by the differential tests. PostGraphile serves reads the same
way; nothing in the Python ecosystem compiles a GraphQL selection to SQL for graphql-core.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from graphql import GraphQLEnumType
from sqlalchemy.dialects.postgresql import aggregate_order_by

from schema.pagination import count_rows
from schema.readpath.plan import (
    CHILDREN,
    COLUMN,
    CONNECTION_TYPENAME,
    EDGE_TYPENAME,
    EDGES,
    GLOBAL_ID,
    NODE,
    NODES,
    PAGE_INFO,
    REFERENCE,
    TOTAL_COUNT,
    TYPENAME,
    ConnectionPlan,
    ObjectPlan,
    columns_of,
)

_MAX_PAIRS = 50  # json_build_object takes at most 100 arguments


class Unsupported(Exception):
    """The plan holds something PostgreSQL would not write exactly like the schema does."""


def _safe(value: str) -> str:
    """A name written into the SQL as it is: only letters, digits, ``_`` and ``:``."""
    if not value.replace("_", "a").replace(":", "a").isalnum():
        raise Unsupported(value)
    return value


def _text(value: str) -> Any:
    """A string constant written into the SQL (GraphQL names and type names only)."""
    return sa.literal_column(f"'{_safe(value)}'", sa.Text)


def _build(pairs: list[tuple[str, Any]]) -> Any:
    if len(pairs) > _MAX_PAIRS:
        raise Unsupported("too many fields")
    args: list[Any] = []
    for key, value in pairs:
        args += [_text(key), value]
    return sa.func.json_build_object(*args, type_=sa.JSON)


def _leaf(column: Any, leaf: Any, serialize: Any) -> Any:
    name = getattr(leaf, "name", "")
    if serialize is None or name in ("Int", "Boolean") or (
            name in ("String", "ID") and _is_text(column)):
        return column  # text, integers and booleans: JSON writes them as the schema does
    if name == "Decimal":
        return sa.cast(column, sa.Text)
    if name == "Date":
        return sa.func.to_char(column, sa.literal_column("'YYYY-MM-DD'"))
    if name == "DateTime":
        return _iso_datetime(column)
    if isinstance(leaf, GraphQLEnumType):
        whens = []
        for member in getattr(column.type, "enum_class", None) or ():
            stored = member.name  # SQLAlchemy's Enum stores names
            whens.append((column == sa.literal_column(f"'{_safe(stored)}'"),
                          _text(leaf.serialize(member))))
        if not whens:
            raise Unsupported(name)
        return sa.case(*whens)
    raise Unsupported(name)


def _iso_datetime(column: Any) -> Any:
    """``datetime.isoformat()`` of a UTC timestamp: microseconds only when not zero, and the
    offset as ``+00:00`` (our timestamps are all stored and read as UTC)."""
    utc = sa.func.timezone(sa.literal_column("'UTC'"), column)
    micro = sa.func.to_char(utc, sa.literal_column("'US'"))
    fraction = sa.case((micro == sa.literal_column("'000000'"), sa.literal_column("''")),
                       else_=sa.literal_column("'.'").op("||")(micro))
    whole = sa.func.to_char(utc, sa.literal_column("'YYYY-MM-DD\"T\"HH24:MI:SS'"))
    return sa.case((column.is_(None), sa.null()),
                   else_=whole.op("||")(fraction).op("||")(sa.literal_column("'+00:00'")))


def _is_text(column: Any) -> bool:
    kind = column.type
    kind = getattr(kind, "impl_instance", kind)  # a TypeDecorator's underlying type
    return isinstance(kind, sa.String) and not isinstance(kind, sa.Enum)


def _global_id(type_name: str, source: Any) -> Any:
    prefix = _text(f"{type_name}:")
    return sa.func.encode(sa.func.convert_to(prefix.op("||")(sa.cast(source.c.id, sa.Text)),
                                             sa.literal_column("'UTF8'")),
                          sa.literal_column("'base64'"))


def object_json(plan: ObjectPlan, source: Any) -> Any:
    """The JSON of one object whose row's columns are ``source.c``."""
    if not plan.pure:
        raise Unsupported("resolver fields")
    pairs: list[tuple[str, Any]] = []
    for field_plan in plan.fields:
        kind = field_plan.kind
        if kind == COLUMN:
            column = source.c[field_plan.attr]
            pairs.append((field_plan.key, _leaf(column, field_plan.value,
                                                field_plan.serialize)))
        elif kind == GLOBAL_ID:
            pairs.append((field_plan.key, _global_id(plan.type_name, source)))
        elif kind == TYPENAME:
            pairs.append((field_plan.key, _text(field_plan.value)))
        elif kind == REFERENCE:
            declared = field_plan.declaration
            target = declared.model.__table__.alias()
            value = (sa.select(object_json(field_plan.child, target))
                     .where(target.c.id == source.c[declared.fk]).scalar_subquery())
            pairs.append((field_plan.key, value))
        elif kind == CHILDREN:
            declared = field_plan.declaration
            pairs.append((field_plan.key,
                          connection_json(field_plan.child, (declared.parent_column, source))
                          .scalar_subquery()))
        else:
            raise Unsupported("field kind")
    return _build(pairs)


def connection_json(plan: ConnectionPlan, parent: tuple[Any, Any] | None = None) -> Any:
    """``SELECT json_build_object(...)`` of one page (of one parent's children)."""
    request = plan.request
    if request.backwards or plan.needs_cursor or request.ordering.computed() or not plan.pure:
        raise Unsupported("paging")
    model = plan.model
    limit = request.limit
    order = request.ordering.order_by()
    rank = sa.func.row_number().over(order_by=order).label("_rn")
    inner = (sa.select(*columns_of(model, plan.needed()), rank)
             .where(*plan.where, *plan.cursor_where))
    counted = count_rows(model, plan.where)
    if parent is not None:
        parent_column, source = parent
        inner = inner.where(parent_column == source.c.id).correlate(source)
        counted = counted.where(parent_column == source.c.id).correlate(source)
    page = inner.order_by(*order).limit(limit + 1)
    rows = page.lateral() if parent is not None else page.subquery()
    within = rows.c._rn <= limit

    def aggregated(value: Any) -> Any:
        return sa.func.coalesce(
            sa.func.json_agg(aggregate_order_by(value, rows.c._rn)).filter(within),
            sa.literal_column("'[]'::json"))

    pairs: list[tuple[str, Any]] = []
    for key, kind, sub in plan.fields:
        if kind == EDGES:
            edge_pairs = []
            for edge_key, edge_kind, edge_sub in sub.fields:
                if edge_kind == NODE:
                    edge_pairs.append((edge_key, object_json(edge_sub, rows)))
                elif edge_kind == EDGE_TYPENAME:
                    edge_pairs.append((edge_key, _text(edge_sub)))
                else:
                    raise Unsupported("edge field")
            pairs.append((key, aggregated(_build(edge_pairs))))
        elif kind == NODES:
            pairs.append((key, aggregated(object_json(sub, rows))))
        elif kind == PAGE_INFO:
            info_pairs = []
            for info_key, name in sub:
                if name == "hasNextPage":
                    info_pairs.append((info_key, sa.func.count() > limit))
                elif name == "hasPreviousPage":
                    info_pairs.append((info_key, sa.true() if request.after is not None
                                       else sa.false()))
                elif name.startswith("__typename:"):
                    info_pairs.append((info_key, _text(name.split(":", 1)[1])))
                else:
                    raise Unsupported(name)
            pairs.append((key, _build(info_pairs)))
        elif kind == TOTAL_COUNT:
            pairs.append((key, counted.scalar_subquery()))
        elif kind == CONNECTION_TYPENAME:
            pairs.append((key, _text(sub)))
        else:
            raise Unsupported("connection field")
    # GROUP BY (): one row, also when nothing selected is an aggregate (only totalCount).
    statement = sa.select(_build(pairs)).select_from(rows).group_by(sa.text("()"))
    if parent is not None:
        statement = statement.correlate(parent[1])
    return statement


def root_statement(plan: ConnectionPlan, dialect: Any) -> Any | None:
    """What answers a root list with its JSON as text: SQL text (a plan without arguments'
    conditions, compiled once per shape and reused) or a statement; None if unsupported."""
    signature = _signature(plan)
    if signature is not None:
        cached = _COMPILED.get(signature)
        if cached is not None:
            return cached
    try:
        statement = sa.select(sa.cast(connection_json(plan).scalar_subquery(), sa.Text))
    except Unsupported:
        statement = None
    if signature is None or statement is None:
        return statement
    # Only constants (page sizes) are bound: written into the text, nothing left to bind.
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()
    _COMPILED[signature] = sql
    return sql


_COMPILED: dict[Any, str] = {}
_COMPILED_MAX = 1024


def _signature(plan: Any) -> Any:
    """A hashable description of everything the SQL depends on, or None when conditions
    carry a request's own values (filters, cursors)."""
    if isinstance(plan, ConnectionPlan):
        if plan.where or plan.cursor_where:
            return None
        request = plan.request
        parts: list[Any] = [plan.model, request.ordering.fields, request.limit,
                            request.backwards, request.after is not None, plan.needs_cursor]
        for key, kind, sub in plan.fields:
            if kind in (EDGES,):
                inner = []
                for edge_key, edge_kind, edge_sub in sub.fields:
                    child = _signature(edge_sub) if edge_kind == NODE else edge_sub
                    if edge_kind == NODE and child is None:
                        return None
                    inner.append((edge_key, edge_kind, child))
                parts.append((key, kind, tuple(inner)))
            elif kind == NODES:
                child = _signature(sub)
                if child is None:
                    return None
                parts.append((key, kind, child))
            elif kind == PAGE_INFO:
                parts.append((key, kind, tuple(sub)))
            else:
                parts.append((key, kind, sub))
        return tuple(parts)
    parts = [plan.model, plan.type_name, plan.pure]
    for field_plan in plan.fields:
        child = None
        if field_plan.child is not None:
            child = _signature(field_plan.child)
            if child is None:
                return None
        parts.append((field_plan.key, field_plan.kind, field_plan.attr,
                      getattr(field_plan.value, "name", field_plan.value),
                      field_plan.serialize is None,
                      getattr(field_plan.declaration, "fk", None)
                      or getattr(field_plan.declaration, "parent_column", None), child))
    return tuple(parts)
