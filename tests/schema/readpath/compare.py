"""Comparing two executions of one operation: same data, and the same errors up to what
graphql-core's timing decides (see ``assert_same_answer``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.schema.readpath.conftest import ErrorKey, Outcome


def trimmed(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, default=repr)
    return text if len(text) <= limit else text[:limit] + "..."


def first_difference(compiled: Any, standard: Any, path: str = "data") -> str | None:
    """Where two responses first differ (key order included), with both values trimmed."""
    if isinstance(compiled, dict) and isinstance(standard, dict):
        if list(compiled) != list(standard):
            return f"{path}: keys {list(compiled)} != {list(standard)}"
        for key in compiled:
            found = first_difference(compiled[key], standard[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(compiled, list) and isinstance(standard, list):
        if len(compiled) != len(standard):
            return f"{path}: {len(compiled)} items != {len(standard)}"
        for i, (a, b) in enumerate(zip(compiled, standard, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    if compiled != standard or type(compiled) is not type(standard):
        return f"{path}: compiled {trimmed(compiled)} != standard {trimmed(standard)}"
    return None


def nulled_at(data: Any, path: list[Any]) -> str | None:
    """Where an error at ``path`` left its mark on the response: None when its own field is
    there (null), else the null an ancestor became when a non-null field failed below it."""
    value = data
    for depth, key in enumerate(path):
        if value is None:
            return json.dumps(path[:depth])
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return json.dumps(path[:depth])
    return None


def split_errors(outcome: Outcome) -> tuple[list[ErrorKey], dict[str, set[ErrorKey]]]:
    """Errors at fields present in the response, and errors under each propagated null."""
    located: list[ErrorKey] = []
    swallowed: dict[str, set[ErrorKey]] = {}
    for error in outcome.errors:
        path = json.loads(error[1])
        where = None if path is None else nulled_at(outcome.data, path)
        if where is None:
            located.append(error)
        else:
            swallowed.setdefault(where, set()).add(error)
    return located, swallowed


def assert_same_answer(compiled: Outcome, standard: Outcome, who: str) -> None:
    """Equal data (key order included) and equal errors (message, path, code).

    One allowance, for graphql-core rather than the read path: when a non-null field fails,
    the executor nulls its nearest nullable ancestor and cancels the ancestor's other pending
    fields, so which errors beneath that null get reported depends on timing. Several fields
    beneath one null may fail on their own (two bad arguments in two subtrees): the compiled
    path checks the arguments of the lists it planned up front, the standard executor each as
    it reaches it, so the first failure, and the errors reported, may differ. Beneath each
    such null the paths must then share the kind of error that nulled it (its code), not all
    of them, nor the same one.
    """
    difference = first_difference(compiled.data, standard.data)
    assert difference is None, f"data differ for {who}: {difference}"
    located, swallowed = split_errors(compiled)
    expected_located, expected_swallowed = split_errors(standard)
    shown = (f"\n compiled: {trimmed(compiled.errors, 3000)}"
             f"\n standard: {trimmed(standard.errors, 3000)}")
    assert located == expected_located, f"errors differ for {who}:{shown}"
    assert swallowed.keys() == expected_swallowed.keys(), (
        f"errors under different nulls for {who}:{shown}")
    for where, errors in swallowed.items():
        assert codes_of(errors) & codes_of(expected_swallowed[where]), (
            f"no error code in common under the null at {where} for {who}:{shown}")


def codes_of(errors: set[ErrorKey]) -> set[str]:
    return {code for _message, _path, code in errors}
