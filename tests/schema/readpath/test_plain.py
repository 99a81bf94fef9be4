"""Plain completion (schema/readpath/plain.py) on a small schema of its own: the shortcuts it
takes for Int, enum and Date values give exactly what graphql-core's completion gives,
including the error for a value the scalar refuses."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import strawberry

from schema.readpath.execute import ReadPathExecutor


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    DARK_BLUE = "blue"


@strawberry.type
class Row:
    n: int
    m: int | None
    colour: Colour
    maybe: Colour | None
    name: str
    day: date | None = None


ROWS: list[Row] = []


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row]:
        return ROWS


@dataclass
class Context:
    compiled_reads: bool

    def can(self, action: str, resource: Any) -> bool:
        return True


SCHEMA = strawberry.Schema(Query, execution_context_class=ReadPathExecutor)
QUERY = "{ rows { n m colour maybe name day } }"


async def answer(compiled: bool) -> tuple[Any, list[tuple[str, list[Any]]]]:
    result = await SCHEMA.execute(QUERY, context_value=Context(compiled_reads=compiled))
    return result.data, [(e.message, e.path) for e in result.errors or []]


@pytest.mark.parametrize("rows", [
    [Row(n=1, m=None, colour=Colour.RED, maybe=None, name="a"),
     Row(n=-(2**31), m=2**31 - 1, colour=Colour.DARK_BLUE, maybe=Colour.RED, name="b")],
    [Row(n=2**31, m=3, colour=Colour.RED, maybe=None, name="too big")],
    [Row(n=True, m=None, colour=Colour.RED, maybe=None, name="a bool")],  # type: ignore[arg-type]
    [Row(n=1, m=None, colour="blue", maybe=None, name="a raw value")],  # type: ignore[arg-type]
    [Row(n=1, m=None, colour="purple", maybe=None, name="no such value")],  # type: ignore[arg-type]
    # A day's text is remembered: the same day twice, then a datetime equal to no day.
    [Row(n=1, m=None, colour=Colour.RED, maybe=None, name="a", day=date(2026, 6, 30)),
     Row(n=2, m=None, colour=Colour.RED, maybe=None, name="b", day=date(2026, 6, 30)),
     Row(n=3, m=None, colour=Colour.RED, maybe=None, name="c",
         day=datetime(2026, 6, 30, 12, tzinfo=UTC))],
    [Row(n=1, m=None, colour=Colour.RED, maybe=None, name="text", day="2026-06-30")],  # type: ignore[arg-type]
], ids=["in range", "out of range", "bool", "raw value", "unknown value", "days", "not a day"])
async def test_plain_completion_answers_as_graphql_core(rows: list[Row]) -> None:
    ROWS[:] = rows
    compiled = await answer(True)
    assert compiled == await answer(False)
    data, errors = compiled
    if data is not None:
        assert data["rows"][0]["colour"] in ("RED", "DARK_BLUE")
    if rows[0].day == date(2026, 6, 30):
        assert [row["day"] for row in data["rows"]] == [
            "2026-06-30", "2026-06-30", "2026-06-30T12:00:00+00:00"]
    if any(r.name == "too big" for r in rows):
        assert errors and "32-bit" in errors[0][0]
