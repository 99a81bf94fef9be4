"""The committed SDL is fully described and Relay-clean: clients and code generators read it.

The description rules are graphql-schema-linter's defaults (types, fields, input values,
arguments and enum values have descriptions; descriptions are capitalized), checked over
``schema/schema.graphql`` (which ``test_sdl`` keeps equal to the code).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
)

from schema.schema import SDL_PATH

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}
SCHEMA = build_schema(SDL_PATH.read_text(encoding="utf-8"))


def _described() -> list[tuple[str, str | None]]:
    """(where, description) of every type, field, input field, argument and enum value."""
    found: list[tuple[str, str | None]] = []
    for name, type_ in SCHEMA.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        found.append((name, type_.description))
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                found.append((f"{name}.{field_name}", field.description))
                for arg_name, arg in getattr(field, "args", {}).items():
                    found.append((f"{name}.{field_name}({arg_name})", arg.description))
        if isinstance(type_, GraphQLEnumType):
            found += [(f"{name}.{value}", definition.description)
                      for value, definition in type_.values.items()]
    return found


def test_every_type_field_argument_and_enum_value_has_a_description() -> None:
    assert [where for where, description in _described() if not description] == []


def test_descriptions_start_with_a_capital_letter() -> None:
    # graphql-schema-linter's rule: the first character is its own upper case (so "1 to 5"
    # and "`code`" pass, "probability x impact" does not)
    assert [where for where, description in _described()
            if description and description[0] != description[0].upper()] == []


def _object_types() -> list[Any]:
    return [t for name, t in SCHEMA.type_map.items()
            if isinstance(t, GraphQLObjectType) and not name.startswith("__")]


def test_only_nodes_have_an_id() -> None:
    # A client's normalised cache (Relay, Apollo) stores objects by id: any other object with
    # an `id` (a viewer carrying its Person's id, a report row carrying its project's) would
    # be merged with the Node of that id and keep the wrong __typename.
    node = SCHEMA.get_type("Node")
    assert [t.name for t in _object_types() if "id" in t.fields and node not in t.interfaces] == []
