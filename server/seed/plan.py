"""A project's story before it becomes rows: when it was approved, started, stopped; how it does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from server.domain.enums import ProjectStatus, Rag
from server.seed import catalogue
from server.seed.context import SeedContext


@dataclass
class Plan:
    """Everything the child-row generators need to know about one project."""

    id: int
    code: str
    status: ProjectStatus
    manager_id: int
    sponsor_id: int
    start: date  # planned start, and the baseline start once approved
    original_finish: date  # finish of the first baseline (or of the proposal)
    approved_on: date | None
    approved_at: datetime | None  # the first gate's decision, and when baseline 1 was taken
    actual_start: date | None
    end: date | None  # last day of work so far: actual finish, hold or cancel date, or yesterday
    stopped_on: date | None  # when it was put on hold or cancelled
    spi: float  # how the project performs: EV/PV and EV/AC it drifts towards
    cpi: float
    bac: Decimal
    finish: date = date.min  # current planned finish, after approved change requests
    percent: int = 0
    team: list[int] = field(default_factory=list)
    costs: list[tuple[date, Decimal]] = field(default_factory=list)
    open_risks: int = 0
    open_issues: int = 0
    worst_risk_score: int = 0

    @property
    def duration(self) -> int:
        """Planned length in days (at least one)."""
        return max((self.finish - self.start).days, 1)

    def reached(self, fraction: float) -> date:
        """The day the work reached ``fraction`` of its scope (progress is taken as linear)."""
        assert self.actual_start is not None and self.end is not None and self.percent > 0
        span = (self.end - self.actual_start).days
        share = min(fraction * 100 / self.percent, 1)
        return self.actual_start + timedelta(days=round(span * share))

    def percent_at(self, day: date) -> float:
        """Percent complete on ``day``, interpolated from the actual start to the last work day."""
        if self.actual_start is None or self.end is None or day < self.actual_start:
            return 0.0
        if day >= self.end:
            return float(self.percent)
        span = max((self.end - self.actual_start).days, 1)
        return self.percent * (day - self.actual_start).days / span

    def planned_fraction(self, day: date) -> float:
        """The share of the baseline duration elapsed on ``day`` (the PV ratio)."""
        return min(max((day - self.start).days / self.duration, 0.0), 1.0)


def make_plan(ctx: SeedContext, *, project_id: int, code: str, status: ProjectStatus,
              manager_id: int, sponsor_id: int) -> Plan:
    """Dates and performance consistent with ``status``, relative to ``ctx.today``."""
    rng, today = ctx.rng, ctx.today
    # Most projects near plan, a tail of troubled ones: a portfolio with every RAG colour.
    spi = rng.triangular(0.72, 1.12, 1.0)
    cpi = rng.triangular(0.75, 1.15, 1.0)
    duration = rng.randint(90, 600)
    bac = ctx.money(*ctx.weighted([(40e3, 250e3), (250e3, 1.5e6), (1.5e6, 6e6)], [45, 40, 15]),
                    step=5_000)
    approved_on = actual_start = end = stopped_on = None
    if status is ProjectStatus.PROPOSED:
        start = today + ctx.days(20, 200)
    elif status is ProjectStatus.APPROVED:
        approved_on = today - ctx.days(1, 60)
        start = approved_on + ctx.days(14, 120)
    elif status is ProjectStatus.CANCELLED and ctx.chance(0.35):
        # Turned down at the first gate, before any baseline.
        stopped_on = today - ctx.days(5, 365)
        start = stopped_on + ctx.days(30, 120)
    else:
        if status is ProjectStatus.COMPLETED:
            end = today - ctx.days(5, 700)
            worked = duration * rng.uniform(0.9, 1.3)
        elif status is ProjectStatus.ACTIVE:
            # Mostly mid-flight; one in ten already past its planned finish.
            end = ctx.yesterday
            worked = max(duration * (rng.uniform(1.0, 1.15) if ctx.chance(0.1)
                                     else rng.uniform(0.08, 0.92)), 14)
        else:
            stopped_on = end = today - ctx.days(7, 120 if status is ProjectStatus.ON_HOLD else 400)
            worked = duration * rng.uniform(0.15, 0.7)
        actual_start = end - timedelta(days=round(worked))
        start = actual_start - ctx.days(0, 21)
        approved_on = start - ctx.days(10, 60)
    return Plan(
        id=project_id, code=code, status=status, manager_id=manager_id, sponsor_id=sponsor_id,
        start=start, original_finish=start + timedelta(days=duration), approved_on=approved_on,
        approved_at=ctx.at(approved_on) if approved_on else None,
        actual_start=actual_start, end=end, stopped_on=stopped_on, spi=spi, cpi=cpi, bac=bac,
    )


def settle_progress(plan: Plan) -> None:
    """Set ``percent`` from elapsed time and SPI, once change requests have fixed the finish."""
    if plan.status is ProjectStatus.COMPLETED:
        plan.percent = 100
    elif plan.actual_start is not None and plan.end is not None:
        elapsed = (plan.end - plan.start).days / plan.duration
        ceiling = 95 if plan.status is ProjectStatus.CANCELLED else 99
        plan.percent = min(max(round(100 * elapsed * plan.spi), 1), ceiling)


def band(value: float, metric: str) -> Rag:
    """The RAG band of a CPI or SPI value under the seeded thresholds."""
    green_at, amber_at = next((g, a) for m, g, a in catalogue.RAG_THRESHOLDS if m.value == metric)
    if value >= float(green_at):
        return Rag.GREEN
    return Rag.AMBER if value >= float(amber_at) else Rag.RED


RAG_ORDER = [Rag.GREEN, Rag.AMBER, Rag.RED]


def worst(*bands: Rag | None) -> Rag:
    """The worst of some RAG bands (GREEN when none is known)."""
    known = [b for b in bands if b is not None]
    return max(known, key=RAG_ORDER.index) if known else Rag.GREEN
