"""The error-code tables of docs/api.md, written by ``pmo schema export`` and checked by
tests/schema/test_error_codes.py: ``extensions.code`` from ``server.error_codes`` and a
mutation's ``UserErrorCode`` from the schema's own descriptions."""

from __future__ import annotations

from typing import Any

from schema.base import UserErrorCode
from server.error_codes import MEANINGS, ApiErrorCode

START = "<!-- error codes: written by `pmo schema export` -->"
END = "<!-- end of error codes -->"


def tables() -> str:
    """Both tables, between their markers."""
    user: Any = UserErrorCode
    lines = [START, "Every GraphQL error has `extensions.code`:", "", "| code | meaning |",
             "|---|---|"]
    lines += [f"| `{code.value}` | {MEANINGS[code]} |" for code in ApiErrorCode]
    lines += ["", "A mutation's `userErrors { field message code }` carry a `UserErrorCode`:", "",
              "| code | meaning |", "|---|---|"]
    lines += [f"| `{value.name}` | {value.description} |"
              for value in user.__strawberry_definition__.values]
    return "\n".join([*lines, END])


def with_tables(markdown: str) -> str:
    """``markdown`` with the text between the markers replaced by ``tables()``."""
    start, end = markdown.index(START), markdown.index(END) + len(END)
    return markdown[:start] + tables() + markdown[end:]
