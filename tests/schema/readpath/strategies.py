"""A hypothesis strategy for random read queries over the real schema.

Each query starts at the declared root lists (Query fields with a ``plan(...)`` declaration,
found in the schema, so a newly declared list is fuzzed without touching this file) and walks
the object graph a few object levels deep: scalars of every kind, references, nested
connections (``edges``/``nodes``/``pageInfo``/``totalCount``) with random ``first``/``last``,
``orderBy``, filters and cursors (garbage, or well formed for the ordering asked), undeclared
and computed fields (the fallback), aliases (one field twice with different arguments), named
and inline fragments, ``@skip``/``@include`` with literals and variables, and arguments passed
as variables. Only valid documents come out (the schema's own validation rules filter them).

Two fields with the same response key must be mergeable, so an unaliased field gets the same
arguments wherever it appears on a type in one query, and every alias is unique.
"""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_enum_type,
    is_input_object_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    is_required_argument,
    is_required_input_field,
    parse,
    specified_rules,
    validate,
)
from hypothesis import assume
from hypothesis import strategies as st
from sqlalchemy.types import TypeDecorator

from schema.base import to_global_id
from schema.limits import measure
from schema.listing import Children, RootList
from schema.readpath.plan import declaration_of
from schema.schema import schema as strawberry_schema
from server.limits import Limits

GRAPHQL_SCHEMA: GraphQLSchema = strawberry_schema._schema  # noqa: SLF001
VALIDATION_RULES = specified_rules
LIMITS = Limits()

MAX_OBJECT_DEPTH = 4  # object levels below the root list (connection wrappers not counted)
OTHER_FIELD_DEPTH = 2  # undeclared object fields (computed, fallback) only this high up
CONNECTION_ARGUMENTS = {"first", "last", "after", "before", "orderBy", "filter"}
SEARCH_TERMS = ["", " ", "a", "e", "pro", "PRJ-00", "risk", "%", "_", "\\", "zzz", "ä", "O'"]
GARBAGE_CURSORS = ["", "x", "not a cursor", "e30", "eyJvIjoiWCIsInYiOlsxXX0", "!!!"]
ID_TYPES = {"portfolio": "Portfolio", "program": "Program", "manager": "Person",
            "sponsor": "Person", "owner": "Person", "person": "Person", "department": "Department",
            "project": "Project", "category": "RiskCategory", "risk": "Risk"}
NODE_TYPES = ["Project", "Person", "Portfolio", "Risk", "Program", "Department"]
TODAY = date.today()  # the seed's dates are relative to today, so are these


class _Omitted:
    """An optional argument or input field left out."""


OMIT = _Omitted()
Draw = Callable[[st.SearchStrategy[Any]], Any]


@dataclass(frozen=True)
class ReadQuery:
    """One generated operation and what the test may expect of it."""

    text: str
    variables: dict[str, Any]
    # Response keys of the declared root lists it runs (not skipped) with only the paging,
    # ordering and filter arguments a declaration knows: what the compiled path must serve.
    declared_roots: tuple[str, ...]
    # Those of them that also select ``__typename``, ``totalCount`` or ``pageInfo`` directly
    # (no directive): fields the compiled path completes itself whenever it serves the list.
    anchored: tuple[str, ...]

    def __repr__(self) -> str:  # readable in hypothesis' falsifying example
        return (f"ReadQuery(\n{self.text}\nvariables={json.dumps(self.variables)}\n"
                f"declared_roots={self.declared_roots}, anchored={self.anchored})")


def declared_roots(schema: GraphQLSchema = GRAPHQL_SCHEMA) -> list[str]:
    """The Query fields the compiled read path serves (a ``RootList`` declaration)."""
    return [name for name, f in schema.query_type.fields.items()  # type: ignore[union-attr]
            if isinstance(declaration_of(f), RootList)]


def is_connection(type_: GraphQLNamedType) -> bool:
    return is_object_type(type_) and {"edges", "pageInfo"} <= set(type_.fields)  # type: ignore[attr-defined]


def encode_cursor(signature: str, values: list[Any]) -> str:
    """A cursor in the format of ``schema.pagination`` (whatever values it carries)."""
    raw = json.dumps({"o": signature, "v": values}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass
class _Builder:
    """The mutable state of one drawn query: variables, fragments, names, argument choices."""

    draw: Draw
    ill_typed_cursors: bool
    boolean_cursors: bool
    # Bad arguments (page sizes, cursors, ids, orderBy) fail a non-null connection, which nulls
    # everything up to the root; so only some queries have them, the others answer in full.
    dirty: bool
    schema: GraphQLSchema = GRAPHQL_SCHEMA
    variables: dict[str, tuple[str, Any]] = field(default_factory=dict)
    fragments: list[str] = field(default_factory=list)
    names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    unaliased: dict[tuple[str, str], str] = field(default_factory=dict)

    # --- the operation -----------------------------------------------------------------

    def query(self) -> ReadQuery:
        roots = declared_roots(self.schema)
        chosen = self.draw(st.lists(st.sampled_from(roots), min_size=1, max_size=2))
        items: list[str] = []
        included: list[str] = []
        anchored: list[str] = []
        query_type = self.schema.query_type
        assert query_type is not None
        used: set[str] = set()
        for name in chosen:
            # A root list twice: under two keys, each with its own arguments.
            alias = (self.alias(name) if name in used or self.draw(st.integers(0, 3)) == 0
                     else None)
            used.add(alias or name)
            graphql_field = query_type.fields[name]
            arguments = self.arguments(query_type, name, graphql_field, aliased=alias is not None)
            directive, runs = self.directive()
            anchor = self.draw(st.sampled_from(
                [None, "__typename", "totalCount", "pageInfo { hasNextPage }"]
                + ["__typename"] * 3))
            body = self.connection_selection(get_named_type(graphql_field.type), 0)
            if anchor is not None:
                body = f"{anchor} {body}"
            head = f"{alias}: {name}" if alias else name
            items.append(f"{head}{arguments}{directive} {{ {body} }}")
            if runs and set(graphql_field.args) <= CONNECTION_ARGUMENTS:
                included.append(alias or name)
                if anchor is not None:
                    anchored.append(alias or name)
        extra = self.draw(st.integers(0, 9))
        if extra <= 1:
            items.append(self.node_root())
        elif extra <= 3:
            items.append(self.other_root())
        elif extra == 4:
            items.append(self.draw(st.sampled_from(
                ["__typename", "apiVersion", "viewer { fullName roles }"])))
        items = self.draw(st.permutations(items))
        definitions = ", ".join(f"${n}: {t}" for n, (t, _) in self.variables.items())
        header = f"query Read({definitions})" if definitions else "query Read"
        text = "\n".join([f"{header} {{ {' '.join(items)} }}", *self.fragments])
        document = parse(text)
        errors = validate(self.schema, document, VALIDATION_RULES)
        assume(not errors)
        values = {n: v for n, (_, v) in self.variables.items()}
        assume(not measure(self.schema, document, None, values, LIMITS).errors)
        return ReadQuery(text, values, tuple(included), tuple(anchored))

    def node_root(self) -> str:
        """``node(id:)`` or ``nodes(ids:)`` for objects of one type (sometimes another's)."""
        node = self.schema.get_type("Node")
        types = sorted(t.name for t in self.schema.get_possible_types(node))  # type: ignore[arg-type]
        type_name = self.draw(st.sampled_from(types))
        object_type = self.schema.get_type(type_name)
        assert isinstance(object_type, GraphQLObjectType)
        ids = [self.global_id(type_name, exact=True)
               for _ in range(self.draw(st.integers(1, 3)))]
        if self.draw(st.booleans()):
            head = f"node(id: {json.dumps(ids[0])})"
        else:
            head = f"nodes(ids: {json.dumps(ids)})"
        alias = f"{self.alias('node')}: " if self.draw(st.integers(0, 3)) == 0 else ""
        items = [f"... on {type_name} {{ {self.selection(object_type, 1)} }}"]
        items += self.draw(st.lists(st.sampled_from(["id", "__typename"]), unique=True))
        if self.draw(st.integers(0, 3)) == 0:
            other = self.draw(st.sampled_from(types))
            items.append(f"... on {other} {{ id __typename }}")
        directive, _ = self.directive()
        return f"{alias}{head}{directive} {{ {' '.join(self.draw(st.permutations(items)))} }}"

    def other_root(self) -> str:
        """An undeclared root field (the standard path on both runs), two object levels."""
        query_type = self.schema.query_type
        assert query_type is not None
        declared = set(declared_roots(self.schema))
        names = [n for group in self.fields_of(query_type) for n in group
                 if n not in declared and n not in ("node", "nodes")]
        name = self.draw(st.sampled_from(names))
        graphql_field = query_type.fields[name]
        arguments = self.arguments(query_type, name, graphql_field, aliased=True)
        body = self.sub_selection(graphql_field.type, MAX_OBJECT_DEPTH - 2)
        return f"{self.alias(name)}: {name}{arguments}{body}"

    # --- names, directives, variables --------------------------------------------------

    def alias(self, name: str) -> str:
        return f"k{next(self.names)}_{name}"

    def variable(self, type_text: str, value: Any) -> str:
        name = f"v{next(self.names)}"
        self.variables[name] = (type_text, value)
        return f"${name}"

    def directive(self) -> tuple[str, bool]:
        """``@skip``/``@include`` (literal or variable) or nothing, and whether it runs."""
        kind = self.draw(st.sampled_from(["", "", "", "", "skip", "include"]))
        if not kind:
            return "", True
        value = self.draw(st.booleans())
        argument = (self.variable("Boolean!", value) if self.draw(st.booleans())
                    else json.dumps(value))
        runs = value if kind == "include" else not value
        return f" @{kind}(if: {argument})", runs

    # --- selections --------------------------------------------------------------------

    def connection_selection(self, connection: GraphQLNamedType, depth: int) -> str:
        """The selection on a connection type: edges, nodes, pageInfo, totalCount."""
        assert isinstance(connection, GraphQLObjectType)
        node_type = get_named_type(connection.fields["nodes"].type)
        parts = self.draw(st.lists(st.sampled_from(
            ["edges", "nodes", "nodes", "pageInfo", "totalCount", "__typename"]),
            min_size=1, max_size=3))
        items: list[str] = []
        for part in parts:
            directive, _ = self.directive()
            head = f"{self.alias(part)}: {part}" if self.draw(st.integers(0, 5)) == 0 else part
            if part == "edges":
                edge_type = get_named_type(connection.fields["edges"].type)
                inner = self.draw(st.lists(st.sampled_from(["cursor", "node", "node",
                                                            "__typename"]),
                                           min_size=1, max_size=3, unique=True))
                edge_items = [f"node {{ {self.selection(node_type, depth + 1)} }}"
                              if name == "node" else name for name in inner]
                items.append(f"{head}{directive} "
                             f"{{ {self.place(edge_type, edge_items)} }}")
            elif part == "nodes":
                items.append(f"{head}{directive} "
                             f"{{ {self.selection(node_type, depth + 1)} }}")
            elif part == "pageInfo":
                info = self.draw(st.lists(st.sampled_from(
                    ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor",
                     "__typename"]), min_size=1, max_size=4, unique=True))
                items.append(f"{head}{directive} {{ {' '.join(info)} }}")
            else:
                items.append(f"{head}{directive}")
        return self.place(connection, items)

    def selection(self, type_: GraphQLNamedType, depth: int) -> str:
        """The selection on an object (or abstract) type ``depth`` object levels down."""
        if is_abstract_type(type_):
            possible = list(self.schema.get_possible_types(type_))  # type: ignore[arg-type]
            chosen = self.draw(st.lists(st.sampled_from(possible), min_size=1, max_size=2,
                                        unique_by=lambda t: t.name))
            return "__typename " + " ".join(
                f"... on {t.name} {{ {self.selection(t, depth)} }}" for t in chosen)
        assert isinstance(type_, GraphQLObjectType)
        leaves, declared, others = self.fields_of(type_)
        names = self.draw(st.lists(st.sampled_from(leaves or ["__typename"]), min_size=1,
                                   max_size=4, unique=True))
        if "__typename" not in names and self.draw(st.integers(0, 4)) == 0:
            names.append("__typename")
        if depth < MAX_OBJECT_DEPTH and declared:
            names += self.draw(st.lists(st.sampled_from(declared), max_size=2, unique=True))
        if depth <= OTHER_FIELD_DEPTH and others and self.draw(st.integers(0, 2)) == 0:
            names.append(self.draw(st.sampled_from(others)))
        items: list[str] = []
        for name in names:
            items += self.field_items(type_, name, depth)
        return self.place(type_, self.draw(st.permutations(items)))

    def fields_of(self, type_: GraphQLObjectType) -> tuple[list[str], list[str], list[str]]:
        """Leaf fields, declared relations and other object fields we can give arguments."""
        leaves: list[str] = []
        declared: list[str] = []
        others: list[str] = []
        for name, graphql_field in type_.fields.items():
            if not all(self.can_generate(a.type) for a in graphql_field.args.values()
                       if is_required_argument(a)):
                continue
            if is_leaf_type(get_named_type(graphql_field.type)):
                leaves.append(name)
            elif declaration_of(graphql_field) is not None:
                declared.append(name)
            else:
                others.append(name)
        return leaves, declared, others

    def field_items(self, parent: GraphQLObjectType, name: str, depth: int) -> list[str]:
        """One field as selected (sometimes twice: two aliases with their own arguments, or
        the same key again with another sub-selection, merged by the executor)."""
        if name == "__typename":
            return [name]
        graphql_field = parent.fields[name]
        copies = 1
        if graphql_field.args and self.draw(st.integers(0, 6)) == 0:
            copies = 2
        items = []
        for _ in range(copies):
            alias = self.alias(name) if copies > 1 or self.draw(st.integers(0, 5)) == 0 \
                else None
            arguments = self.arguments(parent, name, graphql_field, aliased=alias is not None)
            head = f"{alias}: {name}{arguments}" if alias else f"{name}{arguments}"
            repeats = 2 if self.draw(st.integers(0, 9)) == 0 else 1
            for _ in range(repeats):
                directive, _ = self.directive()
                items.append(head + directive + self.sub_selection(graphql_field.type, depth))
        return items

    def sub_selection(self, type_: GraphQLOutputType, depth: int) -> str:
        named = get_named_type(type_)
        if is_leaf_type(named):
            return ""
        if is_connection(named):
            return f" {{ {self.connection_selection(named, depth)} }}"
        return f" {{ {self.selection(named, depth + 1)} }}"

    def place(self, type_: GraphQLNamedType, items: list[str]) -> str:
        """Selection items, some moved into inline fragments or named fragments."""
        direct: list[str] = []
        inline: list[str] = []
        named: list[str] = []
        for item in items:
            where = self.draw(st.sampled_from([direct] * 6 + [inline, named]))
            where.append(item)
        out = list(direct)
        if inline:
            directive, _ = self.directive()
            condition = self.draw(st.sampled_from([f" on {type_.name}", ""]))
            out.append(f"...{condition}{directive} {{ {' '.join(inline)} }}")
        if named:
            fragment = f"F{next(self.names)}"
            self.fragments.append(f"fragment {fragment} on {type_.name} {{ {' '.join(named)} }}")
            for _ in range(self.draw(st.integers(1, 2))):
                directive, _ = self.directive()
                out.append(f"...{fragment}{directive}")
        return " ".join(out)

    # --- arguments ---------------------------------------------------------------------

    def arguments(self, parent: GraphQLObjectType, name: str, graphql_field: GraphQLField,
                  aliased: bool) -> str:
        """The argument list: drawn anew for an alias, once per query for a bare field."""
        if not graphql_field.args:
            return ""
        key = (parent.name, name)
        if not aliased and key in self.unaliased:
            return self.unaliased[key]
        if is_connection(get_named_type(graphql_field.type)):
            declared = declaration_of(graphql_field)
            spec = declared.spec if isinstance(declared, (Children, RootList)) else None
            values = self.connection_arguments(graphql_field, spec)
        else:
            values = {}
        for arg_name, argument in graphql_field.args.items():
            if arg_name in values or (arg_name in CONNECTION_ARGUMENTS
                                      and is_connection(get_named_type(graphql_field.type))):
                continue
            if is_required_argument(argument) or self.draw(st.integers(0, 2)) == 0:
                value = self.value(argument.type, arg_name)
                if not isinstance(value, _Omitted):
                    values[arg_name] = value
        text = self.render_arguments(graphql_field.args, values)
        if not aliased:
            self.unaliased[key] = text
        return text

    def render_arguments(self, arguments: dict[str, GraphQLArgument],
                         values: dict[str, Any]) -> str:
        if not values:
            return ""
        rendered = []
        for arg_name, value in values.items():
            type_ = arguments[arg_name].type
            if self.draw(st.integers(0, 4)) == 0:
                rendered.append(f"{arg_name}: {self.variable(str(type_), value)}")
            else:
                rendered.append(f"{arg_name}: {literal(value, type_)}")
        return f"({', '.join(rendered)})"

    def connection_arguments(self, graphql_field: GraphQLField, spec: Any) -> dict[str, Any]:
        args = graphql_field.args
        values: dict[str, Any] = {}
        modes = ["first"] * 6 + ["last"] * 2 + ["none"] * 2 + (["both"] if self.dirty else [])
        mode = self.draw(st.sampled_from(modes))
        if mode in ("first", "both") and "first" in args:
            values["first"] = self.page_size()
        if mode in ("last", "both") and "last" in args:
            values["last"] = self.page_size()
        if "orderBy" in args and self.draw(st.integers(0, 2)) == 0:
            order_type = get_named_type(args["orderBy"].type)
            assert isinstance(order_type, GraphQLInputObjectType)
            field_enum = get_named_type(order_type.fields["field"].type)
            terms = self.draw(st.lists(st.sampled_from(list(field_enum.values)),  # type: ignore[attr-defined]
                                       min_size=1, max_size=3, unique=not self.dirty))
            values["orderBy"] = [
                {"field": term} if self.draw(st.booleans())
                else {"field": term, "direction": self.draw(st.sampled_from(["ASC", "DESC"]))}
                for term in terms]
        if "filter" in args and self.draw(st.integers(0, 2)) == 0:
            values["filter"] = self.input_object(get_named_type(args["filter"].type),  # type: ignore[arg-type]
                                                 max_fields=2)
        for cursor_name in ("after", "before"):
            if cursor_name in args and (self.dirty or spec is not None) \
                    and self.draw(st.integers(0, 5)) == 0:
                values[cursor_name] = self.cursor(spec, values.get("orderBy"))
        return values

    def page_size(self) -> int | None:
        kind = self.draw(st.sampled_from(["small"] * 16 + ["none"]
                                         + (["huge", "negative"] if self.dirty else [])))
        if kind == "none":
            return None
        if kind == "huge":
            return int(self.draw(st.sampled_from([501, 1000])))
        if kind == "negative":
            return -1
        return int(self.draw(st.integers(0, 6)))

    def cursor(self, spec: Any, order_by: list[dict[str, str]] | None) -> str:
        """Garbage, or a well-formed cursor for the ordering asked (random sort values)."""
        if spec is None or (self.dirty and self.draw(st.booleans())):
            return str(self.draw(st.sampled_from(GARBAGE_CURSORS)))
        order = spec.order
        terms = ([(t["field"], t.get("direction") == "DESC") for t in order_by]
                 if order_by else list(order.default))
        if len({name for name, _ in terms}) != len(terms):
            return str(self.draw(st.sampled_from(GARBAGE_CURSORS)))
        signature = ",".join(f"{name}:{'d' if desc else 'a'}" for name, desc in terms)
        values = [self.sort_value(spec.model, order.fields[name]) for name, _ in terms]
        return encode_cursor(signature, [*values, self.draw(st.integers(0, 400))])

    def sort_value(self, model: Any, sort_field: Any) -> Any:
        """A sort key value in the cursor's JSON form, of the type of the row attribute a
        cursor carries (the model column named like the sort expression)."""
        if sort_field.nullable and self.draw(st.integers(0, 3)) == 0:
            return None
        if self.ill_typed_cursors and self.draw(st.integers(0, 3)) == 0:
            return self.draw(st.sampled_from(["abc", 1.5, True, {"d": "2026-01-01"},
                                              {"t": "2026-01-01T00:00:00"}, {"n": "abc"},
                                              {"n": "12345678901234567890.00"}]))
        key = getattr(sort_field.column, "key", None)
        column = model.__table__.c.get(key) if key else None
        column_type = getattr(sort_field.column if column is None else column, "type", None)
        if isinstance(column_type, TypeDecorator):
            column_type = column_type.impl_instance  # e.g. the UTC timestamp: a DateTime
        try:
            python_type = column_type.python_type  # type: ignore[union-attr]
        except (AttributeError, NotImplementedError):
            python_type = int
        if isinstance(python_type, type) and issubclass(python_type, Enum):
            return self.draw(st.sampled_from([m.value for m in python_type]))
        if python_type is bool:
            return self.draw(st.booleans()) if self.boolean_cursors else None
        if python_type is int:
            return self.draw(st.integers(-1, 30))
        if python_type is float:
            return self.draw(st.floats(0, 1, allow_nan=False))
        if python_type is Decimal:
            return {"n": str(self.draw(st.sampled_from(["0", "1.50", "42.00"])))}
        if python_type is datetime:
            return {"t": self.moment().isoformat()}
        if python_type is date:
            return {"d": self.day().isoformat()}
        return self.draw(st.sampled_from(["", "A", "M", "PRJ-0030", "zzz"]))

    # --- input values ------------------------------------------------------------------

    def can_generate(self, type_: GraphQLInputType) -> bool:
        named = get_named_type(type_)
        if is_enum_type(named):
            return True
        if is_input_object_type(named):
            return all(self.can_generate(f.type)
                       for f in named.fields.values()  # type: ignore[union-attr]
                       if is_required_input_field(f))
        return named.name in {"Int", "Float", "String", "Boolean", "ID", "Date", "DateTime",
                              "Decimal"}

    def value(self, type_: GraphQLInputType, hint: str) -> Any:
        """An input value in JSON form (enums by name), or OMIT when we cannot make one."""
        if not self.can_generate(type_):
            return OMIT
        if not is_non_null_type(type_) and self.draw(st.integers(0, 9)) == 0:
            return None
        nullable = get_nullable_type(type_)
        if is_list_type(nullable):
            count = self.draw(st.integers(0, 3))
            return [self.value(nullable.of_type, hint) for _ in range(count)]  # type: ignore[union-attr]
        if is_enum_type(nullable):
            return self.draw(st.sampled_from(list(nullable.values)))  # type: ignore[union-attr]
        if is_input_object_type(nullable):
            return self.input_object(nullable, max_fields=3)  # type: ignore[arg-type]
        return self.scalar(nullable.name, hint)  # type: ignore[union-attr]

    def input_object(self, type_: GraphQLInputObjectType, max_fields: int) -> dict[str, Any]:
        required = [n for n, f in type_.fields.items() if is_required_input_field(f)]
        optional = [n for n in type_.fields if n not in required]
        chosen = required + (self.draw(st.lists(st.sampled_from(optional), min_size=1,
                                                max_size=max_fields, unique=True))
                             if optional else [])
        out = {}
        for name in chosen:
            value = self.value(type_.fields[name].type, name)
            if not isinstance(value, _Omitted):
                out[name] = value
        return out

    def scalar(self, name: str, hint: str) -> Any:
        if name == "Boolean":
            return self.draw(st.booleans())
        if name == "Int":
            if hint in ("priorities", "priority"):
                return self.draw(st.integers(0, 6))
            return self.draw(st.integers(-1, 30))
        if name == "Float":
            return self.draw(st.sampled_from([0.0, 0.5, 1.0, 2.5]))
        if name == "Decimal":
            return self.draw(st.sampled_from(["0", "1.5", "1000.00", "-3"]))
        if name == "Date":
            return self.day().isoformat()
        if name == "DateTime":
            moment = self.moment()
            return self.draw(st.sampled_from([moment.isoformat(),
                                              moment.replace(tzinfo=None).isoformat(),
                                              moment.isoformat().replace("+00:00", "Z")]))
        if name == "ID":
            return self.global_id(hint)
        return self.draw(st.sampled_from(SEARCH_TERMS))

    def global_id(self, hint: str, exact: bool = False) -> str:
        """A global id for an argument named ``hint`` (or of type ``hint`` when exact)."""
        stem = hint.removesuffix("Ids").removesuffix("Id").lower()
        type_name = hint if exact else (ID_TYPES.get(stem)
                                        or self.draw(st.sampled_from(NODE_TYPES)))
        kind = self.draw(st.sampled_from(["right"] * 6
                                         + (["wrong type", "garbage"] if self.dirty else [])))
        if kind == "garbage":
            return str(self.draw(st.sampled_from(["", "nope", "UHJvamVjdDp4"])))
        if kind == "wrong type":
            type_name = self.draw(st.sampled_from([t for t in NODE_TYPES if t != type_name]))
        return str(to_global_id(type_name, self.draw(st.integers(1, 12))))

    def day(self) -> date:
        return TODAY + timedelta(days=self.draw(st.integers(-500, 500)))

    def moment(self) -> datetime:
        hour = self.draw(st.integers(0, 23))
        return datetime.combine(self.day(), time(hour), tzinfo=UTC)


def literal(value: Any, type_: GraphQLInputType) -> str:
    """``value`` (JSON form) written as a GraphQL literal of ``type_``."""
    if value is None:
        return "null"
    nullable = get_nullable_type(type_)
    if is_list_type(nullable):
        return "[" + ", ".join(literal(v, nullable.of_type) for v in value) + "]"  # type: ignore[union-attr]
    if is_input_object_type(nullable):
        fields = nullable.fields  # type: ignore[union-attr]
        return "{" + ", ".join(f"{k}: {literal(v, fields[k].type)}" for k, v in value.items()) \
            + "}"
    if is_enum_type(nullable):
        return str(value)
    return json.dumps(value)


@st.composite
def read_queries(draw: Draw, ill_typed_cursors: bool = False,
                 boolean_cursors: bool = False) -> ReadQuery:
    """A valid random read operation rooted at the declared root lists.

    ``ill_typed_cursors`` also puts values of the wrong type into well-formed cursors;
    ``boolean_cursors`` gives a boolean sort key true or false in them (else null).
    """
    return _Builder(draw, ill_typed_cursors, boolean_cursors,
                    dirty=draw(st.integers(0, 2)) == 0).query()
