"""``reports { allocationRows }``: one row per person per ISO week, paged by keyset.

The rows are not a table: they are every (person, week) of a window of weeks, worked out from
the allocations touching the window. Paging is by the key (person id, week) rather than
through ``ListSpec``, which pages stored rows: a page reads the next people by id (an index
range), then only their allocations, so the last page costs what the first does. Row values
that filter (over-allocated, ``updatedSince``) narrow the people in SQL first, then the rows.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.listing import ids_of
from schema.pagination import (
    DEFAULT_PAGE_SIZE,
    Connection,
    Edge,
    PageInfo,
    bad_input,
    page_request,
)
from schema.reporting.filters import AllocationRowFilter
from server.domain.analytics.capacity import MAX_WEEKS, monday, weeks
from server.domain.base import utcnow
from server.domain.organisation.models import Department, Person
from server.domain.reporting import service
from server.domain.reporting.changes import ALLOCATION_CHANGES, DeletedRow, overlapping
from server.domain.reporting.rows import AllocationReportRow
from server.domain.resource.models import Allocation

READS = ("allocation", "person", "department")
DEFAULT_WEEKS = 26
SIGNATURE = "PERSON:a,WEEK:a"
COUNT_BATCH = 5000


class WeekKeys:
    """The order of the rows, for cursors: person id, then the week's Monday."""

    signature = SIGNATURE

    @staticmethod
    def values_of(row: AllocationReportRow) -> list[Any]:
        return [row.week_start, row.person_id]


KEYS = WeekKeys()


def decode(cursor: str) -> tuple[int, date]:
    """(person id, Monday) of a cursor; BAD_USER_INPUT if it is not one of these rows'."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        week, person_id = payload["v"]
        if payload["o"] != SIGNATURE or not isinstance(person_id, int):
            raise ValueError
        week_start = date.fromisoformat(week["d"])
    except (ValueError, KeyError, TypeError, IndexError):
        raise bad_input(f"invalid cursor: {cursor!r}") from None
    if week_start.weekday() != 0 or not 0 < person_id < 2**31:
        raise bad_input(f"invalid cursor: {cursor!r}")
    return person_id, week_start


@dataclass(frozen=True)
class Window:
    """The weeks asked for and who is in them."""

    mondays: list[date]
    people: list[Any]
    """Conditions on ``person`` (filters and, for row filters, who can match at all)."""
    since: datetime | None
    over_allocated: bool | None

    @property
    def start(self) -> date:
        return self.mondays[0]

    @property
    def end(self) -> date:
        return self.mondays[-1] + timedelta(days=6)

    def keeps(self, row: AllocationReportRow) -> bool:
        if self.over_allocated is not None and row.over_allocated != self.over_allocated:
            return False
        return self.since is None or row.updated_at >= self.since

    @property
    def row_filters(self) -> bool:
        return self.since is not None or self.over_allocated is not None


def window(f: AllocationRowFilter | None, today: date | None = None) -> Window:
    """The window and conditions of a filter; BAD_USER_INPUT for a wrong one."""
    f = f or AllocationRowFilter()
    first = monday(f.week_from or today or utcnow().date())
    last = monday(f.week_to) if f.week_to else first + timedelta(weeks=DEFAULT_WEEKS - 1)
    if last < first:
        raise bad_input("weekTo must be on or after weekFrom")
    mondays = weeks(first, last)
    if len(mondays) > MAX_WEEKS:
        raise bad_input(f"allocationRows covers at most {MAX_WEEKS} weeks (three years)")
    p: Any = Person
    a: Any = Allocation
    d: Any = DeletedRow
    end = last + timedelta(days=6)
    people = [*ids_of(p.id, f.person_ids, "Person", "personIds"),
              *ids_of(p.department_id, f.department_ids, "Department", "departmentIds")]
    if f.active is not None:
        people.append(p.active.is_(f.active))
    in_window = (a.person_id == p.id, a.start_date <= end, a.end_date >= first)
    if f.over_allocated:
        people.append(sa.exists().where(*in_window))
    since = f.updated_since
    if since is not None:
        department = (sa.select(Department.updated_at)
                      .where(Department.id == p.department_id).scalar_subquery())
        people.append(sa.or_(
            p.updated_at >= since, department >= since,
            sa.exists().where(*in_window, a.updated_at >= since),
            sa.exists().where(d.entity.in_(ALLOCATION_CHANGES), d.person_id == p.id,
                              d.deleted_at >= since, *overlapping(first, end))))
    return Window(mondays, people, since, f.over_allocated)


async def _people(session: AsyncSession, w: Window, after: int | None, limit: int,
                  backwards: bool, inclusive: bool) -> list[int]:
    p: Any = Person
    query = sa.select(p.id).where(*w.people)
    if after is not None:
        if backwards:
            query = query.where(p.id <= after if inclusive else p.id < after)
        else:
            query = query.where(p.id >= after if inclusive else p.id > after)
    query = query.order_by(p.id.desc() if backwards else p.id).limit(limit)
    return list((await session.exec(query)).scalars().all())  # type: ignore[call-overload]


async def rows_from(session: AsyncSession, w: Window, cursor: tuple[int, date] | None,
                    wanted: int, backwards: bool = False) -> tuple[list[AllocationReportRow], bool]:
    """Up to ``wanted`` rows after (or, backwards, before) ``cursor``, in paging order, and
    whether more follow. Reads people in chunks sized to fill the page."""
    per_person = len(w.mondays)
    chunk = max(1, math.ceil((wanted + 1) / per_person)) * (4 if w.row_filters else 1)
    chunk = min(chunk, 500)
    out: list[AllocationReportRow] = []
    position: int | None = cursor[0] if cursor else None
    inclusive = cursor is not None
    while True:
        people = await _people(session, w, position, chunk, backwards, inclusive)
        if not people:
            return out, False
        mondays = list(reversed(w.mondays)) if backwards else w.mondays
        keys = [(pid, week) for pid in people for week in mondays
                if cursor is None or _beyond((pid, week), cursor, backwards)]
        for row in await service.allocation_rows(session, keys, w.start, w.end):
            if w.keeps(row):
                if len(out) == wanted:
                    return out, True
                out.append(row)
        if len(people) < chunk:
            return out, False
        position, inclusive = people[-1], False


def _beyond(key: tuple[int, date], cursor: tuple[int, date], backwards: bool) -> bool:
    return key < cursor if backwards else key > cursor


async def connection(sessions: Any, f: AllocationRowFilter | None, first: int | None,
                     after: str | None, last: int | None, before: str | None,
                     ) -> Connection[AllocationReportRow]:
    """A page of allocation rows as a Relay connection."""
    page_request(KEYS, first=first, after=after, last=last, before=before)  # type: ignore[arg-type] - checks the sizes
    w = window(f)
    backwards = last is not None
    cursor = decode(before) if backwards and before else decode(after) if after else None
    stop = decode(after) if backwards and after else decode(before) if before and not backwards \
        else None
    limit = last if backwards else (first if first is not None else DEFAULT_PAGE_SIZE)
    async with sessions() as session:
        rows, more = await rows_from(session, w, cursor, limit, backwards)
    if stop is not None:  # both after and before: the rows between them
        kept = [r for r in rows if _beyond((r.person_id, r.week_start), stop, not backwards)]
        more = more and len(kept) == len(rows)
        rows = kept
    if backwards:
        rows.reverse()
    edges = [Edge(node=row, ordering=KEYS, row=row) for row in rows]
    has_next = (before is not None) if backwards else more
    has_previous = more if backwards else (after is not None)

    async def count() -> int:
        async with sessions() as session:
            if not w.row_filters:
                people = (await session.exec(  # type: ignore[call-overload]
                    sa.select(sa.func.count()).select_from(Person).where(*w.people))).scalar_one()
                return int(people) * len(w.mondays)
            total, position = 0, None
            while True:
                batch, more_rows = await rows_from(session, w, position, COUNT_BATCH)
                total += len(batch)
                if not more_rows:
                    return total
                position = (batch[-1].person_id, batch[-1].week_start)

    return Connection(edges=edges, page_info=PageInfo(has_next_page=has_next,
                                                      has_previous_page=has_previous,
                                                      edges=edges), count=count)


async def batches(sessions: Any, f: AllocationRowFilter | None, size: int,
                  ) -> AsyncIterator[Sequence[AllocationReportRow]]:
    """Every row, ``size`` at a time, each batch in its own short session (the CSV export)."""
    w = window(f)
    position: tuple[int, date] | None = None
    while True:
        async with sessions() as session:
            batch, more = await rows_from(session, w, position, size)
        yield batch
        if not more:
            return
        position = (batch[-1].person_id, batch[-1].week_start)
