"""Completing plain values at once: a resolver's result whose selected fields are all plain
attributes (no resolvers), such as a page of report rows or an earned-value object."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    is_leaf_type,
)
from graphql.execution.collect_fields import collect_subfields

from schema.pagination import Connection

DEFINITION = "strawberry-definition"
Complete = Callable[[Any], Any]


class _Irregular(Exception):  # noqa: N818 - a signal, not an error
    """A value the fast completion cannot vouch for (a null in a non-null position)."""


def _nodes_of(connection: Any) -> list[Any]:
    return [edge.node for edge in connection.edges]


def _getter(graphql_field: Any) -> Callable[[Any], Any] | None:
    """How a field's value is read off its parent: an attribute, or None (a resolver)."""
    definition = graphql_field.extensions.get(DEFINITION)
    if definition is None:
        return None
    if definition.is_basic_field:
        return attrgetter(definition.python_name)
    resolver = definition.base_resolver
    if resolver is not None and resolver.wrapped_func is Connection.nodes:
        return _nodes_of  # the one plain resolver: the edges' nodes
    return None


def plain_completion(executor: Any, return_type: Any, details: Any) -> Complete | None:
    """A function completing values of ``return_type`` selected by ``details``, or None when
    some selected field has a resolver (graphql-core then completes field by field)."""
    if isinstance(return_type, GraphQLNonNull):
        inner = plain_completion(executor, return_type.of_type, details)
        if inner is None:
            return None

        def non_null(value: Any) -> Any:
            completed = inner(value)
            if completed is None:
                raise _Irregular
            return completed
        return non_null
    if isinstance(return_type, GraphQLList):
        item = plain_completion(executor, return_type.of_type, details)
        if item is None:
            return None
        return lambda value: None if value is None else [item(v) for v in value]
    if is_leaf_type(return_type):
        serialize = return_type.serialize
        return lambda value: None if value is None else serialize(value)
    if not isinstance(return_type, GraphQLObjectType):
        return None  # an interface or union: its runtime type decides
    fields: list[tuple[str, Any, Any]] = []
    grouped = collect_subfields(executor.schema, executor.fragments, executor.variable_values,
                                executor.operation, return_type, details,
                                executor.hide_suggestions).grouped_field_set
    for key, sub in grouped.items():
        name = sub[0].node.name.value
        if name == "__typename":
            fields.append((key, None, return_type.name))
            continue
        graphql_field = return_type.fields[name]
        getter = _getter(graphql_field)
        complete = None if getter is None else plain_completion(executor, graphql_field.type, sub)
        if complete is None:
            return None
        fields.append((key, getter, complete))

    def complete_object(value: Any) -> Any:
        if value is None:
            return None
        return {key: (complete(getter(value)) if getter is not None else complete)
                for key, getter, complete in fields}
    return complete_object
