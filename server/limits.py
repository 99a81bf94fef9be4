"""The bounds of one GraphQL request (``PMO_MAX_*`` settings), checked by ``schema.limits``.

Here, apart from the checks, so that settings can name the defaults without importing the
schema.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """The bounds of one request (``PMO_MAX_*`` settings)."""

    depth: int = 12
    """The longest chain of nested fields; a root field is at depth 1."""
    aliases: int = 30
    """Aliased fields in the operation, counted through every fragment spread."""
    root_fields: int = 20
    """Fields selected at the root of the operation (through fragments too)."""
    directives: int = 5
    """Directives on one field, fragment spread or inline fragment."""
    operations: int = 10
    """Operation definitions in one document (only one runs; the rest is parsed for nothing)."""
    tokens: int = 5_000
    """Lexical tokens in the document: the parser stops past this many."""
    cost: int = 200_000
    """The most a single operation may cost (see the module's description)."""
    variables_bytes: int = 100_000
    """The request's variables, as JSON."""
