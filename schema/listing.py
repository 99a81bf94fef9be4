"""Resolving root and nested connections for any table, through the enforcer and loaders."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from strawberry.dataloader import DataLoader

from policies.resources import Resource
from schema.base import decode_id
from schema.context import Info
from schema.pagination import (
    Connection,
    OrderSpec,
    PageRequest,
    bad_input,
    count_children,
    count_rows,
    make_page,
    page_request,
    select_page,
    select_pages,
    to_connection,
)
from server.domain.base import utcnow

T = TypeVar("T")


@dataclass(frozen=True)
class ListSpec(Generic[T]):
    """How one type is listed: its table, policy resource type, orders and conversion."""

    model: Any
    resource_type: str
    order: OrderSpec
    convert: Callable[[Any], T]


# --- filter helpers (each returns SQL conditions) ----------------------------------------

def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(term: str | None, *columns: Any) -> list[ColumnElement[bool]]:
    """Case-insensitive substring match on any of ``columns``."""
    if term is None or not term.strip():
        return []
    if len(term) > MAX_SEARCH_LENGTH:
        raise bad_input(f"search: at most {MAX_SEARCH_LENGTH} characters")
    pattern = f"%{_like_escape(term.strip().lower())}%"
    return [sa.or_(*(sa.func.lower(c).like(pattern, escape="\\") for c in columns))]


MAX_LIST_FILTER = 500
"""Ids one list filter may name."""
MAX_SEARCH_LENGTH = 200
"""Characters a search term may have."""


def one_of(column: Any, values: Sequence[Any] | None) -> list[ColumnElement[bool]]:
    """``column IN values`` (enum members by value); no condition when not given."""
    if values is None:
        return []
    return [column.in_([v.value if isinstance(v, Enum) else v for v in values])]


def ids_of(column: Any, global_ids: Sequence[str] | None, type_name: str,
           argument: str) -> list[ColumnElement[bool]]:
    """``column IN`` the row ids behind global ids; BAD_USER_INPUT for a foreign id."""
    if global_ids is None:
        return []
    if len(global_ids) > MAX_LIST_FILTER:
        raise bad_input(f"{argument}: at most {MAX_LIST_FILTER} ids")
    row_ids = []
    for value in global_ids:
        decoded = decode_id(value, expected=type_name)
        if decoded is None:
            raise bad_input(f"{argument}: {value!r} is not a {type_name} id")
        row_ids.append(decoded[1])
    return [column.in_(row_ids)]


def as_utc(value: Any) -> Any:
    """A date-time without an offset is read as UTC (our timestamps are all UTC)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def between(column: Any, start: date | datetime | None,
            end: date | datetime | None) -> list[ColumnElement[bool]]:
    """``start <= column <= end`` for the bounds given."""
    out = []
    if start is not None:
        out.append(column >= as_utc(start))
    if end is not None:
        out.append(column <= as_utc(end))
    return out


def since(column: Any, moment: datetime | None) -> list[ColumnElement[bool]]:
    """Rows changed at or after ``moment`` (incremental refresh)."""
    return [] if moment is None else [column >= as_utc(moment)]


# --- root connections ------------------------------------------------------------------

async def root_connection(info: Info, spec: ListSpec[T], where: list[ColumnElement[bool]],
                          order_by: Sequence[Any] | None, first: int | None, after: str | None,
                          last: int | None, before: str | None,
                          resource: Resource | None = None,
                          plain_rows: bool = False, keys_only: bool = False,
                          bind: Any = None, sessions: Any = None) -> Connection[T]:
    """A page of ``spec.model`` rows the caller may read.

    ``resource`` is what the read is asked about when it is not the bare type (e.g. one's
    own notifications); the matching rows must then be narrowed by ``where`` in SQL.
    ``plain_rows`` reads plain rows (attributes only, no ORM instances: about a third of
    the cost) for a caller that only reads their values; ``keys_only`` plain rows of the id
    and the sort keys, for a caller that reads the rest itself. ``bind``: read the page on
    this connection rather than a session's own; ``sessions``: count (and read, without
    ``bind``) through these rather than the context's (a report's, on the replica).
    """
    info.context.require("read", resource or Resource(spec.resource_type))
    request = page_request(spec.order.ordering(spec.model, order_by),
                           first=first, after=after, last=last, before=before)
    sessions = sessions or info.context.sessions
    columns = (request.ordering.key_columns() if keys_only
               else [spec.model.__table__] if plain_rows else None)
    statement = select_page(spec.model, where, request, columns=columns)
    if bind is not None and columns is not None:
        rows = (await bind.execute(statement)).all()
    else:
        async with sessions() as session:
            if columns is not None:
                rows = (await (await session.connection()).execute(statement)).all()
            else:
                rows = (await session.exec(statement)).scalars().all()  # type: ignore[call-overload]

    async def count() -> int:
        async with sessions() as counting:
            return int((await counting.exec(count_rows(spec.model, where))).scalar_one())  # type: ignore[call-overload]

    return to_connection(request, make_page(request, rows), spec.convert, count)


# --- nested connections ----------------------------------------------------------------

class _ChildPages(DataLoader[int, list[Any]]):
    """Pages of child rows for many parents, one statement per batch."""

    def __init__(self, info: Info, spec: ListSpec[Any], parent_column: Any,
                 where: list[ColumnElement[bool]], request: PageRequest) -> None:
        super().__init__(load_fn=self._load)
        self._sessions = info.context.sessions
        self._args = (spec.model, parent_column, where, request)

    async def _load(self, parent_ids: Sequence[int]) -> list[list[Any]]:
        model, parent_column, where, request = self._args
        async with self._sessions() as session:
            rows = (await session.exec(select_pages(model, parent_column, parent_ids, where,  # type: ignore[call-overload]
                                                    request))).scalars().all()
        grouped: dict[int, list[Any]] = {i: [] for i in parent_ids}
        for row in rows:
            grouped[getattr(row, parent_column.key)].append(row)
        return [grouped[i] for i in parent_ids]


class _ChildCounts(DataLoader[int, int]):
    """``COUNT(*)`` of child rows per parent, one grouped statement per batch."""

    def __init__(self, info: Info, model: Any, parent_column: Any,
                 where: list[ColumnElement[bool]]) -> None:
        super().__init__(load_fn=self._load)
        self._sessions = info.context.sessions
        self._args = (model, parent_column, where)

    async def _load(self, parent_ids: Sequence[int]) -> list[int]:
        model, parent_column, where = self._args
        stmt = count_children(model, parent_column, parent_ids, where)
        async with self._sessions() as session:
            counts = dict((await session.exec(stmt)).all())  # type: ignore[call-overload]
        return [int(counts.get(i, 0)) for i in parent_ids]


def _loader(info: Info, key: Hashable, build: Callable[[], DataLoader[Any, Any]]) -> Any:
    return info.context.loaders.keyed(key, build)


async def child_connection(info: Info, spec: ListSpec[T], parent_column: Any, parent_id: int,
                           where: list[ColumnElement[bool]], filter_key: Hashable,
                           order_by: Sequence[Any] | None, first: int | None,
                           after: str | None, last: int | None,
                           before: str | None) -> Connection[T]:
    """A page of one parent's children; every parent in the request shares one statement."""
    info.context.require("read", Resource(spec.resource_type))
    request = page_request(spec.order.ordering(spec.model, order_by),
                           first=first, after=after, last=last, before=before)
    page_key = ("pages", spec.model, parent_column.key, filter_key, request)
    pages = _loader(info, page_key,
                    lambda: _ChildPages(info, spec, parent_column, where, request))
    rows = await pages.load(parent_id)
    counts = _loader(info, ("count", spec.model, parent_column.key, filter_key),
                     lambda: _ChildCounts(info, spec.model, parent_column, where))

    async def count() -> int:
        return int(await counts.load(parent_id))

    return to_connection(request, make_page(request, rows), spec.convert, count)


def filter_key(value: Any) -> Hashable:
    """A hashable key for a filter input (its repr is stable and complete)."""
    return repr(value)


# --- declared relations: one description for both read paths ---------------------------
#
# A field that follows a foreign key or lists a parent's children declares it once, with
# ``Reference``/``Children``/``RootList``, and passes ``plan(...)`` as the field's metadata.
# The standard resolver calls ``resolve``; the compiled read path (``schema.readpath``) reads
# the same declaration to fetch every parent's rows in one statement. Fields without a
# declaration are still served, by their resolvers.

READ_PLAN = "pmo.read_plan"


def plan(declaration: Any) -> dict[str, Any]:
    """Field metadata telling the compiled read path what the field means."""
    return {READ_PLAN: declaration}


@dataclass(frozen=True)
class Reference(Generic[T]):
    """A to-one link: the ``model`` row named by the parent row's ``fk`` column.

    Readable when the caller may read ``resource_type``; null when the key is null.
    """

    model: Any
    fk: str
    resource_type: str
    convert: Callable[[Any], T]

    async def resolve(self, info: Info, parent_row: Any) -> T | None:
        row_id = getattr(parent_row, self.fk)
        if row_id is None:
            return None
        info.context.require("read", Resource(self.resource_type))
        row = await info.context.loaders.by_id(self.model).load(row_id)
        return self.convert(row) if row is not None else None


Conditions = Callable[[Any], list[ColumnElement[bool]]]


def _no_conditions(_filter: Any) -> list[ColumnElement[bool]]:
    return []


class Refinement(Protocol):
    """Conditions or sort keys a filter or order needs worked out per request (a computed
    value such as project health): ``needed`` says when; ``apply`` gives the listing and
    conditions to use. The compiled read path leaves such a list to its resolver."""

    def needed(self, f: Any, order_by: Sequence[Any] | None) -> bool: ...

    async def apply(self, info: Info, spec: ListSpec[Any], where: list[ColumnElement[bool]],
                    f: Any, order_by: Sequence[Any] | None, as_of: date,
                    ) -> tuple[ListSpec[Any], list[ColumnElement[bool]]]: ...


def _today() -> date:
    return utcnow().date()  # the day Project.health is worked out for


async def refined(info: Info, refinement: Refinement | None, spec: ListSpec[T],
                  where: list[ColumnElement[bool]], f: Any, order_by: Sequence[Any] | None,
                  as_of: date | None = None) -> tuple[ListSpec[T], list[ColumnElement[bool]]]:
    """``spec`` and ``where`` with ``refinement`` applied when the arguments need it."""
    if refinement is None or not refinement.needed(f, order_by):
        return spec, where
    return await refinement.apply(info, spec, where, f, order_by, as_of or _today())  # type: ignore[return-value]


@dataclass(frozen=True)
class Children(Generic[T]):
    """A nested connection: the ``spec.model`` rows whose ``parent_column`` is the parent's id,
    narrowed by ``conditions(filter)`` (and ``refinement``, when the arguments need it)."""

    spec: ListSpec[T]
    parent_column: Any
    conditions: Conditions = _no_conditions
    refinement: Refinement | None = None

    async def resolve(self, info: Info, parent_id: int, filter: Any = None,
                      order_by: Sequence[Any] | None = None, first: int | None = None,
                      after: str | None = None, last: int | None = None,
                      before: str | None = None) -> Connection[T]:
        spec, where = await refined(info, self.refinement, self.spec, self.conditions(filter),
                                    filter, order_by)
        return await child_connection(info, spec, self.parent_column, parent_id, where,
                                      filter_key(filter), order_by, first, after, last, before)


@dataclass(frozen=True)
class RootList(Generic[T]):
    """A root connection over ``spec.model``, narrowed by ``conditions(filter)`` (and
    ``refinement``, when the arguments need it)."""

    spec: ListSpec[T]
    conditions: Conditions = _no_conditions
    refinement: Refinement | None = None

    async def resolve(self, info: Info, filter: Any = None,
                      order_by: Sequence[Any] | None = None, first: int | None = None,
                      after: str | None = None, last: int | None = None,
                      before: str | None = None) -> Connection[T]:
        spec, where = await refined(info, self.refinement, self.spec, self.conditions(filter),
                                    filter, order_by)
        return await root_connection(info, spec, where, order_by, first, after, last, before)
