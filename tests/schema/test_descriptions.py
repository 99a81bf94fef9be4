"""Every type, field and input field in the schema is described: clients read the SDL."""

from __future__ import annotations

from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from schema.schema import schema

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def test_every_type_and_field_has_a_description() -> None:
    missing = []
    for name, type_ in schema._schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            missing += [f"{name}.{field}" for field, definition in type_.fields.items()
                        if not definition.description]
    assert missing == []
