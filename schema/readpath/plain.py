"""Completing plain values at once: a resolver's result whose selected fields are all plain
attributes (no resolvers), such as a page of report rows or an earned-value object.

Each selection becomes one generated Python function (``{"code": v.code, ...}``), which is
several times cheaper than graphql-core's field-by-field completion; no library generates
such completers for graphql-core (graphql-jit does it for JavaScript), hence this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
    is_leaf_type,
)
from graphql.execution.collect_fields import collect_subfields

from schema import pagination
from schema.pagination import Connection, edge_cursor

DEFINITION = "strawberry-definition"
Complete = Callable[[Any], Any]
# Scalars whose serializer returns a value of this Python type unchanged.
_PASS_THROUGH = {GraphQLString: "str", GraphQLID: "str", GraphQLBoolean: "bool"}


class _Irregular(Exception):  # noqa: N818 - a signal, not an error
    """A value the fast completion cannot vouch for (a null in a non-null position)."""


def _nodes_of(connection: Any) -> list[Any]:
    return [edge.node for edge in connection.edges]


_PLAIN_RESOLVERS: dict[Any, Complete] = {
    Connection.nodes: _nodes_of,
    edge_cursor: edge_cursor,
    pagination.start_cursor: pagination.start_cursor,
    pagination.end_cursor: pagination.end_cursor,
}


def plain_resolver(resolver: Complete) -> Complete:
    """Mark a field resolver as a pure function of its parent value (no arguments, no info,
    no I/O), so plain completion may call it instead of falling back field by field."""
    _PLAIN_RESOLVERS[resolver] = resolver
    return resolver


@dataclass(frozen=True)
class _Leaf:
    serialize: Complete
    non_null: bool
    pass_through: str | None
    names: tuple[tuple[Any, str], ...] | None = None
    """An enum's (member, name) pairs: looked up instead of calling its serializer."""
    date: bool = False
    """A ``Date``: its text is remembered (a page's rows share few days; isoformat is 0.5 us)."""


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _leaf(named: Any, non_null: bool) -> _Leaf:
    wrapped = getattr(named, "wrapped_cls", None)  # Strawberry's enum types
    names = None
    if isinstance(named, GraphQLEnumType) and wrapped is not None:
        names = tuple((member, name) for member in wrapped
                      for name, value in named.values.items() if value.value == member.value)
    return _Leaf(named.serialize, non_null, _PASS_THROUGH.get(named), names,
                 date=named.name == "Date")


_DATE_TEXT: dict[Any, str] = {}
_DATE_TEXT_MAX = 10_000


def _date_text(serialize: Complete) -> Complete:
    def text(value: Any) -> Any:
        if len(_DATE_TEXT) >= _DATE_TEXT_MAX:
            _DATE_TEXT.clear()
        found = _DATE_TEXT[value] = serialize(value)
        return found
    return text


def _read(graphql_field: Any) -> str | Complete | None:
    """How a field's value is read off its parent: an attribute name, a function, or None
    (the field has a resolver)."""
    definition = graphql_field.extensions.get(DEFINITION)
    if definition is None:
        return None
    if definition.is_basic_field:
        name: str = definition.python_name
        return name if name.isidentifier() else None
    resolver = definition.base_resolver
    if resolver is not None:
        # Our connections' own resolvers only read what the connection holds.
        return _PLAIN_RESOLVERS.get(resolver.wrapped_func)
    return None


def _part(executor: Any, return_type: Any, details: Any) -> _Leaf | Complete | None:
    non_null = isinstance(return_type, GraphQLNonNull)
    named = return_type.of_type if non_null else return_type
    if is_leaf_type(named) and not isinstance(named, GraphQLList):
        return _leaf(named, non_null)
    return plain_completion(executor, return_type, details)


def plain_completion(executor: Any, return_type: Any, details: Any) -> Complete | None:
    """A function completing values of ``return_type`` selected by ``details``, or None when
    some selected field has a resolver (graphql-core then completes field by field)."""
    if isinstance(return_type, GraphQLNonNull):
        inner = plain_completion(executor, return_type.of_type, details)
        return None if inner is None else _cached(("non-null", inner), _non_null, inner)
    if isinstance(return_type, GraphQLList):
        part = _part(executor, return_type.of_type, details)
        if part is None:
            return None
        item = _cached(("leaf", part), _leaf_function, part) if isinstance(part, _Leaf) else part
        return _cached(("list", item), _list, item)
    if is_leaf_type(return_type):
        leaf = _Leaf(return_type.serialize, False, None)
        return _cached(("leaf", leaf), _leaf_function, leaf)
    if not isinstance(return_type, GraphQLObjectType):
        return None  # an interface or union: its runtime type decides
    grouped = collect_subfields(executor.schema, executor.fragments, executor.variable_values,
                                executor.operation, return_type, details,
                                executor.hide_suggestions).grouped_field_set
    fields: list[tuple[str, Any, Any]] = []
    for key, sub in grouped.items():
        name = sub[0].node.name.value
        if name == "__typename":
            fields.append((key, None, return_type.name))
            continue
        graphql_field = return_type.fields[name]
        read = _read(graphql_field)
        part = None if read is None else _part(executor, graphql_field.type, sub)
        if part is None:
            return None
        fields.append((key, read, part))
    return _cached(("object", tuple(fields)), _object_function, fields)


# Generated functions by what they complete (parts are cached too, so equal selections give
# equal keys): a query seen before reuses its completers instead of compiling them again.
_GENERATED: dict[Any, Complete] = {}
_GENERATED_MAX = 4096


def _cached(key: Any, build: Callable[[Any], Complete], argument: Any) -> Complete:
    found = _GENERATED.get(key)
    if found is None:
        if len(_GENERATED) >= _GENERATED_MAX:
            _GENERATED.clear()
        found = _GENERATED[key] = build(argument)
    return found


def _non_null(inner: Complete) -> Complete:
    def non_null(value: Any) -> Any:
        completed = inner(value)
        if completed is None:
            raise _Irregular
        return completed
    return non_null


def _list(item: Complete) -> Complete:
    return lambda value: None if value is None else [item(v) for v in value]


def _leaf_function(leaf: _Leaf) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            if leaf.non_null:
                raise _Irregular
            return None
        return leaf.serialize(value)
    return complete


def _object_function(fields: list[tuple[str, Any, Any]]) -> Complete:
    """Generate ``complete_object(value) -> dict`` for these fields."""
    env: dict[str, Any] = {"_Irregular": _Irregular}
    body = ["def complete_object(value):", "    if value is None:", "        return None"]
    items = []
    for i, (key, read, part) in enumerate(fields):
        if read is None:  # __typename
            env[f"t{i}"] = part
            items.append(f"{key!r}: t{i}")
            continue
        if isinstance(read, str):
            body.append(f"    x{i} = value.{read}")
        else:
            env[f"r{i}"] = read
            body.append(f"    x{i} = r{i}(value)")
        if isinstance(part, _Leaf):
            env[f"s{i}"] = part.serialize
            if part.non_null:
                body.append(f"    if x{i} is None:")
                body.append("        raise _Irregular")
            if part.names is not None:
                # The serializer's answer for a member; anything else still goes through it.
                env[f"n{i}"] = dict(part.names)
                items.append(f"{key!r}: (None if x{i} is None else n{i}.get(x{i}) or s{i}(x{i}))")
            elif part.date:
                env["_DATE_TEXT"] = _DATE_TEXT
                env[f"d{i}"] = _date_text(part.serialize)
                items.append(f"{key!r}: (None if x{i} is None else _DATE_TEXT.get(x{i}) "
                             f"or d{i}(x{i}))")
            elif part.serialize is GraphQLInt.serialize:
                # What serialize_int returns for an int in range; anything else goes through it.
                items.append(f"{key!r}: (x{i} if x{i}.__class__ is int and "
                             f"{_INT_MIN} <= x{i} <= {_INT_MAX} else None if x{i} is None "
                             f"else s{i}(x{i}))")
            elif part.pass_through:
                items.append(f"{key!r}: (x{i} if x{i} is None or x{i}.__class__ is "
                             f"{part.pass_through} else s{i}(x{i}))")
            else:
                items.append(f"{key!r}: (None if x{i} is None else s{i}(x{i}))")
        else:
            env[f"c{i}"] = part
            items.append(f"{key!r}: c{i}(x{i})")
    body.append("    return {" + ", ".join(items) + "}")
    exec(compile("\n".join(body), "<plain completion>", "exec"), env)  # noqa: S102 - our own code
    return env["complete_object"]  # type: ignore[no-any-return]
