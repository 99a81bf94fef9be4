"""Earned value (docs/domain.md, "Metrics"): pure Decimal functions plus batched queries.

Planned value follows a straight line from the baseline start to the baseline finish unless
milestones say otherwise: milestones that carry a planned percent bend it (``plan_curve``).
Every figure is computed from unrounded intermediates and rounded once at the end: money to
0.01 and indexes to 0.0001, ROUND_HALF_EVEN. A ratio whose divisor is 0 (or whose input is
unknown) is None. Without both baseline dates the planned value, and what depends on it, is
None. Health bands compare the unrounded indexes with the thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import EvmMetric, Rag
from server.domain.governance.models import RagThreshold
from server.domain.project.models import CostEntry, Milestone, Project
from server.domain.sql import among

MONEY = Decimal("0.01")
INDEX = Decimal("0.0001")
ZERO = Decimal(0)
ONE = Decimal(1)
_HUNDRED = Decimal(100)
_DAY_FRACTION = Decimal("1e-9")
# Worst first: the health is the worst band of CPI and SPI.
_SEVERITY = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


@dataclass(frozen=True)
class Band:
    """A RagThreshold row: green at or above ``green_at``, amber at or above ``amber_at``."""

    green_at: Decimal
    amber_at: Decimal


@dataclass(frozen=True)
class EarnedValue:
    """Earned-value figures of a project or a roll-up, as of a date."""

    bac: Decimal
    pv: Decimal | None
    ev: Decimal
    ac: Decimal
    cv: Decimal
    sv: Decimal | None
    cpi: Decimal | None
    spi: Decimal | None
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi: Decimal | None

    def rounded(self) -> EarnedValue:
        """Money quantized to 0.01 and indexes to 0.0001, ROUND_HALF_EVEN."""
        return EarnedValue(
            bac=_q(self.bac, MONEY), pv=_qn(self.pv, MONEY), ev=_q(self.ev, MONEY),
            ac=_q(self.ac, MONEY), cv=_q(self.cv, MONEY), sv=_qn(self.sv, MONEY),
            cpi=_qn(self.cpi, INDEX), spi=_qn(self.spi, INDEX), eac=_qn(self.eac, MONEY),
            etc=_qn(self.etc, MONEY), vac=_qn(self.vac, MONEY), tcpi=_qn(self.tcpi, INDEX))


def _q(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_EVEN)


def _qn(value: Decimal | None, step: Decimal) -> Decimal | None:
    return None if value is None else _q(value, step)


def _ratio(numerator: Decimal | None, divisor: Decimal | None) -> Decimal | None:
    if numerator is None or divisor is None or divisor == 0:
        return None
    return numerator / divisor


def plan_curve(start: date, finish: date,
               milestones: Iterable[tuple[date, int]] = ()) -> list[tuple[date, int]]:
    """The planned-% points from the baseline start (0 %) to the baseline finish (100 %).

    ``milestones`` are (date, planned percent) pairs; those strictly between start and finish
    become points of the curve (the start and finish anchor 0 and 100). A milestone cannot
    un-plan work: a percent below an earlier milestone's is raised to it, and milestones on
    the same day count once with their highest percent.
    """
    inside: dict[date, int] = {}
    for day, percent in milestones:
        if start < day < finish:
            inside[day] = max(percent, inside.get(day, 0))
    points = [(start, 0)]
    for day in sorted(inside):
        points.append((day, min(max(inside[day], points[-1][1]), 100)))
    points.append((finish, 100))
    return points


def planned_fraction(as_of: date, start: date | None, finish: date | None,
                     milestones: Iterable[tuple[date, int]] = ()) -> Decimal | None:
    """The planned % (as a fraction) at ``as_of``; None without both baseline dates.

    A straight line from the baseline start to the finish, clamp((as_of - start) /
    (finish - start), 0, 1), unless milestones say otherwise: with milestones that carry a
    planned percent the line bends through them (``plan_curve``), linear between points.
    A project planned to start and finish on the same day is 0 before it and 1 from it on.
    """
    if start is None or finish is None:
        return None
    if finish <= start:
        return ONE if as_of >= finish else ZERO
    if as_of <= start:
        return ZERO
    if as_of >= finish:
        return ONE
    points = plan_curve(start, finish, milestones)
    for (day0, percent0), (day1, percent1) in zip(points, points[1:], strict=False):
        if as_of <= day1:
            span = (day1 - day0).days
            # One division, so the straight line gives exactly (as_of - start) / (finish - start).
            return (Decimal(percent0 * span + (percent1 - percent0) * (as_of - day0).days)
                    / Decimal(100 * span))
    raise AssertionError("the curve ends at the finish")  # pragma: no cover


def _ratios(bac: Decimal, pv: Decimal | None, ev: Decimal, ac: Decimal,
            ) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """CPI, SPI and EAC, unrounded."""
    cpi = _ratio(ev, ac)
    # EAC = BAC / CPI, written as BAC x AC / EV so no digits are lost to the CPI quotient.
    eac = _ratio(bac * ac, ev) if cpi is not None else None
    return cpi, _ratio(ev, pv), eac


def from_totals(bac: Decimal, pv: Decimal | None, ev: Decimal, ac: Decimal) -> EarnedValue:
    """The unrounded figures derived from BAC, PV, EV and AC (used for roll-ups too)."""
    cpi, spi, eac = _ratios(bac, pv, ev, ac)
    return EarnedValue(
        bac=bac, pv=pv, ev=ev, ac=ac, cv=ev - ac,
        sv=None if pv is None else ev - pv,
        cpi=cpi, spi=spi, eac=eac,
        etc=None if eac is None else eac - ac,
        vac=None if eac is None else bac - eac,
        tcpi=_ratio(bac - ev, bac - ac))


def _planned_and_earned(bac: Decimal, percent_complete: int, baseline_start: date | None,
                        baseline_finish: date | None, as_of: date,
                        milestones: Iterable[tuple[date, int]]) -> tuple[Decimal | None, Decimal]:
    """PV and EV, unrounded."""
    fraction = planned_fraction(as_of, baseline_start, baseline_finish, milestones)
    pv = None if fraction is None else bac * fraction
    return pv, bac * Decimal(percent_complete) / _HUNDRED


def earned_value(*, bac: Decimal, percent_complete: int, baseline_start: date | None,
                 baseline_finish: date | None, actual_cost: Decimal, as_of: date,
                 milestones: Iterable[tuple[date, int]] = ()) -> EarnedValue:
    """A project's unrounded earned value as of ``as_of`` (``actual_cost`` = AC on that day,
    ``milestones`` its (date, planned percent) pairs, see ``planned_fraction``)."""
    pv, ev = _planned_and_earned(bac, percent_complete, baseline_start, baseline_finish, as_of,
                                 milestones)
    return from_totals(bac, pv, ev, actual_cost)


def project_earned_value(project: Project, actual_cost: Decimal, as_of: date,
                         milestones: Iterable[tuple[date, int]] = ()) -> EarnedValue:
    """``earned_value`` of a project row (unrounded); ``milestones`` as ``milestone_plans``
    gives them."""
    return earned_value(bac=project.budget_at_completion,
                        percent_complete=project.percent_complete,
                        baseline_start=project.baseline_start,
                        baseline_finish=project.baseline_finish,
                        actual_cost=actual_cost, as_of=as_of, milestones=milestones)


class ProjectFigures(NamedTuple):
    """What a report row shows of a project's earned value: the figures rounded as
    ``EarnedValue.rounded`` rounds them, the health and the SPI forecast finish."""

    pv: Decimal | None
    ev: Decimal
    ac: Decimal
    cv: Decimal
    sv: Decimal | None
    cpi: Decimal | None
    spi: Decimal | None
    eac: Decimal | None
    health: Rag | None
    forecast_finish: date | None


def project_figures(bac: Decimal, percent_complete: int, baseline_start: date | None,
                    baseline_finish: date | None, actual_cost: Decimal, as_of: date,
                    milestones: Iterable[tuple[date, int]],
                    thresholds: Mapping[EvmMetric, Band],
                    override: Rag | None) -> ProjectFigures:
    """What ``earned_value``, ``EarnedValue.rounded``, ``health`` and ``forecast_finish`` give
    for one project, in one call for the report rows (hundreds a page): the same helpers, but
    no intermediate objects and only the figures a row shows rounded."""
    pv, ev = _planned_and_earned(bac, percent_complete, baseline_start, baseline_finish, as_of,
                                 milestones)
    ac = actual_cost
    cpi, spi, eac = _ratios(bac, pv, ev, ac)
    sv = None if pv is None else ev - pv
    return ProjectFigures(
        None if pv is None else pv.quantize(MONEY, ROUND_HALF_EVEN),
        ev.quantize(MONEY, ROUND_HALF_EVEN), ac.quantize(MONEY, ROUND_HALF_EVEN),
        (ev - ac).quantize(MONEY, ROUND_HALF_EVEN),
        None if sv is None else sv.quantize(MONEY, ROUND_HALF_EVEN),
        None if cpi is None else cpi.quantize(INDEX, ROUND_HALF_EVEN),
        None if spi is None else spi.quantize(INDEX, ROUND_HALF_EVEN),
        None if eac is None else eac.quantize(MONEY, ROUND_HALF_EVEN),
        override if override is not None else _worst_band(cpi, spi, thresholds),
        forecast_finish(baseline_start, baseline_finish, spi))


def forecast_finish(start: date | None, finish: date | None,
                    spi: Decimal | None) -> date | None:
    """start + (finish - start) / SPI days, rounded to the nearest day (half to even).

    None without both baseline dates or when SPI is unknown or 0. Pass the unrounded SPI.
    The quotient is first quantized to 1e-9 day so that the last digits lost in the
    unrounded SPI (36/31 gives 77.4999..) do not decide a half day.
    """
    if start is None or finish is None or spi is None or spi == 0:
        return None
    quotient = (Decimal((finish - start).days) / spi).quantize(_DAY_FRACTION)
    days = quotient.quantize(ONE, rounding=ROUND_HALF_EVEN)
    return start + timedelta(days=int(days))


def roll_up(items: Iterable[EarnedValue]) -> EarnedValue:
    """Sums of BAC, PV, EV and AC as each project shows them (to the cent), then the ratios
    from the sums: a roll-up is exactly the sum of the project figures (and report rows) it
    adds up, as a BI tool adding up the rows would find it.

    Projects without a planned value (no baseline) add nothing to PV; PV is None only when
    no project has one.
    """
    items = list(items)
    pvs = [_q(i.pv, MONEY) for i in items if i.pv is not None]
    return from_totals(sum((_q(i.bac, MONEY) for i in items), ZERO),
                       sum(pvs, ZERO) if pvs else None,
                       sum((_q(i.ev, MONEY) for i in items), ZERO),
                       sum((_q(i.ac, MONEY) for i in items), ZERO))


def band(value: Decimal | None, limits: Band | None) -> Rag | None:
    """GREEN at or above ``green_at``, AMBER at or above ``amber_at``, else RED; None if
    the index or its thresholds are unknown."""
    if value is None or limits is None:
        return None
    if value >= limits.green_at:
        return Rag.GREEN
    return Rag.AMBER if value >= limits.amber_at else Rag.RED


def health(value: EarnedValue, thresholds: Mapping[EvmMetric, Band],
           override: Rag | None = None) -> Rag | None:
    """``override`` if set, else the worst of the CPI and SPI bands (None if neither has one)."""
    if override is not None:
        return override
    return _worst_band(value.cpi, value.spi, thresholds)


def _worst_band(cpi: Decimal | None, spi: Decimal | None,
                thresholds: Mapping[EvmMetric, Band]) -> Rag | None:
    # The worse of two, written out: it runs for every row of a report page.
    by_cpi = band(cpi, thresholds.get(EvmMetric.CPI))
    by_spi = band(spi, thresholds.get(EvmMetric.SPI))
    if by_cpi is None or by_spi is None:
        return by_spi if by_cpi is None else by_cpi
    return by_cpi if _SEVERITY[by_cpi] <= _SEVERITY[by_spi] else by_spi


# --- batched queries: one statement for any number of keys ---------------------------------

async def actual_costs(session: AsyncSession, project_ids: Sequence[int],
                       as_of: date) -> dict[int, Decimal]:
    """AC per project: the sum of its cost entries incurred on or before ``as_of`` (0 if none),
    in one grouped query."""
    total = sa.func.sum(CostEntry.amount, type_=sa.Numeric(18, 2, asdecimal=True))
    statement = (sa.select(CostEntry.project_id, total)
                 .where(among(CostEntry.project_id, project_ids),  # type: ignore[attr-defined]
                        CostEntry.incurred_on <= as_of)
                 .group_by(CostEntry.project_id))
    result = await session.exec(statement)  # type: ignore[call-overload]
    sums = {pid: Decimal(amount) for pid, amount in result.all()}
    return {pid: sums.get(pid, ZERO) for pid in project_ids}


async def milestone_plans(session: AsyncSession, project_ids: Sequence[int],
                          ) -> dict[int, list[tuple[date, int]]]:
    """Each project's (date, planned percent) milestone pairs, in one query: the milestones
    that carry a planned percent, dated by their baseline date, else their planned date."""
    day = sa.func.coalesce(Milestone.baseline_date, Milestone.planned_date)
    statement = (sa.select(Milestone.project_id, day, Milestone.planned_percent)
                 .where(among(Milestone.project_id, project_ids),  # type: ignore[attr-defined]
                        Milestone.planned_percent.is_not(None))  # type: ignore[union-attr]
                 .order_by(Milestone.project_id, Milestone.id))
    plans: dict[int, list[tuple[date, int]]] = {pid: [] for pid in project_ids}
    for project_id, on, percent in (await (await session.connection()).execute(statement)).all():
        plans[project_id].append((on, percent))
    return plans


async def project_healths(session: AsyncSession, where: Sequence[Any],
                          as_of: date) -> dict[int, Rag | None]:
    """The health as of ``as_of`` (``Project.health``'s rule) of every project matching
    ``where``: four statements however many projects match."""
    p: Any = Project
    connection = await session.connection()
    projects = (await connection.execute(
        sa.select(p.id, p.budget_at_completion, p.percent_complete, p.baseline_start,
                  p.baseline_finish, p.health_override).where(*where))).all()
    ids = [row[0] for row in projects]
    if not ids:
        return {}
    costs = await actual_costs(session, ids, as_of)
    plans = await milestone_plans(session, ids)
    thresholds = await rag_thresholds(session)
    healths: dict[int, Rag | None] = {}
    for pid, bac, percent, start, finish, override in projects:
        if override is not None:
            healths[pid] = Rag(override)
            continue
        pv, ev = _planned_and_earned(bac, percent, start, finish, as_of, plans[pid])
        cpi, spi, _ = _ratios(bac, pv, ev, costs[pid])
        healths[pid] = _worst_band(cpi, spi, thresholds)
    return healths


async def projects_of_portfolios(session: AsyncSession,
                                 portfolio_ids: Sequence[int]) -> dict[int, list[Project]]:
    """Each portfolio's projects (every status), in one query."""
    statement = (sa.select(Project).where(Project.portfolio_id.in_(portfolio_ids))  # type: ignore[attr-defined]
                 .order_by(Project.id))
    rows = (await session.exec(statement)).scalars().all()  # type: ignore[call-overload]
    grouped: dict[int, list[Project]] = {pid: [] for pid in portfolio_ids}
    for row in rows:
        grouped[row.portfolio_id].append(row)
    return grouped


async def rag_thresholds(session: AsyncSession) -> dict[EvmMetric, Band]:
    """The CPI and SPI bands from the RagThreshold reference rows."""
    t: Any = RagThreshold
    rows = (await (await session.connection()).execute(
        sa.select(t.metric, t.green_at, t.amber_at))).all()
    return {EvmMetric(metric): Band(green_at, amber_at) for metric, green_at, amber_at in rows}


__all__ = ["Band", "EarnedValue", "ProjectFigures", "actual_costs", "band", "earned_value",
           "from_totals", "health", "milestone_plans", "plan_curve", "planned_fraction",
           "project_earned_value", "project_figures", "project_healths", "projects_of_portfolios",
           "rag_thresholds", "roll_up"]
