"""The generator's shared state: one random stream, ids, taken unique values, pending rows."""

from __future__ import annotations

import copy
import functools
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")
Row = dict[str, Any]
CENT = Decimal("0.01")

# Insert order: every table comes after the tables its foreign keys point to.
TABLE_ORDER = [
    "department", "person", "casbin_rule", "strategic_objective", "project_type",
    "risk_category", "rag_threshold", "setting", "governance_template", "gate_template",
    "checklist_item_template", "document_template", "portfolio", "program", "project",
    "project_baseline", "milestone", "cost_entry", "project_objective", "project_gate",
    "project_checklist_item", "risk", "issue", "assumption", "dependency", "change_request",
    "status_report", "allocation", "benefit", "lesson", "stakeholder", "project_snapshot",
    "notification_preference", "comment", "notification",
]


@dataclass
class Existing:
    """What the database already holds, so a forced seed adds rows without clashing."""

    next_ids: dict[str, int] = field(default_factory=dict)
    # table -> values already used in its unique text column (codes, emails, names)
    taken: dict[str, set[str]] = field(default_factory=dict)
    # reference table -> natural key -> id, reused rather than duplicated
    reference_ids: dict[str, dict[str, int]] = field(default_factory=dict)
    demo_people: dict[str, int] = field(default_factory=dict)  # email -> id
    role_rules: set[tuple[str, str]] = field(default_factory=set)  # (subject, role)
    # the demo accounts' notification preferences: (person id, kind, channel) -> enabled
    preferences: dict[tuple[int, str, str], bool] = field(default_factory=dict)


class SeedContext:
    """Everything generators share; all randomness comes from ``rng``."""

    def __init__(self, *, seed: int, today: date, existing: Existing) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        # When rows were recorded: a stream of its own, so that dating them changes none of
        # the other generated values.
        self.history = random.Random(f"history-{seed}")
        self.today = today
        # Decisions and submissions happen by yesterday at the latest: no timestamp in the future.
        self.yesterday = today - timedelta(days=1)
        self.existing = existing
        self.rows: defaultdict[str, list[Row]] = defaultdict(list)
        self._next_ids = dict(existing.next_ids)
        self._taken = {table: set(values) for table, values in existing.taken.items()}
        self._counters: defaultdict[str, int] = defaultdict(int)

    def stream(self, name: str) -> SeedContext:
        """This context drawing from a stream of its own (same ids, rows and taken values).

        A generator added later draws from its own stream so the rows the older ones make
        for a seed stay exactly as they were.
        """
        other = copy.copy(self)
        other.rng = random.Random(f"{self.seed}:{name}")
        return other

    def new_id(self, table: str) -> int:
        """The next free primary key of ``table``."""
        value = self._next_ids.get(table, 1)
        self._next_ids[table] = value + 1
        return value

    def add(self, table: str, row: Row) -> None:
        """Queue ``row`` for insertion into ``table``."""
        self.rows[table].append(row)

    def unique(self, table: str, value: str, variant: Callable[[int], str]) -> str:
        """``value``, or ``variant(2)``, ``variant(3)``, ... if it is already taken in ``table``."""
        taken = self._taken.setdefault(table, set())
        candidate, n = value, 1
        while candidate in taken:
            n += 1
            candidate = variant(n)
        taken.add(candidate)
        return candidate

    def numbered(self, table: str, pattern: str) -> str:
        """The next free code like ``PRJ-0042`` from a ``str.format`` pattern with one number."""
        taken = self._taken.setdefault(table, set())
        while True:
            self._counters[table] += 1
            candidate = pattern.format(self._counters[table])
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    # Random helpers, all drawing from the one seeded stream.

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.rng.random() < p

    def pick(self, options: Sequence[T]) -> T:
        """One element of ``options``."""
        return options[self.rng.randrange(len(options))]

    def weighted(self, options: Sequence[T], weights: Sequence[float]) -> T:
        """One element of ``options``, drawn with ``weights``."""
        return self.rng.choices(options, weights)[0]

    def days(self, low: int, high: int) -> timedelta:
        """A whole number of days between ``low`` and ``high`` inclusive."""
        return timedelta(days=self.rng.randint(low, high))

    def between(self, start: date, end: date) -> date:
        """A date in ``[start, end]`` (``start`` when the range is empty)."""
        span = (end - start).days
        return start if span <= 0 else start + timedelta(days=self.rng.randint(0, span))

    def at(self, day: date) -> datetime:
        """A working-hours UTC timestamp on ``day``."""
        return datetime(day.year, day.month, day.day, self.rng.randint(8, 17),
                        self.rng.randrange(0, 60, 5), tzinfo=UTC)

    def recorded(self, first: date, last: date) -> datetime:
        """When a row was recorded: a working-hours moment between ``first`` and ``last`` (by
        yesterday at the latest), from the history stream."""
        last = min(last, self.yesterday)
        first = min(first, last)
        day = first + timedelta(days=self.history.randint(0, (last - first).days))
        return datetime(day.year, day.month, day.day, self.history.randint(8, 17),
                        self.history.randrange(0, 60, 5), tzinfo=UTC)

    def money(self, low: float, high: float, step: int = 1) -> Decimal:
        """An amount between ``low`` and ``high``, rounded to a multiple of ``step``."""
        return Decimal(round(self.rng.uniform(low, high) / step) * step).quantize(CENT)


def suffixed(value: str, template: str = "{}-{}") -> Callable[[int], str]:
    """Variants of ``value`` for ``SeedContext.unique``: ``X-2``, ``X-3``, ... by default."""
    return functools.partial(template.format, value)


def to_money(value: float | Decimal) -> Decimal:
    """A money value: Decimal with exactly two places (floats only ever come from the generator)."""
    if isinstance(value, float):
        return Decimal(round(value * 100)).scaleb(-2)
    return value.quantize(CENT)


def month_ends(start: date, end: date) -> list[date]:
    """Every last day of a month in ``[start, end]``."""
    result: list[date] = []
    year, month = start.year, start.month
    while True:
        last = _last_day(year, month)
        if last > end:
            return result
        if last >= start:
            result.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_segments(start: date, end: date) -> list[tuple[date, date]]:
    """``[start, end]`` cut at month boundaries: one ``(first, last)`` pair per month."""
    segments = []
    first = start
    while first <= end:
        last = min(_last_day(first.year, first.month), end)
        segments.append((first, last))
        first = last + timedelta(days=1)
    return segments


def _last_day(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)
