"""Building the report rows, the portfolio summary and the portfolio trend.

Every builder takes the page (or batch) of base rows already chosen by the caller and enriches
it with a fixed number of grouped statements, whatever the number of rows: the GraphQL pages
and the CSV export's batches of 500 cost the same handful of queries. Earned value comes from
``metrics.evm`` exactly as ``Project.evm`` computes it (rounded once, as ``EarnedValue`` is).
Nothing here reads a cost rate or an email address.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.analytics.capacity import allocations_of, monday, week_loads
from server.domain.analytics.strategy import alignment_of, alignment_score
from server.domain.audit.models import ProjectSnapshot
from server.domain.base import UTCDateTime
from server.domain.enums import (
    ChangeRequestStatus,
    MilestoneStatus,
    ProjectStatus,
    Rag,
)
from server.domain.governance.models import ProjectGate, RiskCategory
from server.domain.metrics import evm
from server.domain.organisation.models import Department, Person
from server.domain.portfolio.models import Portfolio, Program
from server.domain.project.models import CostEntry, Milestone, Project
from server.domain.raid.models import (
    HIGH_RISK_SCORE,
    OPEN_ISSUE_STATUSES,
    OPEN_RISK_STATUSES,
    ChangeRequest,
    Issue,
    Risk,
    StatusReport,
)
from server.domain.reporting.changes import ALLOCATION_CHANGES, DeletedRow, overlapping
from server.domain.reporting.rows import (
    AllocationReportRow,
    BenefitReportRow,
    ChangeRequestReportRow,
    CostReportRow,
    GateDecisionReportRow,
    IssueReportRow,
    MilestoneReportRow,
    PortfolioSummaryData,
    ProjectReportRow,
    RiskReportRow,
    SnapshotReportRow,
    StatusReportReportRow,
    TrendPoint,
    ValueCount,
)
from server.domain.resource.models import Benefit
from server.domain.sql import among, latest

DONE_MILESTONE_STATUSES = (MilestoneStatus.ACHIEVED, MilestoneStatus.CANCELLED)
MAX_TREND_DAYS = 3 * 366
"""The longest trend a request may ask for: three years of daily points."""
UNKNOWN_HEALTH = "UNKNOWN"
"""The health value counted for projects whose CPI and SPI are both unknown."""


# --- conditions --------------------------------------------------------------------------

def in_portfolio(project_column: Any, portfolio_id: int | None) -> list[ColumnElement[bool]]:
    """Rows whose project (``project_column``) is in the portfolio; no condition without one."""
    if portfolio_id is None:
        return []
    projects = sa.select(Project.id).where(Project.portfolio_id == portfolio_id)  # type: ignore[arg-type]
    return [project_column.in_(projects)]


def trend_range_error(start: date, end: date) -> str | None:
    """Why a trend range is refused, or None when it is fine."""
    if start > end:
        return "from must be on or before to"
    if (end - start).days + 1 > MAX_TREND_DAYS:
        return f"a trend covers at most {MAX_TREND_DAYS} days (three years)"
    return None


# --- grouped look-ups ----------------------------------------------------------------------

async def _pairs(session: AsyncSession, statement: Any) -> dict[Any, Any]:
    return {key: value for key, value in (await session.exec(statement)).all()}  # type: ignore[call-overload]


async def _people_names(session: AsyncSession, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return await _pairs(session, sa.select(Person.id, Person.full_name)
                        .where(among(Person.id, wanted)))  # type: ignore[union-attr]


async def _count_by_project(session: AsyncSession, project_column: Any, ids: Sequence[int],
                            *where: Any) -> dict[int, int]:
    statement = (sa.select(project_column, sa.func.count())
                 .where(among(project_column, ids), *where).group_by(project_column))
    return await _pairs(session, statement)


async def raid_counts(session: AsyncSession, ids: Sequence[int], as_of: date,
                      ) -> dict[str, dict[int, int]]:
    """Per project: open risks, high open risks, open issues and milestones overdue on
    ``as_of`` (not achieved or cancelled, planned before it); four grouped statements."""
    r: Any = Risk
    m: Any = Milestone
    open_risk = r.status.in_(OPEN_RISK_STATUSES)
    return {
        "open_risks": await _count_by_project(session, r.project_id, ids, open_risk),
        "high_risks": await _count_by_project(session, r.project_id, ids, open_risk,
                                              r.score >= HIGH_RISK_SCORE),
        "open_issues": await _count_by_project(session, Issue.project_id, ids,
                                               Issue.status.in_(OPEN_ISSUE_STATUSES)),  # type: ignore[attr-defined]
        "overdue_milestones": await _count_by_project(
            session, m.project_id, ids, m.status.not_in(DONE_MILESTONE_STATUSES),
            m.planned_date < as_of),
    }


async def _last_reports(session: AsyncSession, ids: Sequence[int],
                        ) -> dict[int, tuple[date, Rag]]:
    """Each project's latest status report: (period end, overall RAG)."""
    latest = (sa.select(StatusReport.project_id,
                        sa.func.max(StatusReport.period_end).label("period_end"))
              .where(among(StatusReport.project_id, ids))  # type: ignore[attr-defined]
              .group_by(StatusReport.project_id).subquery())
    statement = (sa.select(StatusReport.project_id, StatusReport.period_end,
                           StatusReport.overall)
                 .join(latest, sa.and_(StatusReport.project_id == latest.c.project_id,  # type: ignore[arg-type]
                                       StatusReport.period_end == latest.c.period_end)))
    return {pid: (end, rag) for pid, end, rag in (await session.exec(statement)).all()}  # type: ignore[call-overload]


async def evm_figures(session: AsyncSession, projects: Sequence[Project], as_of: date,
                      ) -> dict[int, evm.EarnedValue]:
    """Each project's unrounded earned value as of ``as_of`` (two statements)."""
    ids: list[int] = [p.id for p in projects]  # type: ignore[misc]
    if not ids:
        return {}
    costs = await evm.actual_costs(session, ids, as_of)
    plans = await evm.milestone_plans(session, ids)
    return {p.id: evm.project_earned_value(p, costs[p.id], as_of, plans[p.id])  # type: ignore[index]
            for p in projects}


# --- when a row last changed ---------------------------------------------------------------

def _shown_project(project_column: Any) -> Any:
    """When the project and portfolio a row names (code, name) last changed."""
    p = sa.orm.aliased(Project, name="shown_project")
    pf = sa.orm.aliased(Portfolio, name="shown_portfolio")
    return (sa.select(latest(p.updated_at, pf.updated_at, type_=UTCDateTime()))
            .join(pf, pf.id == p.portfolio_id).where(p.id == project_column)
            .scalar_subquery())


def _shown(model: Any, key_column: Any, fallback: Any) -> Any:
    """When the row a nullable key names (a person, a category) last changed; ``fallback``
    without one."""
    shown = sa.orm.aliased(model)
    return sa.func.coalesce(sa.select(shown.updated_at).where(shown.id == key_column)
                            .scalar_subquery(), fallback, type_=UTCDateTime())


def row_updated(model: Any) -> Any:
    """The SQL of a report row's ``updatedAt`` over its base table ``model``: the latest change
    to anything the row shows. A project row: ``changed_at`` (kept by ``reporting.changes``
    for its children and the names it shows). Any other row: its own row, the project and
    portfolio it names, and the people (and risk category) it names. ``updatedSince`` filters
    on this very expression, and the rows read their value from it, so the two agree."""
    if model is Project:
        return Project.changed_at
    m: Any = model
    own = m.updated_at
    parts = [own, _shown_project(m.project_id)]
    for key in _NAMED.get(model, ()):
        target = RiskCategory if key == "category_id" else Person
        parts.append(_shown(target, getattr(m, key), own))
    return latest(*parts, type_=UTCDateTime())


_NAMED: dict[Any, tuple[str, ...]] = {
    Risk: ("category_id", "owner_id"),
    Issue: ("owner_id",),
    StatusReport: ("submitted_by_id",),
    ProjectGate: ("decided_by_id",),
    ChangeRequest: ("requested_by_id", "decided_by_id"),
    Benefit: ("owner_id",),
}
"""The keys of the rows each report row shows by name, besides its project."""


async def row_updates(session: AsyncSession, model: Any, ids: Sequence[int],
                      ) -> dict[int, Any]:
    """``row_updated`` of these rows of ``model``, by id: one statement."""
    statement = sa.select(model.id, row_updated(model)).where(among(model.id, ids))
    return await _pairs(session, statement)


# --- rows ------------------------------------------------------------------------------------

@cache
def _project_facts_statement() -> sa.Select[Any]:
    """A project row with everything else it shows, for the ids bound as ``ids`` as of
    ``as_of``: portfolio, program and people by name, AC, the RAID counts, the last status
    report and the alignment score. One statement (built once) instead of eleven round trips;
    each count is a grouped derived table over the page's ids only."""
    r: Any = Risk
    i: Any = Issue
    m: Any = Milestone
    c: Any = CostEntry
    s: Any = StatusReport
    as_of = sa.bindparam("as_of", type_=sa.Date())
    money = sa.Numeric(18, 2, asdecimal=True)
    risks = (sa.select(r.project_id.label("pid"), sa.func.count().label("open"),
                       sa.func.sum(sa.case((r.score >= HIGH_RISK_SCORE, 1), else_=0)).label("high"))
             .where(among(r.project_id, name="ids"), r.status.in_(OPEN_RISK_STATUSES))
             .group_by(r.project_id).subquery("risks"))
    issues = (sa.select(i.project_id.label("pid"), sa.func.count().label("open"))
              .where(among(i.project_id, name="ids"), i.status.in_(OPEN_ISSUE_STATUSES))
              .group_by(i.project_id).subquery("issues"))
    overdue = (sa.select(m.project_id.label("pid"), sa.func.count().label("overdue"))
               .where(among(m.project_id, name="ids"), m.status.not_in(DONE_MILESTONE_STATUSES),
                      m.planned_date < as_of)
               .group_by(m.project_id).subquery("overdue"))
    costs = (sa.select(c.project_id.label("pid"), sa.func.sum(c.amount, type_=money).label("ac"))
             .where(among(c.project_id, name="ids"), c.incurred_on <= as_of)
             .group_by(c.project_id).subquery("costs"))
    p: Any = Project
    # The latest report by the (project, period end) unique index, newest first: one index
    # probe per project (a grouped max joined back scanned every report of every project).
    last = sa.select(s.period_end, s.overall).where(s.project_id == p.id) \
        .order_by(s.period_end.desc()).limit(1)
    last_end = last.with_only_columns(s.period_end).scalar_subquery()
    last_overall = last.with_only_columns(s.overall).scalar_subquery()
    manager = sa.orm.aliased(Person, name="manager")
    sponsor = sa.orm.aliased(Person, name="sponsor")
    return (sa.select(p.id, p.code, p.name, Portfolio.code, Portfolio.name, Program.name,
                      manager.full_name, sponsor.full_name, p.status, p.priority,
                      p.health_override, p.percent_complete, p.budget_at_completion,
                      p.baseline_start, p.baseline_finish, p.forecast_finish, p.changed_at,
                      costs.c.ac, risks.c.open, risks.c.high, issues.c.open,
                      overdue.c.overdue, last_end, last_overall, alignment_of(p.id))
            .select_from(p)
            .outerjoin(Portfolio, Portfolio.id == p.portfolio_id)  # type: ignore[arg-type]
            .outerjoin(Program, Program.id == p.program_id)  # type: ignore[arg-type]
            .outerjoin(manager, manager.id == p.manager_id)
            .outerjoin(sponsor, sponsor.id == p.sponsor_id)
            .outerjoin(costs, costs.c.pid == p.id)
            .outerjoin(risks, risks.c.pid == p.id)
            .outerjoin(issues, issues.c.pid == p.id)
            .outerjoin(overdue, overdue.c.pid == p.id)
            .where(among(p.id, name="ids")))


async def project_rows(session: AsyncSession, projects: Sequence[Any],
                       as_of: date) -> list[ProjectReportRow]:
    """The report rows of ``projects`` (anything with an ``id``: Project rows or plain rows of
    the project table), in their order, earned value as of ``as_of``.

    Three statements: the project with its facts (above, alignment included), milestone
    plans and the RAG thresholds. The project's own columns are read again with its facts: a
    page's rows are unpacked by position here, which costs a tenth of reading them by name.
    """
    if not projects:
        return []
    ids: list[int] = [p.id for p in projects]
    connection = await session.connection()
    facts = {row[0]: row for row in (await connection.execute(
        _project_facts_statement(), {"ids": ids, "as_of": as_of})).all()}
    plans = await evm.milestone_plans(session, ids)
    thresholds = await evm.rag_thresholds(session)
    # Built on the event loop: a thread would not run beside it (the GIL), and handing the
    # page to one cost a tenth of the BI page's throughput when measured.
    return _project_rows(ids, facts, plans, thresholds, as_of)


def _project_rows(ids: list[int], facts: dict[int, Any], plans: dict[int, Any],
                  thresholds: Any, as_of: date) -> list[ProjectReportRow]:
    figures = evm.project_figures
    money = evm.MONEY
    zero = evm.ZERO
    rows = []
    for pid in ids:
        (_, code, name, portfolio_code, portfolio_name, program_name, manager_name,
         sponsor_name, status, priority, health_override, percent_complete, bac, start, finish,
         forecast_finish, updated_at, ac, open_risks, high_risks, open_issues, overdue,
         last_end, last_rag, alignment) = facts[pid]
        f = figures(bac, percent_complete, start, finish, zero if ac is None else Decimal(ac),
                    as_of, plans[pid], thresholds, health_override)
        rows.append(ProjectReportRow(
            pid, code, name, portfolio_code, portfolio_name, program_name, manager_name,
            sponsor_name, status, priority, f.health, percent_complete, bac, start, finish,
            forecast_finish, f.forecast_finish, as_of, f.pv, f.ev, f.ac, f.cv, f.sv, f.cpi,
            f.spi, f.eac, open_risks or 0, high_risks or 0, open_issues or 0, overdue or 0,
            alignment_score(alignment).quantize(money), last_end, last_rag, updated_at))
    return rows


async def _projects_of(session: AsyncSession, project_ids: set[int],
                       ) -> dict[int, tuple[str, str, str]]:
    """(project code, project name, portfolio code) by project id: one statement."""
    statement = (sa.select(Project.id, Project.code, Project.name, Portfolio.code)
                 .join(Portfolio, Portfolio.id == Project.portfolio_id)  # type: ignore[arg-type]
                 .where(among(Project.id, project_ids)))  # type: ignore[union-attr]
    return {pid: (code, name, pf) for pid, code, name, pf in (await session.exec(statement)).all()}  # type: ignore[call-overload]


_NO_PROJECT: tuple[None, None, None] = (None, None, None)


async def risk_rows(session: AsyncSession, risks: Sequence[Risk]) -> list[RiskReportRow]:
    """The report rows of ``risks`` (in their order): four statements."""
    if not risks:
        return []
    updated = await row_updates(session, Risk, [r.id for r in risks])  # type: ignore[misc]
    projects = await _projects_of(session, {r.project_id for r in risks})
    category_ids = {r.category_id for r in risks if r.category_id is not None}
    categories = await _pairs(session, sa.select(RiskCategory.id, RiskCategory.name)
                              .where(among(RiskCategory.id, category_ids))) if category_ids else {}  # type: ignore[union-attr]
    people = await _people_names(session, {r.owner_id for r in risks})
    out = []
    for r in risks:
        code, name, portfolio = projects.get(r.project_id, _NO_PROJECT)
        out.append(RiskReportRow(
            risk_id=r.id, project_id=r.project_id, project_code=code, project_name=name,  # type: ignore[arg-type]
            portfolio_code=portfolio, title=r.title, description=r.description,
            category=categories.get(r.category_id), probability=r.probability, impact=r.impact,
            score=r.probability * r.impact, status=r.status, response=r.response,
            response_plan=r.response_plan, owner_name=people.get(r.owner_id),  # type: ignore[arg-type]
            due_date=r.due_date, created_at=r.created_at, updated_at=updated[r.id]))  # type: ignore[index]
    return out


async def issue_rows(session: AsyncSession, issues: Sequence[Issue]) -> list[IssueReportRow]:
    """The report rows of ``issues`` (in their order): three statements."""
    if not issues:
        return []
    updated = await row_updates(session, Issue, [i.id for i in issues])  # type: ignore[misc]
    projects = await _projects_of(session, {i.project_id for i in issues})
    people = await _people_names(session, {i.owner_id for i in issues})
    out = []
    for i in issues:
        code, name, portfolio = projects.get(i.project_id, _NO_PROJECT)
        out.append(IssueReportRow(
            issue_id=i.id, project_id=i.project_id, project_code=code, project_name=name,  # type: ignore[arg-type]
            portfolio_code=portfolio, title=i.title, description=i.description,
            severity=i.severity, status=i.status, owner_name=people.get(i.owner_id),  # type: ignore[arg-type]
            due_date=i.due_date, resolved_on=i.resolved_on, resolution=i.resolution,
            source_risk_id=i.source_risk_id, created_at=i.created_at,
            updated_at=updated[i.id]))  # type: ignore[index]
    return out


def slip_days(milestone: Milestone) -> int | None:
    """Days the milestone is late (negative: early) against its baseline: the actual date
    when reached, else the forecast; None without a baseline date or either of those."""
    moved = milestone.actual_date or milestone.forecast_date
    if moved is None or milestone.baseline_date is None:
        return None
    return (moved - milestone.baseline_date).days


async def milestone_rows(session: AsyncSession, milestones: Sequence[Milestone],
                         ) -> list[MilestoneReportRow]:
    """The report rows of ``milestones`` (in their order): two statements."""
    if not milestones:
        return []
    updated = await row_updates(session, Milestone, [m.id for m in milestones])  # type: ignore[misc]
    projects = await _projects_of(session, {m.project_id for m in milestones})
    out = []
    for m in milestones:
        code, name, portfolio = projects.get(m.project_id, _NO_PROJECT)
        out.append(MilestoneReportRow(
            milestone_id=m.id, project_id=m.project_id, project_code=code, project_name=name,  # type: ignore[arg-type]
            portfolio_code=portfolio, name=m.name, status=m.status,
            planned_date=m.planned_date, baseline_date=m.baseline_date,
            forecast_date=m.forecast_date, actual_date=m.actual_date,
            planned_percent=m.planned_percent, slip_days=slip_days(m),
            created_at=m.created_at, updated_at=updated[m.id]))  # type: ignore[index]
    return out


async def _context(session: AsyncSession, model: Any, rows: Sequence[Any],
                   people: Sequence[str] = ()) -> tuple[dict[int, Any], dict[int, Any],
                                                          dict[int, str]]:
    """What every child row shows besides itself: (project code/name/portfolio by project id,
    updatedAt by row id, names of the people in ``people`` columns by person id)."""
    projects = await _projects_of(session, {r.project_id for r in rows})
    updated = await row_updates(session, model, [r.id for r in rows])
    names = await _people_names(session, {getattr(r, key) for r in rows for key in people})
    return projects, updated, names


def _days(start: Any, end: Any) -> int | None:
    """Whole days from ``start`` to ``end`` (dates or times), None without both."""
    if start is None or end is None:
        return None
    start, end = (v.date() if isinstance(v, datetime) else v for v in (start, end))
    return (end - start).days


async def cost_rows(session: AsyncSession, entries: Sequence[CostEntry]) -> list[CostReportRow]:
    """The report rows of cost entries, in their order: three statements."""
    if not entries:
        return []
    projects, updated, _ = await _context(session, CostEntry, entries)
    out = []
    for c in entries:
        code, name, portfolio = projects.get(c.project_id, _NO_PROJECT)
        out.append(CostReportRow(c.id, c.project_id, code, name, portfolio, c.incurred_on,  # type: ignore[arg-type]
                                 c.amount, c.category, c.description, c.created_at,
                                 updated[c.id]))
    return out


async def status_report_rows(session: AsyncSession, reports: Sequence[StatusReport],
                             ) -> list[StatusReportReportRow]:
    """The report rows of status reports, in their order: four statements."""
    if not reports:
        return []
    projects, updated, names = await _context(session, StatusReport, reports,
                                              ("submitted_by_id",))
    out = []
    for r in reports:
        code, name, portfolio = projects.get(r.project_id, _NO_PROJECT)
        out.append(StatusReportReportRow(
            r.id, r.project_id, code, name, portfolio, r.period_end, r.overall, r.schedule,  # type: ignore[arg-type]
            r.cost, r.scope, r.risk, r.summary, names.get(r.submitted_by_id),  # type: ignore[arg-type]
            r.submitted_at, _days(r.period_end, r.submitted_at), r.created_at, updated[r.id]))
    return out


async def gate_decision_rows(session: AsyncSession, gates: Sequence[ProjectGate],
                             ) -> list[GateDecisionReportRow]:
    """The report rows of decided gates, in their order: four statements."""
    if not gates:
        return []
    projects, updated, names = await _context(session, ProjectGate, gates, ("decided_by_id",))
    out = []
    for g in gates:
        code, name, portfolio = projects.get(g.project_id, _NO_PROJECT)
        out.append(GateDecisionReportRow(
            g.id, g.project_id, code, name, portfolio, g.sequence, g.name, g.approver_role,  # type: ignore[arg-type]
            g.decision, names.get(g.decided_by_id), g.submitted_at, g.decided_at,  # type: ignore[arg-type]
            _days(g.submitted_at, g.decided_at), g.note, updated[g.id]))
    return out


async def change_request_rows(session: AsyncSession, requests: Sequence[ChangeRequest],
                              ) -> list[ChangeRequestReportRow]:
    """The report rows of change requests, in their order: four statements."""
    if not requests:
        return []
    projects, updated, names = await _context(session, ChangeRequest, requests,
                                              ("requested_by_id", "decided_by_id"))
    out = []
    for c in requests:
        code, name, portfolio = projects.get(c.project_id, _NO_PROJECT)
        out.append(ChangeRequestReportRow(
            c.id, c.project_id, code, name, portfolio, c.title, c.status, c.cost_impact,  # type: ignore[arg-type]
            c.schedule_impact_days, names.get(c.requested_by_id),  # type: ignore[arg-type]
            names.get(c.decided_by_id), c.decided_at, _days(c.created_at, c.decided_at),  # type: ignore[arg-type]
            c.created_at, updated[c.id]))
    return out


def realized_percent(realized: Decimal, target: Decimal) -> Decimal | None:
    """Realised as a percentage of the target (one decimal); None for a zero target."""
    if target == 0:
        return None
    return (realized * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


async def benefit_rows(session: AsyncSession, benefits: Sequence[Benefit],
                       ) -> list[BenefitReportRow]:
    """The report rows of benefits, in their order: four statements."""
    if not benefits:
        return []
    projects, updated, names = await _context(session, Benefit, benefits, ("owner_id",))
    out = []
    for b in benefits:
        code, name, portfolio = projects.get(b.project_id, _NO_PROJECT)
        out.append(BenefitReportRow(
            b.id, b.project_id, code, name, portfolio, b.name, b.unit, b.target_value,  # type: ignore[arg-type]
            b.realized_value, b.realized_value - b.target_value,
            realized_percent(b.realized_value, b.target_value), b.target_date,
            names.get(b.owner_id), b.created_at, updated[b.id]))  # type: ignore[arg-type]
    return out


async def snapshot_rows(session: AsyncSession, snapshots: Sequence[ProjectSnapshot],
                        ) -> list[SnapshotReportRow]:
    """The report rows of daily project snapshots, in their order: three statements."""
    if not snapshots:
        return []
    projects, updated, _ = await _context(session, ProjectSnapshot, snapshots)
    out = []
    for s in snapshots:
        code, name, portfolio = projects.get(s.project_id, _NO_PROJECT)
        out.append(SnapshotReportRow(
            s.id, s.project_id, code, name, portfolio, s.taken_on, s.status, s.health, s.bac,  # type: ignore[arg-type]
            s.pv, s.ev, s.ac, _index(s.ev, s.ac), _index(s.ev, s.pv), s.percent_complete,
            s.open_risks, s.open_issues, updated[s.id]))
    return out


# --- allocation weeks ----------------------------------------------------------------------

HUNDRED = Decimal(100)


async def allocation_rows(session: AsyncSession, people: Sequence[tuple[int, date]],
                          start: date, end: date) -> list[AllocationReportRow]:
    """The rows of these (person id, week Monday) keys: what each person has allocated in
    each ISO week, against their capacity. Four statements, whatever the number of keys.

    A row's ``updatedAt`` is the latest of the person's (and department's) last change, of the
    allocations counted in its week, and of the deletions of the person's allocations that
    covered it: a deleted allocation changes the weeks it covered."""
    if not people:
        return []
    person_ids = sorted({pid for pid, _ in people})
    facts = {row[0]: row for row in (await session.exec(  # type: ignore[call-overload]
        sa.select(Person.id, Person.full_name, Department.name, Person.active,
                  Person.capacity_hours_per_week,
                  latest(Person.updated_at,
                         sa.func.coalesce(Department.updated_at, Person.updated_at,
                                          type_=UTCDateTime()), type_=UTCDateTime()))
        .outerjoin(Department, Department.id == Person.department_id)  # type: ignore[arg-type]
        .where(among(Person.id, person_ids)))).all()}  # type: ignore[arg-type]
    allocations = await allocations_of(session, person_ids, start, end)
    gone: dict[int, list[tuple[date, date, Any]]] = {}
    d: Any = DeletedRow
    for pid, starts, ends, at in (await session.exec(  # type: ignore[call-overload]
            sa.select(d.person_id, d.starts_on, d.ends_on, d.deleted_at)
            .where(d.entity.in_(ALLOCATION_CHANGES), among(d.person_id, person_ids),
                   *overlapping(monday(start), monday(end) + WEEK_END)))).all():
        gone.setdefault(pid, []).append((starts, ends, at))
    loads = {pid: {load.week_start: load for load in week_loads(pid, allocations.get(pid, ()),
                                                                start, end)}
             for pid in person_ids}
    out = []
    for pid, week_start in people:
        _, full_name, department, active, capacity, person_changed = facts[pid]
        load = loads[pid][week_start]
        week_end = week_start + WEEK_END
        changed = max([person_changed, *(a.updated_at for a in load.allocations),
                       *(at for s, e, at in gone.get(pid, ())
                         if s <= week_end and e >= week_start)])
        iso = week_start.isocalendar()
        percent = load.percent
        out.append(AllocationReportRow(
            pid, full_name, department, active, f"{iso.year}-W{iso.week:02d}", week_start,
            percent, Decimal(capacity).quantize(evm.MONEY),
            (Decimal(capacity) * percent / HUNDRED).quantize(evm.MONEY), percent > 100,
            max(0, percent - 100), len({a.project_id for a in load.allocations}), changed))
    return out


WEEK_END = timedelta(days=6)


# --- portfolio summary and trend ------------------------------------------------------------

async def portfolio_summary(session: AsyncSession, portfolio_id: int,
                            as_of: date) -> PortfolioSummaryData | None:
    """The portfolio at a glance as of ``as_of``; None if there is no such portfolio."""
    portfolio = await session.get(Portfolio, portfolio_id)
    if portfolio is None:
        return None
    projects = (await evm.projects_of_portfolios(session, [portfolio_id]))[portfolio_id]
    ids: list[int] = [p.id for p in projects]  # type: ignore[misc]
    figures = await evm_figures(session, projects, as_of)
    thresholds = await evm.rag_thresholds(session)
    counts = await raid_counts(session, ids, as_of) if ids else {}
    pending = int((await session.exec(sa.select(sa.func.count()).select_from(ChangeRequest)  # type: ignore[call-overload]
                                      .where(among(ChangeRequest.project_id, ids),  # type: ignore[attr-defined]
                                             ChangeRequest.status == ChangeRequestStatus.SUBMITTED)
                                      )).scalar_one()) if ids else 0
    statuses = Counter(p.status.value for p in projects)
    healths = Counter((evm.health(figures[p.id], thresholds, p.health_override)  # type: ignore[index]
                       or UNKNOWN_HEALTH) for p in projects)
    total = evm.roll_up(figures.values()).rounded()

    def summed(name: str) -> int:
        return sum(counts.get(name, {}).values())

    return PortfolioSummaryData(
        portfolio_id=portfolio_id, code=portfolio.code, name=portfolio.name, as_of=as_of,
        budget=portfolio.budget, project_count=len(projects),
        by_status=[ValueCount(s.value, statuses[s.value]) for s in ProjectStatus],
        by_health=[ValueCount(h, healths[h])
                   for h in (Rag.GREEN, Rag.AMBER, Rag.RED, UNKNOWN_HEALTH)],
        bac=total.bac, pv=total.pv, ev=total.ev, ac=total.ac, cv=total.cv, sv=total.sv,
        cpi=total.cpi, spi=total.spi, open_risks=summed("open_risks"),
        high_risks=summed("high_risks"), open_issues=summed("open_issues"),
        overdue_milestones=summed("overdue_milestones"), pending_change_requests=pending)


def _index(numerator: Decimal, divisor: Decimal) -> Decimal | None:
    if divisor == 0:
        return None
    return (numerator / divisor).quantize(evm.INDEX, rounding=ROUND_HALF_EVEN)


async def portfolio_trend(session: AsyncSession, portfolio_id: int, start: date,
                          end: date) -> list[TrendPoint]:
    """One point per day from ``start`` to ``end`` on which the portfolio's projects have
    snapshots: sums of BAC, PV, EV and AC, CPI and SPI from the sums, health and RAID counts
    added up. One grouped statement."""
    s: Any = ProjectSnapshot
    money = sa.Numeric(18, 2, asdecimal=True)

    def total(column: Any) -> Any:
        return sa.func.sum(column, type_=money)

    def rag(value: Rag) -> Any:
        return sa.func.sum(sa.case((s.health == value, 1), else_=0))

    statement = (sa.select(s.taken_on, sa.func.count(), total(s.bac), total(s.pv), total(s.ev),
                           total(s.ac), rag(Rag.RED), rag(Rag.AMBER), rag(Rag.GREEN),
                           sa.func.sum(s.open_risks), sa.func.sum(s.open_issues))
                 .join(Project, Project.id == s.project_id)  # type: ignore[arg-type]
                 .where(Project.portfolio_id == portfolio_id, s.taken_on >= start,  # type: ignore[arg-type]
                        s.taken_on <= end)
                 .group_by(s.taken_on).order_by(s.taken_on))
    points = []
    for day, n, bac, pv, ev, ac, red, amber, green, risks, issues in (
            await session.exec(statement)).all():  # type: ignore[call-overload]
        bac, pv, ev, ac = (Decimal(v).quantize(evm.MONEY) for v in (bac, pv, ev, ac))
        points.append(TrendPoint(day=day, projects=n, bac=bac, pv=pv, ev=ev, ac=ac,
                                 cpi=_index(ev, ac), spi=_index(ev, pv), red=int(red),
                                 amber=int(amber), green=int(green), open_risks=int(risks),
                                 open_issues=int(issues)))
    return points
