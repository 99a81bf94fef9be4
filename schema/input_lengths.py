"""Every text input says how long it may be: "At most N characters." in its SDL description.

The lengths are the columns' (``server.domain.base`` refuses longer text on every write path,
``LONG_TEXT`` for columns without a length of their own). An input type is matched with its
table by name (``CreateRiskInput`` -> ``Risk``), and its fields with the table's columns by
name; the few inputs named otherwise are listed in ``TABLE_OF``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from graphql import GraphQLInputObjectType, GraphQLSchema, GraphQLString, get_named_type
from sqlmodel import SQLModel

from server.domain.base import snake, text_length

VERBS = ("Add", "Create", "Update", "Edit", "Delete", "Close", "Resolve", "Escalate", "Submit",
         "Decide", "Record", "Complete", "Apply", "Set", "Rotate", "Mark")
TABLE_OF = {"RecordCostInput": "CostEntry", "CompleteChecklistItemInput": "ProjectChecklistItem",
            "DecideGateInput": "ProjectGate", "SubmitGateInput": "ProjectGate"}


def _tables() -> dict[str, sa.Table]:
    return {mapper.class_.__name__: mapper.local_table  # type: ignore[misc]
            for mapper in SQLModel._sa_registry.mappers}  # noqa: SLF001


def table_of(input_name: str, tables: dict[str, Any]) -> Any:
    """The table an input type writes, or None."""
    name = TABLE_OF.get(input_name)
    if name is None:
        name = input_name.removesuffix("Input")
        for verb in VERBS:
            if name.startswith(verb) and name[len(verb):] in tables:
                name = name[len(verb):]
                break
    return tables.get(name)


def text_limits(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    """(input type, field) -> the most characters it takes, for the text inputs we store."""
    tables = _tables()
    found = {}
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLInputObjectType):
            continue
        table = table_of(graphql_type.name, tables)
        if table is None:
            continue
        for field_name, field in graphql_type.fields.items():
            if get_named_type(field.type) is not GraphQLString:
                continue
            column = table.c.get(snake(field_name))
            length = None if column is None else text_length(column)
            if length is not None:
                found[(graphql_type.name, field_name)] = length
    return found


def document(schema: GraphQLSchema) -> None:
    """Append "At most N characters." to each such field's description, unless it states a
    length already (a service's own, stricter rule, such as a comment's 1-10,000)."""
    for (type_name, field_name), length in text_limits(schema).items():
        field = schema.type_map[type_name].fields[field_name]  # type: ignore[attr-defined]
        text = (field.description or "").rstrip()
        if "characters" not in text:
            field.description = f"{text} At most {length:,} characters.".strip()
