"""Documented connection arguments shared by this package's list fields, and filter times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from schema.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

First = Annotated[int | None, strawberry.argument(
    description=f"Return the first n rows (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).")]
After = Annotated[str | None, strawberry.argument(
    description="Start after the row with this cursor.")]
Last = Annotated[int | None, strawberry.argument(
    description=f"Return the last n rows (at most {MAX_PAGE_SIZE}).")]
Before = Annotated[str | None, strawberry.argument(
    description="End before the row with this cursor.")]


def as_utc(moment: datetime | None) -> datetime | None:
    """A filter time in UTC; one sent without an offset is taken as UTC (the API's zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
