"""What one GraphQL request may ask: refused before validation and before any resolver runs.

Depth, aliases, root fields, directives per field and operations per document are properties
of the document; the cost also depends on the variables (``first: $n``). All of them come
from one walk that analyses each fragment once and reuses its summary wherever it is spread,
so the work is linear in the document whatever its fragment structure. Strawberry's
``QueryDepthLimiter`` and ``MaxAliasesLimiter`` walk every path through every fragment: a
600-byte document of twelve fragments each spreading the previous one four times cost them
minutes of CPU. No maintained library computes these limits in linear time, nor the cost in
our connection model (Strawberry's cost estimator is an open pull request), hence this module.

The cost follows GitHub's node-limit model: each field costs 1, and a connection's selection
is multiplied by the page it asks for (``first``/``last``, else the default page size); a
plain list by ``LIST_ESTIMATE`` (``nodes(ids:)`` by the number of ids).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
)

from schema.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from server.error_codes import ApiErrorCode
from server.limits import Limits

LIST_ESTIMATE = 10
"""The rows assumed for a list field that takes no page size (e.g. ``mentions``)."""


@dataclass
class _Summary:
    depth: int = 0
    aliases: int = 0
    cost: int = 0
    fields: int = 0


@dataclass
class Measure:
    """What a request asks: its figures and the limits it passes over."""

    depth: int = 0
    aliases: int = 0
    root_fields: int = 0
    cost: int = 0
    errors: list[GraphQLError] = field(default_factory=list)


def refused(message: str, code: str, **extensions: Any) -> GraphQLError:
    """A request refused before it runs: ``extensions.code`` says which limit."""
    return GraphQLError(message, extensions={"code": code, **extensions})


# C0 control characters other than tab, line feed and carriage return (and DEL): never in
# any text this API stores or searches (PostgreSQL refuses NUL outright).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_path(value: Any, path: str = "") -> str | None:
    """Where a string in a JSON-like value holds a control character, or None."""
    if isinstance(value, str):
        return path or "value" if CONTROL.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = control_character_path(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = control_character_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _literal_text(node: Any) -> Any:
    """A literal's strings (for the control-character check), as a JSON-like value."""
    if isinstance(node, StringValueNode):
        return node.value
    if isinstance(node, ListValueNode):
        return [_literal_text(v) for v in node.values]
    if isinstance(node, ObjectValueNode):
        return {f.name.value: _literal_text(f.value) for f in node.fields}
    return None


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode,
                 variables: Mapping[str, Any] | None, limits: Limits) -> None:
        self.schema = schema
        self.variables = variables or {}
        self.limits = limits
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self.summaries: dict[str, _Summary] = {}
        self.busy: set[str] = set()
        self.most_directives = 0
        self.bad_text: str | None = None

    def fragment(self, name: str) -> _Summary:
        summary = self.summaries.get(name)
        if summary is not None:
            return summary
        definition = self.fragments.get(name)
        if definition is None or name in self.busy:
            return _Summary()  # unknown or cyclic: validation reports it
        self.busy.add(name)
        summary = self.selection_set(definition.selection_set,
                                     self.schema.get_type(definition.type_condition.name.value))
        self.busy.discard(name)
        self.summaries[name] = summary
        return summary

    def selection_set(self, selection_set: SelectionSetNode, parent: Any) -> _Summary:
        total = _Summary()
        for selection in selection_set.selections:
            self.most_directives = max(self.most_directives, len(selection.directives or ()))
            if isinstance(selection, FieldNode):
                for argument in selection.arguments or ():
                    if self.bad_text is None and isinstance(
                            argument.value, StringValueNode | ListValueNode | ObjectValueNode):
                        found = control_character_path(_literal_text(argument.value))
                        if found:
                            self.bad_text = f"{selection.name.value}({argument.name.value})"
                definition = None
                if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
                    definition = parent.fields.get(selection.name.value)
                child = _Summary()
                if selection.selection_set is not None:
                    named = get_named_type(definition.type) if definition else None
                    child = self.selection_set(selection.selection_set, named)
                # Introspection (``__schema``, ``__type``) is left out of the depth: the
                # standard introspection query nests ``ofType`` to depth 15, and graphql-core's
                # MaxIntrospectionDepthRule (a validation rule) bounds its circular parts.
                introspection = selection.name.value in ("__schema", "__type")
                total.depth = max(total.depth, 1 if introspection else 1 + child.depth)
                total.aliases += child.aliases + (1 if selection.alias else 0)
                total.cost += 1 + self.rows(selection, definition, parent) * child.cost
                total.fields += 1
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                child = self.selection_set(
                    selection.selection_set,
                    self.schema.get_type(condition.name.value) if condition else parent)
            elif isinstance(selection, FragmentSpreadNode):
                child = self.fragment(selection.name.value)
            else:  # pragma: no cover - the three kinds of selection
                continue
            total.depth = max(total.depth, child.depth)
            total.aliases += child.aliases
            total.cost += child.cost
            total.fields += child.fields
        return total

    def rows(self, node: FieldNode, definition: Any, parent: Any) -> int:
        """How many times the field's selection is resolved, at most."""
        if definition is None:
            return 1
        if "first" in definition.args or "last" in definition.args:
            sizes = [self.argument(node, name, definition) for name in ("first", "last")]
            given = [s for s in sizes if s is not None]
            return max(given) if given else DEFAULT_PAGE_SIZE
        if "ids" in definition.args:
            ids = self.value(next((a.value for a in node.arguments or ()
                                   if a.name.value == "ids"), None))
            if isinstance(ids, list):
                return max(len(ids), 1)
        wrapped = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) \
            else definition.type
        if isinstance(wrapped, GraphQLList):
            # A connection's edges and nodes are its page, counted on the connection field.
            in_connection = isinstance(parent, GraphQLObjectType) and "pageInfo" in parent.fields
            return 1 if in_connection else LIST_ESTIMATE
        return 1

    def argument(self, node: FieldNode, name: str, definition: Any) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value == name:
                value = self.value(argument.value)
                if isinstance(value, int) and not isinstance(value, bool):
                    return min(max(value, 0), MAX_PAGE_SIZE)
                return None if value is None else MAX_PAGE_SIZE
        return None

    def value(self, node: Any) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            try:
                return int(node.value)
            except ValueError:  # pragma: no cover - the lexer only makes digits
                return None
        if isinstance(node, ListValueNode):
            return list(node.values)
        return None


def measure(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
            variables: Mapping[str, Any] | None, limits: Limits) -> Measure:
    """Every figure of the operation that runs, and an error for each limit it passes over."""
    result = Measure()
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) > limits.operations:
        result.errors.append(refused(
            f"a document may hold at most {limits.operations} operations "
            f"({len(operations)} given)", ApiErrorCode.MAX_OPERATIONS_EXCEEDED))
        return result
    chosen = [o for o in operations
              if operation_name is None or (o.name is not None and o.name.value == operation_name)]
    if len(chosen) != 1:
        return result  # no such operation, or several without a name: validation says which
    operation = chosen[0]
    walk = _Walk(schema, document, variables, limits)
    root = schema.get_root_type(operation.operation)
    summary = walk.selection_set(operation.selection_set, root)
    walk.most_directives = max(walk.most_directives, len(operation.directives or ()))
    result.depth, result.aliases = summary.depth, summary.aliases
    result.root_fields, result.cost = summary.fields, summary.cost
    checks = [
        (summary.depth, limits.depth, "depth", ApiErrorCode.MAX_DEPTH_EXCEEDED),
        (summary.aliases, limits.aliases, "aliases", ApiErrorCode.MAX_ALIASES_EXCEEDED),
        (summary.fields, limits.root_fields, "root fields", ApiErrorCode.MAX_ROOT_FIELDS_EXCEEDED),
        (walk.most_directives, limits.directives, "directives on one field",
         ApiErrorCode.MAX_DIRECTIVES_EXCEEDED),
    ]
    for definition in operation.variable_definitions or ():
        if walk.bad_text is None and control_character_path(
                _literal_text(definition.default_value)):
            walk.bad_text = f"${definition.variable.name.value}"
    if walk.bad_text is not None or control_character_path(variables or {}):
        where = walk.bad_text or f"variables.{control_character_path(variables or {})}"
        result.errors.append(refused(
            f"{where}: text may not contain control characters (only tab and line breaks)",
            ApiErrorCode.BAD_USER_INPUT))
    for found, bound, what, code in checks:
        if found > bound:
            result.errors.append(refused(f"the operation has {found} {what}; at most {bound}",
                                         code))
    if summary.cost > limits.cost:
        result.errors.append(refused(
            f"the operation may cost {summary.cost}; at most {limits.cost} (each field costs 1, "
            "a connection's selection is multiplied by its page size: ask for smaller pages)",
            ApiErrorCode.MAX_COST_EXCEEDED, cost=summary.cost, maximumCost=limits.cost))
    return result
