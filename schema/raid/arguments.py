"""Documented connection arguments (a shared home such as ``schema.pagination`` would suit)."""

from __future__ import annotations

from typing import Annotated

import strawberry

First = Annotated[int | None, strawberry.argument(
    description="Return the first n rows after `after` (0-500, default 50).")]
After = Annotated[str | None, strawberry.argument(
    description="Start after this cursor (an edge's `cursor`).")]
Last = Annotated[int | None, strawberry.argument(
    description="Return the last n rows before `before` (0-500).")]
Before = Annotated[str | None, strawberry.argument(
    description="End before this cursor (an edge's `cursor`).")]

