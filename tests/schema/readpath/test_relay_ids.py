"""Relay's store keys objects by id: over the seeded demo data, no two objects of different
types share an id. Each root list (and each list under ``reports``) is read with every object
field, every nested list and every object beneath them two levels deep, selecting ``id`` and
``__typename`` wherever there is one; every id seen must belong to one type only."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.pyutils import Undefined

from schema.schema import schema
from tests.schema.readpath.conftest import SeededWorld

ROOT_PAGE = 10
NESTED_PAGE = 3
DEPTH = 2


def _callable_without_arguments(field: GraphQLField) -> bool:
    return not any(is_non_null_type(arg.type) and arg.default_value is Undefined
                   for arg in field.args.values())


def _node_type(connection: GraphQLNamedType) -> GraphQLNamedType | None:
    if isinstance(connection, GraphQLObjectType) and {"nodes", "pageInfo"} <= set(
            connection.fields):
        return get_named_type(connection.fields["nodes"].type)
    return None


def _selection(named: GraphQLNamedType, depth: int) -> str:
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        return "__typename ... on Node { id }"
    assert isinstance(named, GraphQLObjectType)
    parts = ["__typename"]
    for name, field in named.fields.items():
        target = get_named_type(field.type)
        if is_leaf_type(target):
            if name == "id":
                parts.append("id")
            continue
        if depth == 0 or not _callable_without_arguments(field) or field.deprecation_reason:
            continue
        node = _node_type(target)
        if node is not None:
            page = f"(first: {NESTED_PAGE})" if "first" in field.args else ""
            parts.append(f"{name}{page} {{ nodes {{ {_selection(node, depth - 1)} }} }}")
        else:
            parts.append(f"{name} {{ {_selection(target, depth - 1)} }}")
    return " ".join(parts)


def _root_lists() -> list[tuple[str, str]]:
    """(name, query) for each list under Query and under Query.reports."""
    query_type = schema._schema.query_type
    assert query_type is not None
    found = []
    for prefix, owner in (("", query_type),
                          ("reports", get_named_type(query_type.fields["reports"].type))):
        assert isinstance(owner, GraphQLObjectType)
        for name, field in owner.fields.items():
            node = _node_type(get_named_type(field.type))
            if node is None or not _callable_without_arguments(field):
                continue
            page = f"(first: {ROOT_PAGE})" if "first" in field.args else ""
            body = f"{name}{page} {{ nodes {{ {_selection(node, DEPTH)} }} }}"
            found.append((f"{prefix}.{name}".lstrip("."),
                          f"{{ {prefix} {{ {body} }} }}" if prefix else f"{{ {body} }}"))
    return found


LISTS = _root_lists()


def _ids(value: Any, seen: dict[str, set[str]]) -> None:
    if isinstance(value, dict):
        if "id" in value and "__typename" in value:
            seen.setdefault(value["id"], set()).add(value["__typename"])
        for item in value.values():
            _ids(item, seen)
    elif isinstance(value, list):
        for item in value:
            _ids(item, seen)


def test_the_lists_cover_the_board_the_reports_and_the_raid() -> None:
    names = {name for name, _ in LISTS}
    assert {"projects", "portfolios", "people", "reports.projectRows",
            "reports.riskRows"} <= names


@pytest.mark.parametrize("role", ["pmo", "analyst"])
def test_no_id_belongs_to_two_types(world: SeededWorld, role: str) -> None:
    seen: dict[str, set[str]] = {}
    for name, query in LISTS:
        outcome = world.run(world.execute(role, query, compiled=True))
        # what the role may not read is FORBIDDEN (null, or the whole list); nothing else fails
        assert set(outcome.codes) <= {"FORBIDDEN"}, (name, outcome.errors)
        _ids(outcome.data, seen)
    shared = {node_id: types for node_id, types in seen.items() if len(types) > 1}
    assert shared == {}
    # the queries read a good part of the seeded world
    assert len(seen) > 500
    assert len({t for types in seen.values() for t in types}) > 15
