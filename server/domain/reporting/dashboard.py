"""What the PMO console's home shows: projects by health per portfolio, the open-risk heat
map, people over-allocated in the coming weeks, decisions waiting and their age, and status
reports overdue. Each figure comes with the rows behind it (``drill``), so every number on
the page can link to its list. A handful of statements however large the portfolio."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.analytics import capacity, risk_exposure
from server.domain.enums import ChangeRequestStatus, GateStatus, ProjectStatus, Rag
from server.domain.governance.models import ProjectGate
from server.domain.metrics import evm
from server.domain.organisation.models import Person
from server.domain.portfolio.models import Portfolio
from server.domain.project.models import Project
from server.domain.raid.models import ChangeRequest, StatusReport

OPEN = (ProjectStatus.PROPOSED, ProjectStatus.APPROVED, ProjectStatus.ACTIVE,
        ProjectStatus.ON_HOLD)
"""Projects the board shows: not yet completed or cancelled."""
UNKNOWN = "UNKNOWN"
HEALTHS = (Rag.GREEN.value, Rag.AMBER.value, Rag.RED.value, UNKNOWN)
WEEKS_AHEAD = 8
REPORT_EVERY = timedelta(days=7)
"""An active project reports weekly: overdue when its last period ended longer ago."""


@dataclass
class PortfolioHealth:
    portfolio_id: int
    code: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HEALTHS, 0))
    projects: dict[str, list[int]] = field(default_factory=lambda: {h: [] for h in HEALTHS})

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class OverAllocated:
    person_id: int
    name: str
    weeks: list[tuple[date, int]]

    @property
    def peak(self) -> int:
        return max(percent for _, percent in self.weeks)


@dataclass(frozen=True)
class Waiting:
    kind: str  # "gate" or "change request"
    row_id: int
    project_code: str
    title: str
    since: datetime | None
    age_days: int


@dataclass(frozen=True)
class Overdue:
    project_id: int
    code: str
    name: str
    manager: str | None
    last_period_end: date | None
    days: int | None
    """Days since the last period ended (None: never reported)."""


@dataclass
class Dashboard:
    today: date
    health: list[PortfolioHealth]
    heat: list[risk_exposure.HeatCell]
    over_allocated: list[OverAllocated]
    waiting: list[Waiting]
    overdue: list[Overdue]
    project_names: dict[int, tuple[str, str]]


async def _health(session: AsyncSession, today: date,
                  ) -> tuple[list[PortfolioHealth], dict[int, tuple[str, str]]]:
    healths = await evm.project_healths(session, [Project.status.in_(OPEN)], today)  # type: ignore[attr-defined]
    rows = (await session.exec(sa.select(  # type: ignore[call-overload]
        Project.id, Project.code, Project.name, Portfolio.id, Portfolio.code, Portfolio.name)
        .join(Portfolio, Portfolio.id == Project.portfolio_id)  # type: ignore[arg-type]
        .where(Project.status.in_(OPEN)).order_by(Portfolio.code, Project.code))).all()  # type: ignore[attr-defined]
    by_portfolio: dict[int, PortfolioHealth] = {}
    names = {}
    for pid, code, name, portfolio_id, portfolio_code, portfolio_name in rows:
        entry = by_portfolio.setdefault(portfolio_id, PortfolioHealth(
            portfolio_id, portfolio_code, portfolio_name))
        health = healths.get(pid)
        key = health.value if health is not None else UNKNOWN
        entry.counts[key] += 1
        entry.projects[key].append(pid)
        names[pid] = (code, name)
    return list(by_portfolio.values()), names


async def _over_allocated(session: AsyncSession, today: date) -> list[OverAllocated]:
    start = today - timedelta(days=today.weekday())
    loads = await capacity.over_allocations(session, start,
                                            start + timedelta(weeks=WEEKS_AHEAD, days=-1))
    weeks: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for load in loads:
        weeks[load.person_id].append((load.week_start, load.percent))
    if not weeks:
        return []
    people = dict((await session.exec(sa.select(Person.id, Person.full_name).where(  # type: ignore[call-overload]
        Person.id.in_(list(weeks))))).all())  # type: ignore[union-attr]
    found = [OverAllocated(pid, people.get(pid, f"#{pid}"), w) for pid, w in weeks.items()]
    return sorted(found, key=lambda o: (-o.peak, o.name))


async def _waiting(session: AsyncSession, now: datetime) -> list[Waiting]:
    gates = (await session.exec(sa.select(  # type: ignore[call-overload]
        ProjectGate.id, Project.code, ProjectGate.name, ProjectGate.submitted_at)
        .join(Project, Project.id == ProjectGate.project_id)  # type: ignore[arg-type]
        .where(ProjectGate.status == GateStatus.SUBMITTED))).all()
    requests = (await session.exec(sa.select(  # type: ignore[call-overload]
        ChangeRequest.id, Project.code, ChangeRequest.title, ChangeRequest.updated_at)
        .join(Project, Project.id == ChangeRequest.project_id)  # type: ignore[arg-type]
        .where(ChangeRequest.status == ChangeRequestStatus.SUBMITTED))).all()

    def age(since: datetime | None) -> int:
        return 0 if since is None else max((now - since).days, 0)
    found = [Waiting("gate", i, code, name, since, age(since)) for i, code, name, since in gates]
    found += [Waiting("change request", i, code, title, since, age(since))
              for i, code, title, since in requests]
    return sorted(found, key=lambda w: (-w.age_days, w.project_code, w.kind))


async def _overdue(session: AsyncSession, today: date) -> list[Overdue]:
    last = (sa.select(StatusReport.project_id, sa.func.max(StatusReport.period_end).label("end"))
            .group_by(StatusReport.project_id).subquery())
    rows = (await session.exec(sa.select(  # type: ignore[call-overload]
        Project.id, Project.code, Project.name, Person.full_name, last.c.end)
        .outerjoin(Person, Person.id == Project.manager_id)  # type: ignore[arg-type]
        .outerjoin(last, last.c.project_id == Project.id)
        .where(Project.status == ProjectStatus.ACTIVE,
               sa.or_(last.c.end.is_(None), last.c.end < today - REPORT_EVERY))
        .order_by(last.c.end.asc().nulls_first(), Project.code))).all()
    return [Overdue(pid, code, name, manager, end, None if end is None else (today - end).days)
            for pid, code, name, manager, end in rows]


async def dashboard(session: AsyncSession, now: datetime) -> Dashboard:
    """Everything the console's home shows, as of ``now``."""
    today = now.date()
    health, names = await _health(session, today)
    return Dashboard(today=today, health=health,
                     heat=await risk_exposure.heatmap(session),
                     over_allocated=await _over_allocated(session, today),
                     waiting=await _waiting(session, now),
                     overdue=await _overdue(session, today),
                     project_names=names)


__all__: list[Any] = ["Dashboard", "dashboard"]
