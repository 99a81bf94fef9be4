"""Capacity: a person's utilisation per ISO week and the person-weeks above 100 %.

An allocation counts in every ISO week (Monday to Sunday) its date range touches; a
person's utilisation in a week is the sum of those allocations' percents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.organisation.models import Person
from server.domain.resource.models import Allocation

WEEK = timedelta(days=7)
MAX_WEEKS = 157  # three years of weekly buckets per request


@dataclass(frozen=True, slots=True)
class WeekLoad:
    """One person's load in one ISO week, and the allocations that make it up."""

    person_id: int
    week_start: date
    percent: int
    allocations: tuple[Allocation, ...] = field(default=())

    @property
    def iso_year(self) -> int:
        return self.week_start.isocalendar().year

    @property
    def iso_week(self) -> int:
        return self.week_start.isocalendar().week


def monday(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def weeks(start: date, end: date) -> list[date]:
    """The Mondays of the ISO weeks from ``start``'s to ``end``'s, inclusive."""
    first, last = monday(start), monday(end)
    return [first + WEEK * i for i in range((last - first).days // 7 + 1)]


def week_loads(person_id: int, allocations: Iterable[Allocation], start: date, end: date,
               ) -> list[WeekLoad]:
    """Weekly buckets for one person over [start, end]; weeks without work load 0 %."""
    mondays = weeks(start, end)
    by_week: dict[date, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        for week in mondays:
            if allocation.start_date <= week + timedelta(days=6) and allocation.end_date >= week:
                by_week[week].append(allocation)
    return [WeekLoad(person_id, week, sum(a.percent for a in by_week[week]),
                     tuple(sorted(by_week[week], key=lambda a: (a.start_date, a.id or 0))))
            for week in mondays]


def over_allocated(loads: Iterable[WeekLoad]) -> list[WeekLoad]:
    """The person-weeks above 100 %."""
    return [load for load in loads if load.percent > 100]


async def allocations_of(session: AsyncSession, person_ids: Sequence[int] | None, start: date,
                         end: date, *, department_id: int | None = None,
                         ) -> dict[int, list[Allocation]]:
    """Allocations touching the weeks of [start, end], by person: one statement."""
    query = sa.select(Allocation).where(
        Allocation.start_date <= monday(end) + timedelta(days=6),  # type: ignore[arg-type]
        Allocation.end_date >= monday(start))  # type: ignore[arg-type]
    if person_ids is not None:
        query = query.where(Allocation.person_id.in_(person_ids))  # type: ignore[attr-defined]
    if department_id is not None:
        query = query.join(Person, Person.id == Allocation.person_id).where(  # type: ignore[arg-type]
            Person.department_id == department_id)  # type: ignore[arg-type]
    rows = (await session.exec(query.order_by(Allocation.person_id, Allocation.id))
            ).scalars().all()
    grouped: dict[int, list[Allocation]] = defaultdict(list)
    for row in rows:
        grouped[row.person_id].append(row)
    return grouped


async def over_allocations(session: AsyncSession, start: date, end: date, *,
                           department_id: int | None = None) -> list[WeekLoad]:
    """Every person-week above 100 % in [start, end], by person id then week."""
    grouped = await allocations_of(session, None, start, end, department_id=department_id)
    found: list[WeekLoad] = []
    for person_id in sorted(grouped):
        found.extend(over_allocated(week_loads(person_id, grouped[person_id], start, end)))
    return found
