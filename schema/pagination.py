"""Relay connections with keyset cursors, for root lists and batched nested lists.

Cursors encode the row's sort values (plus its id as the final tie-break), so a page
boundary stays correct while rows are inserted or deleted elsewhere; offsets would not.
Nested connections (``project.risks(first: 5)``) are fetched for every parent of a
request in one statement with ``ROW_NUMBER() OVER (PARTITION BY parent ...)``.

Written here because Strawberry's relay helpers paginate Python lists or offsets and know
nothing of SQL keysets or of batching a nested connection across parents.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError
from sqlalchemy.orm import with_expression
from sqlalchemy.sql.elements import ColumnElement

from server.domain.base import camel
from server.domain.sql import among
from server.error_codes import ApiErrorCode

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50

NodeT = TypeVar("NodeT")
E = TypeVar("E", bound=Enum)


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Ascending: smallest, earliest or A first; "
                                                   "nulls last.")
    DESC = strawberry.enum_value("DESC", description="Descending: largest, latest or Z first; "
                                                     "nulls first.")


def order_fields(what: str) -> Callable[[type[E]], type[E]]:
    """``@order_fields("projects")`` on an enum of sort fields: the enum described as the fields
    ``what`` can be ordered by, and each value by the field it sorts on (``PLANNED_START``:
    "By `plannedStart`.")."""
    def wrap(cls: type[E]) -> type[E]:
        wrapped: Any = strawberry.enum(
            cls, description=f"Fields {what} can be ordered by (ties broken by id).")
        for value in wrapped.__strawberry_definition__.values:
            value.description = value.description or f"By `{camel(value.name.lower())}`."
        return wrapped  # type: ignore[no-any-return]
    return wrap


def edge_cursor(root: Edge[Any]) -> str:
    """An edge's cursor, encoded only when a query selects it (most pages never do)."""
    return encode_cursor(root.ordering, root.row)


def start_cursor(root: PageInfo) -> str | None:
    """The first edge's cursor (a page's ``startCursor``)."""
    return edge_cursor(root.edges[0]) if root.edges else None


def end_cursor(root: PageInfo) -> str | None:
    """The last edge's cursor (a page's ``endCursor``)."""
    return edge_cursor(root.edges[-1]) if root.edges else None


@strawberry.type(description="A row of a connection with its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(resolver=edge_cursor,
                                   description="Pass as `after`/`before` to page from here.")
    node: NodeT = strawberry.field(description="The object.")
    ordering: strawberry.Private[Any] = None
    row: strawberry.Private[Any] = None


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More rows follow this page.")
    has_previous_page: bool = strawberry.field(description="Rows come before this page.")
    start_cursor: str | None = strawberry.field(resolver=start_cursor,
                                                description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(resolver=end_cursor,
                                              description="Cursor of the last edge.")
    edges: strawberry.Private[list[Any]] = None  # type: ignore[assignment]


@strawberry.type(description="A page of a list, Relay style.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The rows of this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The rows of this page, without cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many rows match the filter (all pages); "
                                  "computed only when asked for.")
    async def total_count(self) -> int:
        return await self.count()


def bad_input(message: str) -> GraphQLError:
    """A client mistake in arguments: ``extensions.code = BAD_USER_INPUT``."""
    return GraphQLError(message, extensions={"code": ApiErrorCode.BAD_USER_INPUT})


# --- sort keys and cursors -------------------------------------------------------------

@dataclass(frozen=True)
class SortField:
    """One orderable field: its API name, SQL column and whether it can be NULL.

    ``computed`` marks a key worked out per query (a search rank): ``column`` is then an
    expression labelled with the name of a ``query_expression()`` attribute of the model,
    which the page query fills (``with_expression``) so the cursor can carry the value.
    """

    name: str
    column: Any
    nullable: bool = False
    computed: bool = False


@dataclass(frozen=True)
class Ordering:
    """The requested order, the id tie-break appended: ``[(field, descending), ...]``."""

    fields: tuple[tuple[SortField, bool], ...]
    id_column: Any

    @property
    def signature(self) -> str:
        return ",".join(f"{f.name}:{'d' if desc else 'a'}" for f, desc in self.fields)

    def sql_keys(self) -> list[tuple[ColumnElement[Any], bool]]:
        """``(expression, descending)`` in ORDER BY order; NULLs sort after values ascending."""
        keys: list[tuple[ColumnElement[Any], bool]] = []
        for sort_field, desc in self.fields:
            if sort_field.nullable:
                keys.append((_null_flag(sort_field.column), desc))
            keys.append((sort_field.column, desc))
        keys.append((self.id_column, False))
        return keys

    def order_by(self, *, reverse: bool = False) -> list[Any]:
        return [(expr.asc() if desc == reverse else expr.desc()) for expr, desc in self.sql_keys()]

    def computed(self) -> list[Any]:
        """The labelled expressions of the computed keys, to load onto each row."""
        return [f.column for f, _ in self.fields if f.computed]

    def key_columns(self) -> list[Any]:
        """The id and the stored sort columns: all a cursor needs (computed keys are added
        by the page statement)."""
        columns = [self.id_column]
        for f, _ in self.fields:
            if not f.computed and all(f.column.key != c.key for c in columns):
                columns.append(f.column)
        return columns

    def values_of(self, row: Any) -> list[Any]:
        """The row's sort values in cursor order (without NULL flags)."""
        values = [getattr(row, f.column.key) for f, _ in self.fields]
        return [*values, row.id]


def _null_flag(column: Any) -> ColumnElement[int]:
    return sa.case((column.is_(None), 1), else_=0)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        if "n" in value:
            return Decimal(value["n"])
        if "t" in value:
            return datetime.fromisoformat(value["t"])
        if "d" in value:
            return date.fromisoformat(value["d"])
    return value


def encode_cursor(ordering: Ordering, row: Any) -> str:
    """An opaque cursor for ``row`` under ``ordering``."""
    payload = {"o": ordering.signature, "v": [_plain(v) for v in ordering.values_of(row)]}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(ordering: Ordering, cursor: str) -> list[Any]:
    """The sort values in a cursor; BAD_USER_INPUT if it is not ours or not for this order."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        values = [_typed(v) for v in payload["v"]]
        signature = payload["o"]
    except (ValueError, KeyError, TypeError, ArithmeticError):
        raise bad_input(f"invalid cursor: {cursor!r}") from None
    if signature != ordering.signature or len(values) != len(ordering.fields) + 1:
        raise bad_input("the cursor was made for another orderBy; restart paging")
    # A cursor is the client's to forge: each value must be what its column holds, or it
    # would reach the database as a bind the driver refuses (or, on SQLite, compares oddly).
    expected = [(f.column, f.nullable) for f, _ in ordering.fields]
    for (column, nullable), value in zip([*expected, (ordering.id_column, False)], values,
                                         strict=True):
        if not _fits(column, value, nullable):
            raise bad_input(f"invalid cursor: {cursor!r}")
    return values


_INT_RANGE = {False: (-(2**31), 2**31 - 1), True: (-(2**63), 2**63 - 1)}


def _fits(column: Any, value: Any, nullable: bool) -> bool:
    """Whether a decoded cursor value can stand for a value of ``column``."""
    if value is None:
        return nullable
    column_type = getattr(column, "type", None)
    check = getattr(column_type, "cursor_value_ok", None)
    if check is not None:  # a sort key with a cursor value of its own making
        return bool(check(value))
    try:
        python_type = column_type.python_type  # type: ignore[union-attr]
        if python_type is object and hasattr(column_type, "impl"):  # a TypeDecorator
            python_type = column_type.impl.python_type  # type: ignore[union-attr]
    except (AttributeError, NotImplementedError):
        return isinstance(value, str | int | float | Decimal | date) and not isinstance(value, bool)
    if python_type is bool:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if python_type is int:
        low, high = _INT_RANGE[isinstance(column_type, sa.BigInteger)]
        return isinstance(value, int) and low <= value <= high
    if python_type is float:
        return isinstance(value, int | float)
    if python_type is Decimal:
        return isinstance(value, Decimal) and value.is_finite()
    if python_type is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    if python_type is date:
        return isinstance(value, date) and not isinstance(value, datetime)
    if isinstance(python_type, type) and issubclass(python_type, Enum):
        return isinstance(value, str) and value in {m.value for m in python_type}
    return isinstance(value, python_type)


def keyset_condition(ordering: Ordering, values: list[Any], *, after: bool) -> ColumnElement[bool]:
    """Rows strictly after (or before) the cursor in ``ordering``."""
    keys: list[tuple[ColumnElement[Any], bool, Any]] = []
    for (sort_field, desc), value in zip(ordering.fields, values[:-1], strict=True):
        if sort_field.nullable:
            keys.append((_null_flag(sort_field.column), desc, 1 if value is None else 0))
        keys.append((sort_field.column, desc, value))
    keys.append((ordering.id_column, False, values[-1]))

    alternatives = []
    for i, (expr, desc, value) in enumerate(keys):
        if value is None:
            continue  # the NULL group has no "greater" values; its flag key decides
        forward = (not desc) if after else desc
        if isinstance(value, bool):
            # SQL orders false before true, but SQLAlchemy compares booleans only for
            # equality: "after false" is true, "after true" is nothing (and the reverse).
            step = (expr.is_(True) if not value else sa.false()) if forward \
                else (expr.is_(False) if value else sa.false())
        else:
            step = expr > value if forward else expr < value
        equal_prefix = [(e.is_(None) if v is None else e == v) for e, _d, v in keys[:i]]
        alternatives.append(sa.and_(*equal_prefix, step))
    if not alternatives:
        return sa.false()
    condition = sa.or_(*alternatives)
    first, desc, value = keys[0]
    if len(keys) > 1 and value is not None and not isinstance(value, bool):
        # Implied by the alternatives, but an index can start from it: without it PostgreSQL
        # reads the leading column's index from its first entry and filters (a page deep in
        # the list read every entry before it).
        forward = (not desc) if after else desc
        condition = sa.and_(first >= value if forward else first <= value, condition)
    return condition


# --- arguments and fetching ----------------------------------------------------------

@dataclass(frozen=True)
class PageRequest:
    """Validated ``first/after/last/before`` with the ordering they apply to."""

    ordering: Ordering
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    @property
    def backwards(self) -> bool:
        return self.last is not None

    @property
    def limit(self) -> int:
        return self.last if self.last is not None else (self.first or DEFAULT_PAGE_SIZE)

    def conditions(self) -> list[ColumnElement[bool]]:
        out = []
        if self.after is not None:
            out.append(keyset_condition(self.ordering,
                                        decode_cursor(self.ordering, self.after), after=True))
        if self.before is not None:
            out.append(keyset_condition(self.ordering,
                                        decode_cursor(self.ordering, self.before), after=False))
        return out


def page_request(ordering: Ordering, *, first: int | None, after: str | None,
                 last: int | None, before: str | None) -> PageRequest:
    """Check the paging arguments; BAD_USER_INPUT with a clear message when wrong."""
    if first is not None and last is not None:
        raise bad_input("give first or last, not both")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
            raise bad_input(f"{name} must be between 0 and {MAX_PAGE_SIZE} (the maximum page size)")
    return PageRequest(ordering, first, after, last, before)


@dataclass
class Page(Generic[NodeT]):
    """Rows of one page and what surrounds them."""

    rows: list[Any]
    has_next: bool
    has_previous: bool


def make_page(request: PageRequest, fetched: Sequence[Any]) -> Page[Any]:
    """Trim the one extra row fetched and orient the page forwards."""
    rows = list(fetched)
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    if request.backwards:
        rows.reverse()
        return Page(rows, has_next=request.before is not None, has_previous=more)
    return Page(rows, has_next=more, has_previous=request.after is not None)


def to_connection(request: PageRequest, page: Page[Any], convert: Callable[[Any], NodeT],
                  count: Callable[[], Awaitable[int]]) -> Connection[NodeT]:
    """Build the GraphQL connection from a page of rows."""
    ordering = request.ordering
    edges = [Edge(node=convert(row), ordering=ordering, row=row) for row in page.rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next, has_previous_page=page.has_previous,
                           edges=edges),
        count=count,
    )


def select_page(model: Any, where: Sequence[ColumnElement[bool]], request: PageRequest, *,
                columns: Sequence[Any] | None = None) -> sa.Select[Any]:
    """One page of ``model`` rows matching ``where`` (plus one to detect more); with
    ``columns``, plain rows of those columns rather than ORM instances (computed sort keys
    as labelled columns)."""
    if columns is not None:
        selected = sa.select(*columns, *request.ordering.computed())
    else:
        loads = [with_expression(getattr(model, c.key), c) for c in request.ordering.computed()]
        selected = sa.select(model).options(*loads)
    return (selected.where(*where, *request.conditions())
            .order_by(*request.ordering.order_by(reverse=request.backwards))
            .limit(request.limit + 1))


def select_pages(model: Any, parent_column: Any, parent_ids: Sequence[int] | None,
                 where: Sequence[ColumnElement[bool]], request: PageRequest, *,
                 columns: Sequence[Any] | None = None) -> sa.Select[Any]:
    """One page per parent in a single statement (``ROW_NUMBER`` over each parent's rows).

    ``parent_ids`` None: bound at execution as ``ids`` (the statement can be reused);
    ``columns``: plain rows of those columns rather than ORM instances.
    """
    rank = sa.func.row_number().over(
        partition_by=parent_column,
        order_by=request.ordering.order_by(reverse=request.backwards)).label("_rank")
    computed = request.ordering.computed()
    parents = (among(parent_column, name="ids") if parent_ids is None
               else among(parent_column, parent_ids))
    inner = (sa.select(*(columns if columns is not None else [model]), rank, *computed)
             .where(parents, *where, *request.conditions())
             .subquery())
    if columns is not None:
        return (sa.select(inner).where(inner.c._rank <= request.limit + 1)
                .order_by(inner.c[parent_column.key], inner.c._rank))
    ranked = sa.orm.aliased(model, inner)
    loads = [with_expression(getattr(ranked, c.key), inner.c[c.key]) for c in computed]
    return (sa.select(ranked).options(*loads).where(inner.c._rank <= request.limit + 1)
            .order_by(getattr(inner.c, parent_column.key), inner.c._rank))


def count_rows(model: Any, where: Sequence[ColumnElement[bool]]) -> sa.Select[Any]:
    """``COUNT(*)`` of rows matching ``where`` (cursors ignored, as Relay's totalCount)."""
    return sa.select(sa.func.count()).select_from(model).where(*where)


def count_children(model: Any, parent_column: Any, parent_ids: Sequence[int],
                   where: Sequence[ColumnElement[bool]]) -> sa.Select[Any]:
    """``(parent id, COUNT(*))`` of each parent's rows matching ``where``."""
    return (sa.select(parent_column, sa.func.count()).select_from(model)
            .where(among(parent_column, parent_ids), *where).group_by(parent_column))


@dataclass
class OrderSpec:
    """The orderable fields of one type and its default order."""

    fields: dict[str, SortField]
    default: list[tuple[str, bool]] = field(default_factory=list)

    def ordering(self, model: Any, requested: Sequence[Any] | None) -> Ordering:
        """Resolve ``orderBy`` input items (``field``/``direction``) into an Ordering."""
        chosen: list[tuple[SortField, bool]] = []
        seen: set[str] = set()
        for item in requested or []:
            name = item.field.value if isinstance(item.field, Enum) else str(item.field)
            if name in seen:
                raise bad_input(f"orderBy names {name} twice")
            seen.add(name)
            chosen.append((self.fields[name], item.direction == OrderDirection.DESC))
        if not chosen:
            chosen = [(self.fields[name], desc) for name, desc in self.default]
        return Ordering(tuple(chosen), model.id)


# Documented connection arguments, for every list field's signature.
First = Annotated[int | None, strawberry.argument(
    description=f"Page forwards: at most this many rows (default {DEFAULT_PAGE_SIZE}, "
                f"maximum {MAX_PAGE_SIZE}).")]
After = Annotated[str | None, strawberry.argument(
    description="Page forwards from this cursor (exclusive): an edge's `cursor`.")]
Last = Annotated[int | None, strawberry.argument(
    description=f"Page backwards: at most this many rows (maximum {MAX_PAGE_SIZE}).")]
Before = Annotated[str | None, strawberry.argument(
    description="Page backwards from this cursor (exclusive): an edge's `cursor`.")]
