"""Planning: what each selected field of a declared list means, decided once per request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetails, collect_subfields
from graphql.execution.values import get_argument_values
from strawberry import relay
from strawberry.types.arguments import convert_arguments

from policies.resources import Resource
from schema.listing import READ_PLAN, Children, Reference, RootList
from schema.pagination import Connection, PageRequest, page_request

DEFINITION = "strawberry-definition"

# Object field kinds.
COLUMN, GLOBAL_ID, TYPENAME, REFERENCE, CHILDREN, FALLBACK = range(6)
# Connection field kinds.
EDGES, NODES, PAGE_INFO, TOTAL_COUNT, CONNECTION_TYPENAME = range(5)
# Edge field kinds.
CURSOR, NODE, EDGE_TYPENAME = range(3)

FieldDetailsList = list[FieldDetails]


@dataclass(slots=True)
class FieldPlan:
    """One response key of an object: how its value is made."""

    key: str
    kind: int
    attr: str = ""
    serialize: Callable[[Any], Any] | None = None
    declaration: Any = None
    child: Any = None  # ObjectPlan (REFERENCE) or ConnectionPlan (CHILDREN)
    value: Any = None  # the type name (TYPENAME); the leaf type (COLUMN)


@dataclass(slots=True)
class ObjectPlan:
    """The selection on one object type, over rows of ``model``."""

    type_name: str
    model: Any
    convert: Callable[[Any], Any]
    fields: list[FieldPlan]
    pure: bool  # every field, all the way down, is served here
    # The columns the fields read (None: every column, for resolvers on a Partial's source).
    needed: frozenset[str] | None = None


@dataclass(slots=True)
class EdgePlan:
    fields: list[tuple[str, int, Any]]
    pure: bool


@dataclass(slots=True)
class ConnectionPlan:
    """A page of ``model`` rows with what is selected on the connection."""

    model: Any
    request: PageRequest
    where: list[Any]  # the filter's conditions (what totalCount counts)
    cursor_where: list[Any]  # and the cursors' (what the page reads)
    fields: list[tuple[str, int, Any]]
    node_plans: list[ObjectPlan] = field(default_factory=list)
    needs_cursor: bool = False
    needs_count: bool = False
    pure: bool = True

    def needed(self, *extra: str) -> frozenset[str] | None:
        """The columns the page must read: the nodes', the sort keys and ``extra``."""
        names: set[str] = {"id", *extra}
        for node in self.node_plans:
            if node.needed is None:
                return None
            names |= node.needed
        for sort_field, _desc in self.request.ordering.fields:
            if not sort_field.computed:
                names.add(sort_field.column.key)
        return frozenset(names)


def columns_of(model: Any, needed: frozenset[str] | None) -> list[Any]:
    """The table, or only the columns a pure plan reads (fewer values to decode)."""
    table = model.__table__
    if needed is None:
        return [table]
    return [column for column in table.columns if column.key in needed]


def declaration_of(graphql_field: GraphQLField) -> Any:
    """The ``plan(...)`` declaration on a field, if it has one."""
    definition = graphql_field.extensions.get(DEFINITION)
    metadata = getattr(definition, "metadata", None)
    if not metadata:
        return None
    declared = metadata.get(READ_PLAN)
    if declared is not None and not isinstance(declared, (Reference, Children, RootList)):
        declared = declared()  # built on first use (a declaration that imports lazily)
    return declared


class Planner:
    """Plans selections for one operation (the executor's fragments and variables)."""

    def __init__(self, executor: Any) -> None:
        self._executor = executor
        strawberry_schema = executor.schema._strawberry_schema  # noqa: SLF001
        self._scalars = strawberry_schema.schema_converter.scalar_registry
        self._config = strawberry_schema.config
        context = executor.context_value
        self._can = context.can
        self._allowed: dict[str, bool] = {}

    def can_read(self, resource_type: str) -> bool:
        """The enforcer's answer, asked once per type and request."""
        allowed = self._allowed.get(resource_type)
        if allowed is None:
            allowed = self._allowed[resource_type] = self._can("read", Resource(resource_type))
        return allowed

    def arguments(self, graphql_field: GraphQLField, details: FieldDetails) -> dict[str, Any]:
        """The field's arguments as its resolver receives them (Strawberry's conversion)."""
        executor = self._executor
        raw = get_argument_values(graphql_field, details.node, executor.variable_values,
                                  details.fragment_variable_values, executor.hide_suggestions)
        definition = graphql_field.extensions[DEFINITION]
        return convert_arguments(raw, definition.arguments, scalar_registry=self._scalars,
                                 config=self._config)

    def _subfields(self, object_type: GraphQLObjectType,
                   details: FieldDetailsList) -> dict[str, FieldDetailsList]:
        executor = self._executor
        return collect_subfields(executor.schema, executor.fragments, executor.variable_values,
                                 executor.operation, object_type, details,
                                 executor.hide_suggestions).grouped_field_set

    # --- objects -------------------------------------------------------------------------

    def object_plan(self, object_type: GraphQLObjectType, details: FieldDetailsList,
                    model: Any, convert: Callable[[Any], Any]) -> ObjectPlan:
        columns = model.__table__.columns
        definition = object_type.extensions.get(DEFINITION)
        origin = getattr(definition, "origin", None)
        is_node = isinstance(origin, type) and issubclass(origin, relay.Node)
        plans: list[FieldPlan] = []
        pure = True
        for key, sub in self._subfields(object_type, details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                plans.append(FieldPlan(key, TYPENAME, value=object_type.name))
                continue
            graphql_field = object_type.fields[name]
            plan = self._field_plan(key, name, graphql_field, sub, columns, is_node)
            plans.append(plan)
            if plan.kind == FALLBACK or (plan.child is not None and not plan.child.pure):
                pure = False
        needed = None
        if pure:
            needed = frozenset({"id", *(p.attr for p in plans if p.kind == COLUMN),
                                *(p.declaration.fk for p in plans if p.kind == REFERENCE)})
        return ObjectPlan(object_type.name, model, convert, plans, pure, needed)

    def _field_plan(self, key: str, name: str, graphql_field: GraphQLField,
                    details: FieldDetailsList, columns: Any, is_node: bool) -> FieldPlan:
        declared = declaration_of(graphql_field)
        if isinstance(declared, Reference):
            target = get_nullable_type(graphql_field.type)
            if is_object_type(target) and self.can_read(declared.resource_type):
                child = self.object_plan(target, details, declared.model, declared.convert)
                return FieldPlan(key, REFERENCE, declaration=declared, child=child)
            return FieldPlan(key, FALLBACK)
        if isinstance(declared, Children):
            try:
                child = self.connection_plan(graphql_field, details, declared)
            except Exception:  # noqa: BLE001 - bad arguments: the resolver reports them at each path
                child = None
            if child is None:
                return FieldPlan(key, FALLBACK)
            return FieldPlan(key, CHILDREN, declaration=declared, child=child)
        if is_node and name == "id":
            return FieldPlan(key, GLOBAL_ID)
        definition = graphql_field.extensions.get(DEFINITION)
        if definition is None or not definition.is_basic_field:
            return FieldPlan(key, FALLBACK)
        attr = definition.python_name
        leaf = get_nullable_type(graphql_field.type)
        if attr not in columns or not is_leaf_type(leaf):
            return FieldPlan(key, FALLBACK)
        return FieldPlan(key, COLUMN, attr=attr, serialize=_serializer(leaf, columns[attr]),
                         value=leaf)

    # --- connections ---------------------------------------------------------------------

    def connection_plan(self, graphql_field: GraphQLField, details: FieldDetailsList,
                        declared: Children[Any] | RootList[Any]) -> ConnectionPlan | None:
        """The plan of a declared connection, or None when it must be left to its resolver.

        Raises the resolver's own GraphQLError for bad arguments (cursor, page size, filter).
        """
        spec = declared.spec
        if not self.can_read(spec.resource_type):
            return None
        connection_type = get_nullable_type(graphql_field.type)
        definition = connection_type.extensions.get(DEFINITION)
        origin = getattr(definition, "origin", None)
        if not (isinstance(origin, type) and issubclass(origin, Connection)):
            return None
        kwargs = self.arguments(graphql_field, details[0])
        if set(kwargs) - {"filter", "order_by", "first", "after", "last", "before"}:
            return None  # an argument the declaration does not know
        if (declared.refinement is not None
                and declared.refinement.needed(kwargs.get("filter"), kwargs.get("order_by"))):
            return None  # worked out per request by the resolver (e.g. project health)
        request = page_request(spec.order.ordering(spec.model, kwargs.get("order_by")),
                               first=kwargs.get("first"), after=kwargs.get("after"),
                               last=kwargs.get("last"), before=kwargs.get("before"))
        plan = ConnectionPlan(spec.model, request, declared.conditions(kwargs.get("filter")),
                              request.conditions(), [])
        for key, sub in self._subfields(connection_type, details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                plan.fields.append((key, CONNECTION_TYPENAME, connection_type.name))
            elif name == "edges":
                edge_type = get_named_type(connection_type.fields["edges"].type)
                edge = self._edge_plan(edge_type, sub, plan, spec)
                plan.fields.append((key, EDGES, edge))
                plan.pure = plan.pure and edge.pure
            elif name == "nodes":
                node = self._node_plan(connection_type.fields["nodes"].type, sub, spec)
                plan.node_plans.append(node)
                plan.fields.append((key, NODES, node))
                plan.pure = plan.pure and node.pure
            elif name == "pageInfo":
                page_info_type = get_named_type(connection_type.fields["pageInfo"].type)
                selected = []
                for info_key, info_sub in self._subfields(page_info_type, sub).items():
                    info_name = info_sub[0].node.name.value
                    selected.append((info_key, info_name if info_name != "__typename"
                                     else "__typename:" + page_info_type.name))
                    if info_name in ("startCursor", "endCursor"):
                        plan.needs_cursor = True
                plan.fields.append((key, PAGE_INFO, selected))
            elif name == "totalCount":
                plan.needs_count = True
                plan.fields.append((key, TOTAL_COUNT, None))
            else:
                return None
        return plan

    def _node_plan(self, node_type: GraphQLOutputType, details: FieldDetailsList,
                   spec: Any) -> ObjectPlan:
        named = get_named_type(node_type)
        return self.object_plan(named, details, spec.model, spec.convert)  # type: ignore[arg-type]

    def _edge_plan(self, edge_type: Any, details: FieldDetailsList, plan: ConnectionPlan,
                   spec: Any) -> EdgePlan:
        fields: list[tuple[str, int, Any]] = []
        pure = True
        for key, sub in self._subfields(edge_type, details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                fields.append((key, EDGE_TYPENAME, edge_type.name))
            elif name == "cursor":
                plan.needs_cursor = True
                fields.append((key, CURSOR, None))
            else:  # node
                node = self._node_plan(edge_type.fields["node"].type, sub, spec)
                plan.node_plans.append(node)
                fields.append((key, NODE, node))
                pure = pure and node.pure
        return EdgePlan(fields, pure)


def _python_type(column: Any) -> type | None:
    try:
        return column.type.python_type  # type: ignore[no-any-return]
    except NotImplementedError:
        return None


def _serializer(leaf: Any, column: Any) -> Callable[[Any], Any] | None:
    """The leaf type's serializer; None where it would return a column's value unchanged
    (a text column as String, a boolean column as Boolean), to skip a call per value."""
    python_type = _python_type(column)
    if (leaf is GraphQLString and python_type is str) or (
            leaf is GraphQLBoolean and python_type is bool):
        return None
    return leaf.serialize  # type: ignore[no-any-return]


def root_plan(planner: Planner, graphql_field: GraphQLField,
              details: FieldDetailsList) -> ConnectionPlan | None:
    """The plan of a declared root list, or None (unknown field, forbidden, bad arguments:
    the standard executor then answers exactly as it always does)."""
    declared = declaration_of(graphql_field)
    if not isinstance(declared, RootList):
        return None
    try:
        return planner.connection_plan(graphql_field, details, declared)
    except Exception:  # noqa: BLE001 - bad arguments of any kind: the resolver reports them
        return None
