"""Fetching planned levels with one statement each, shaping rows, and the executor hook."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import orjson
import sqlalchemy as sa
from graphql import GraphQLObjectType
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from policies.resources import Resource
from schema.base import decode_id, to_global_id
from schema.pagination import (
    PageRequest,
    count_children,
    count_rows,
    encode_cursor,
    make_page,
    select_page,
    select_pages,
)
from schema.readpath.plain import plain_completion
from schema.readpath.plan import (
    CHILDREN,
    COLUMN,
    CONNECTION_TYPENAME,
    CURSOR,
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
    Planner,
    columns_of,
    root_plan,
)
from schema.readpath.sqljson import root_statement
from schema.readpath.stats import ReadPathStats
from server.domain.sql import among

_NOT_PLANNED = object()


class Partial:
    """An object handed to graphql-core: ``done`` values are complete, ``pending`` ones still
    need completing (an impure subtree), anything else runs its resolver on ``source()``."""

    __slots__ = ("done", "pending", "_row", "_convert")

    def __init__(self, done: dict[str, Any], pending: dict[str, Any], row: Any,
                 convert: Any) -> None:
        self.done = done
        self.pending = pending
        self._row = row
        self._convert = convert

    def source(self) -> Any:
        return self._convert(self._row)


# Statements that depend only on the plan's shape are built once: building a page query
# (a window function in a subquery) costs more than running it on a small page.
_STATEMENTS: dict[Any, Any] = {}
_STATEMENTS_MAX = 2048


def _statement(key: Any, build: Any) -> Any:
    found = _STATEMENTS.get(key)
    if found is None:
        if len(_STATEMENTS) >= _STATEMENTS_MAX:
            _STATEMENTS.clear()
        found = _STATEMENTS[key] = build()
    return found


def _by_ids_statement(model: Any, needed: frozenset[str] | None) -> Any:
    """The rows whose id is among ``:ids``."""
    return _statement(("by ids", model, needed), lambda: (
        sa.select(*columns_of(model, needed)).where(among(model.id, name="ids"))))


def _pages_statement(plan: ConnectionPlan, parent_column: Any) -> Any:
    """A page of children for each parent among ``:ids``, in one statement."""
    request = plan.request

    def build() -> Any:
        return select_pages(plan.model, parent_column, None, plan.where, request,
                            columns=columns_of(plan.model, plan.needed(parent_column.key)))

    if plan.where or plan.cursor_where or request.ordering.computed():
        return build()  # conditions carry the request's own values
    return _statement(("pages", plan.model, plan.needed(parent_column.key), parent_column,
                       request.ordering.fields, request.backwards, request.limit), build)


class _Fetcher:
    """Runs a plan's statements on one connection and shapes the rows."""

    def __init__(self, connection: Any, stats: ReadPathStats) -> None:
        self._connection = connection
        self._stats = stats

    async def _rows(self, statement: Any) -> Sequence[Any]:
        return (await self._connection.execute(statement)).all()

    # --- connections ---------------------------------------------------------------------

    async def root(self, plan: ConnectionPlan) -> Any:
        request = plan.request
        model = plan.model
        statement = select_page(model, plan.where, request,
                                columns=columns_of(model, plan.needed()))
        page = make_page(request, await self._rows(statement))
        count = None
        if plan.needs_count:
            counted = count_rows(model, plan.where)
            count = int((await self._connection.execute(counted)).scalar_one())
        values = await self._nodes(plan, page.rows)
        return self._connection_value(plan, page, values, 0, len(page.rows), count)

    async def children(self, plan: ConnectionPlan, parent_column: Any,
                       parent_ids: list[int]) -> dict[int, Any]:
        request = plan.request
        model = plan.model
        empty: dict[int, Any] = {}
        if not parent_ids:
            return empty
        statement = _pages_statement(plan, parent_column)
        grouped: dict[int, list[Any]] = {i: [] for i in parent_ids}
        for row in (await self._connection.execute(statement, {"ids": parent_ids})).all():
            grouped[getattr(row, parent_column.key)].append(row)
        counts: dict[int, int] = {}
        if plan.needs_count:
            counted = count_children(model, parent_column, parent_ids, plan.where)
            counts = {k: int(v) for k, v in (await self._rows(counted))}
        pages = {i: make_page(request, grouped[i]) for i in parent_ids}
        rows = [row for i in parent_ids for row in pages[i].rows]
        values = await self._nodes(plan, rows)
        out: dict[int, Any] = {}
        start = 0
        for i in parent_ids:
            size = len(pages[i].rows)
            out[i] = self._connection_value(plan, pages[i], values, start, start + size,
                                            counts.get(i, 0) if plan.needs_count else None)
            start += size
        return out

    async def _nodes(self, plan: ConnectionPlan, rows: list[Any]) -> dict[int, list[Any]]:
        return {id(node): await self.objects(node, rows) for node in plan.node_plans}

    def _connection_value(self, plan: ConnectionPlan, page: Any, values: dict[int, list[Any]],
                          start: int, stop: int, count: int | None) -> Any:
        rows = page.rows
        request: PageRequest = plan.request
        cursors = ([encode_cursor(request.ordering, row) for row in rows]
                   if plan.needs_cursor else [])
        done: dict[str, Any] = {}
        pending: dict[str, Any] = {}
        for key, kind, sub in plan.fields:
            if kind == EDGES:
                edges = [self._edge(sub, i, cursors, values, start) for i in range(len(rows))]
                (done if sub.pure else pending)[key] = edges
            elif kind == NODES:
                (done if sub.pure else pending)[key] = values[id(sub)][start:stop]
            elif kind == PAGE_INFO:
                done[key] = _page_info(sub, page, cursors)
            elif kind == TOTAL_COUNT:
                done[key] = count
            elif kind == CONNECTION_TYPENAME:
                done[key] = sub
        self._stats.compiled += len(done)
        if plan.pure:
            return done
        return Partial(done, pending, None, None)

    def _edge(self, plan: Any, i: int, cursors: list[str], values: dict[int, list[Any]],
              start: int) -> Any:
        done: dict[str, Any] = {}
        pending: dict[str, Any] = {}
        for key, kind, sub in plan.fields:
            if kind == CURSOR:
                done[key] = cursors[i]
            elif kind == NODE:
                (done if sub.pure else pending)[key] = values[id(sub)][start + i]
            elif kind == EDGE_TYPENAME:
                done[key] = sub
        self._stats.compiled += len(done)
        return done if plan.pure else Partial(done, pending, None, None)

    # --- objects -------------------------------------------------------------------------

    async def by_ids(self, plan: ObjectPlan, ids: list[int]) -> list[Any]:
        """The rows with these ids (those that exist), shaped by ``plan``."""
        rows = (await self._connection.execute(_by_ids_statement(plan.model, plan.needed),
                                               {"ids": ids})).all()
        return await self.objects(plan, rows)

    async def objects(self, plan: ObjectPlan, rows: Sequence[Any]) -> list[Any]:
        """Each row shaped by ``plan``, its references and children fetched level by level."""
        linked: dict[int, dict[Any, Any]] = {}
        for field_plan in plan.fields:
            if field_plan.kind == REFERENCE:
                declared = field_plan.declaration
                ids = list({getattr(row, declared.fk) for row in rows} - {None})
                found: dict[Any, Any] = {}
                if ids:
                    statement = _by_ids_statement(declared.model, field_plan.child.needed)
                    targets = (await self._connection.execute(statement, {"ids": ids})).all()
                    shaped = await self.objects(field_plan.child, targets)
                    found = {row.id: value for row, value in zip(targets, shaped, strict=True)}
                linked[id(field_plan)] = found
            elif field_plan.kind == CHILDREN:
                declared = field_plan.declaration
                linked[id(field_plan)] = await self.children(
                    field_plan.child, declared.parent_column, [row.id for row in rows])
        return [self._shape(plan, row, linked) for row in rows]

    def _shape(self, plan: ObjectPlan, row: Any, linked: dict[int, dict[Any, Any]]) -> Any:
        done: dict[str, Any] = {}
        pending: dict[str, Any] | None = None if plan.pure else {}
        for field_plan in plan.fields:
            kind = field_plan.kind
            if kind == COLUMN:
                value = getattr(row, field_plan.attr)
                serialize = field_plan.serialize
                done[field_plan.key] = (value if value is None or serialize is None
                                        else serialize(value))
            elif kind == GLOBAL_ID:
                done[field_plan.key] = to_global_id(plan.type_name, row.id)
            elif kind == TYPENAME:
                done[field_plan.key] = field_plan.value
            elif kind == REFERENCE:
                value = linked[id(field_plan)].get(getattr(row, field_plan.declaration.fk))
                if field_plan.child.pure or value is None:
                    done[field_plan.key] = value
                else:
                    pending[field_plan.key] = value  # type: ignore[index]
            elif kind == CHILDREN:
                value = linked[id(field_plan)][row.id]
                if field_plan.child.pure:
                    done[field_plan.key] = value
                else:
                    pending[field_plan.key] = value  # type: ignore[index]
        self._stats.compiled += len(done)
        if pending is None:
            return done
        return Partial(done, pending, row, plan.convert)


@asynccontextmanager
async def reading_connection(context: Any, sessions: Any = None) -> AsyncIterator[Any]:
    """A pooled connection for one compiled read, in autocommit: no BEGIN and ROLLBACK round
    trips around statements that only read (as the resolvers' sessions, each statement sees
    the latest committed data). ``sessions``: whose engine (the context's by default)."""
    engine = (sessions or context.sessions).kw["bind"]
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


def _page_info(selected: list[tuple[str, str]], page: Any, cursors: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, name in selected:
        if name == "hasNextPage":
            out[key] = page.has_next
        elif name == "hasPreviousPage":
            out[key] = page.has_previous
        elif name == "startCursor":
            out[key] = cursors[0] if cursors else None
        elif name == "endCursor":
            out[key] = cursors[-1] if cursors else None
        else:
            out[key] = name.split(":", 1)[1]
    return out


class ReadPathExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with declared root lists served by the compiled read path.

    Set as the schema's ``execution_context_class``. A context whose ``compiled_reads`` is
    false (``PMO_COMPILED_READS=0``) takes the standard path everywhere.
    """

    _planner: Planner | None = None
    _stats: ReadPathStats | None = None
    _plain_plans: dict[Any, Any] | None = None

    def build_per_event_executor(self, payload: Any) -> Any:
        """One subscription event's executor, with caches of its own.

        graphql-core (3.3.2) copies the subscription's executor for each event and keeps the
        copy's sub-field cache shared with it, keyed by the identity of lists that each event
        builds anew: a cache that only grows, about 1 KB per event for as long as the
        subscription stays open (found by bench/soak.py). Each event's caches start empty.
        """
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}  # noqa: SLF001 - graphql-core's, see above
        executor._stream_usages = type(self._stream_usages)()  # noqa: SLF001
        executor._plain_plans = None
        return executor

    @property
    def read_path_stats(self) -> ReadPathStats:
        stats = self._stats
        if stats is None:
            stats = self._stats = getattr(self.context_value, "read_path_stats", None) \
                or ReadPathStats()
        return stats

    def execute_field(self, parent_type: GraphQLObjectType, source: Any,
                      field_details_list: Any, path: Path, position_context: Any) -> Any:
        if type(source) is Partial:
            key = path.key
            done = source.done
            if key in done:
                return done[key]
            pending = source.pending
            if key in pending:
                return self._complete(parent_type, field_details_list, path,
                                      pending[key], position_context)
            source = source.source()
        elif (path.prev is None and parent_type is self.schema.query_type
              and getattr(self.context_value, "compiled_reads", False)):
            served = self._compiled_root(parent_type, field_details_list, path, position_context)
            if served is not _NOT_PLANNED:
                return served
        self.read_path_stats.standard += 1
        return super().execute_field(parent_type, source, field_details_list, path,
                                     position_context)

    def complete_value(self, return_type: Any, field_details_list: Any, info: Any, path: Path,
                       result: Any, position_context: Any) -> Any:
        if (result is not None and type(result) is not Partial
                and getattr(self.context_value, "compiled_reads", False)):
            key = (return_type, id(field_details_list))
            plans = self._plain_plans
            if plans is None:
                plans = self._plain_plans = {}
            complete = plans.get(key, _NOT_PLANNED)
            if complete is _NOT_PLANNED:
                complete = plans[key] = plain_completion(self, return_type, field_details_list)
            if complete is not None:
                try:
                    value = complete(result)
                except Exception:  # noqa: BLE001 - the standard completion reports it
                    pass  # a null where none may be, or a value its scalar refuses
                else:
                    self.read_path_stats.compiled += 1
                    return value
        return super().complete_value(return_type, field_details_list, info, path, result,
                                      position_context)

    def complete_object_value(self, return_type: GraphQLObjectType, field_details_list: Any,
                              info: Any, path: Path, result: Any,
                              position_context: Any) -> Any:
        if type(result) is Partial:  # built for this very type: no is_type_of check
            return self.collect_and_execute_subfields(return_type, field_details_list, path,
                                                      result, position_context)
        return super().complete_object_value(return_type, field_details_list, info, path,
                                             result, position_context)

    def _complete(self, parent_type: GraphQLObjectType, field_details_list: Any, path: Path,
                  value: Any, position_context: Any) -> Any:
        """Complete a pending (impure) value as if a resolver had returned it."""
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        return_type = field_def.type  # type: ignore[union-attr]
        info = self.build_resolve_info(field_def, to_nodes(field_details_list),  # type: ignore[arg-type]
                                       parent_type, path)
        try:
            completed = self.complete_value(return_type, field_details_list, info, path, value,
                                            position_context)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            async def await_completed() -> Any:
                try:
                    return await completed
                except Exception as raw_error:
                    self.handle_field_error(raw_error, return_type, field_details_list, path)
                    return None
            return await_completed()
        return completed

    def _compiled_root(self, parent_type: GraphQLObjectType, field_details_list: Any,
                       path: Path, position_context: Any) -> Any:
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        if field_def is None:
            return _NOT_PLANNED
        if self._planner is None:
            self._planner = Planner(self)
        try:
            if field_def.type is self._node_interface:
                return self._compiled_node(field_def, field_details_list, path,
                                           position_context)
            plan = root_plan(self._planner, field_def, field_details_list)
        except Exception:  # noqa: BLE001 - whatever planning trips on, the resolvers answer
            return _NOT_PLANNED
        if plan is None:
            return _NOT_PLANNED
        return self._run_root(plan, field_def, field_details_list, path, position_context)

    @property
    def _node_interface(self) -> Any:
        return self.schema.get_type("Node")

    def _compiled_node(self, field_def: Any, field_details_list: Any, path: Path,
                       position_context: Any) -> Any:
        """``node(id:)`` for a type read by plain type-level rules: the object planned on its
        concrete type (the fragments that apply to it) and fetched by id."""
        from schema.node import NODE_TYPES

        planner = self._planner
        assert planner is not None
        try:
            arguments = planner.arguments(field_def, field_details_list[0])
        except Exception:
            return _NOT_PLANNED
        decoded = decode_id(str(arguments.get("id")))
        if decoded is None or decoded[0] not in NODE_TYPES:
            return _NOT_PLANNED
        type_name, row_id = decoded
        graphql_type, model, resource_type = NODE_TYPES[type_name]
        object_type = self.schema.get_type(type_name)
        if (getattr(graphql_type, "policy_resource", None) is not None
                or not isinstance(object_type, GraphQLObjectType)
                or not self.context_value.can("read", Resource(resource_type, id=row_id))):
            return _NOT_PLANNED
        plan = planner.object_plan(object_type, field_details_list, model, graphql_type.from_row)
        return self._run_node(plan, row_id, object_type, field_def, field_details_list, path,
                              position_context)

    async def _run_node(self, plan: ObjectPlan, row_id: int, object_type: GraphQLObjectType,
                        field_def: Any, field_details_list: Any, path: Path,
                        position_context: Any) -> Any:
        try:
            async with reading_connection(self.context_value) as connection:
                values = await _Fetcher(connection, self.read_path_stats).by_ids(plan, [row_id])
        except Exception:  # noqa: BLE001 - the resolver gives the answer and errors it always does
            return await self._standard_root(field_details_list, path, position_context)
        if not values:
            return None
        if plan.pure:
            return values[0]
        return await self._complete_root(field_def, values[0], field_details_list, path,
                                         position_context, object_type)

    async def _run_root(self, plan: ConnectionPlan, field_def: Any, field_details_list: Any,
                        path: Path, position_context: Any) -> Any:
        try:
            async with reading_connection(self.context_value) as connection:
                if (getattr(self.context_value, "raw_json", False)
                        and connection.dialect.name == "postgresql"):
                    statement = root_statement(plan, connection.dialect)
                    if statement is not None:
                        result = (await connection.exec_driver_sql(statement)
                                  if isinstance(statement, str)
                                  else await connection.execute(statement))
                        text = result.scalar_one()
                        self.read_path_stats.compiled += 1
                        return orjson.Fragment(text)
                value = await _Fetcher(connection, self.read_path_stats).root(plan)
        except Exception:  # noqa: BLE001 - the resolvers give the answer and errors they always do
            return await self._standard_root(field_details_list, path, position_context)
        if plan.pure:
            return value
        return await self._complete_root(field_def, value, field_details_list, path,
                                         position_context)

    async def _complete_root(self, field_def: Any, value: Any, field_details_list: Any,
                             path: Path, position_context: Any,
                             object_type: GraphQLObjectType | None = None) -> Any:
        """Complete an impure compiled value (its resolver fields run as usual); for
        ``node(id:)``, as ``object_type``, the concrete type it was planned on."""
        return_type = field_def.type
        try:
            info = self.build_resolve_info(field_def, to_nodes(field_details_list),
                                           self.schema.query_type, path)  # type: ignore[arg-type]
            completed = (self.complete_object_value(object_type, field_details_list, info, path,
                                                    value, position_context)
                         if object_type is not None
                         else self.complete_value(return_type, field_details_list, info, path,
                                                  value, position_context))
            if self.is_awaitable(completed):
                completed = await completed
            return completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

    async def _standard_root(self, field_details_list: Any, path: Path,
                             position_context: Any) -> Any:
        """The root field through its resolver: when a compiled fetch fails (a value the
        database refuses, say), the error is reported where and as the resolvers report it,
        not as one failure of the whole list."""
        self.read_path_stats.standard += 1
        result = super().execute_field(self.schema.query_type, self.root_value,  # type: ignore[arg-type]
                                       field_details_list, path, position_context)
        return await result if self.is_awaitable(result) else result
