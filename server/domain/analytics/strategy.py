"""Strategic alignment, portfolio ranking and the budget-capped portfolio scenario.

Alignment of a project = sum over its objectives of weight x alignment_score; a portfolio
ranks its projects by it. The scenario picks, among a portfolio's proposed and active
projects, the set with the greatest total alignment whose total BAC fits a budget cap: a 0/1
knapsack, solved exactly on whole cents and hundredths of a score within a work budget that
bounds the time any input can take (the answer says whether it is proven optimal).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.analytics import knapsack
from server.domain.enums import ProjectStatus
from server.domain.organisation.models import StrategicObjective
from server.domain.project.models import Project, ProjectObjective
from server.domain.sql import among

SCENARIO_STATUSES = (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE)
WORK_BUDGET = 250_000
"""How many search states the scenario may examine: 500 candidates take well under a second
on the development machine whatever the data (bench/scenario_bench.py), and realistic
portfolios need a small fraction of it (so their answers are proven optimal)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A project the scenario may fund: its id, cost (BAC) and alignment score."""

    project_id: int
    cost: Decimal
    score: Decimal


@dataclass(frozen=True, slots=True)
class Scenario:
    """The optimiser's answer: chosen and left-out candidates with their totals.

    ``optimal`` is true when no set within the cap scores more than the chosen one;
    ``score_upper_bound`` is proven: no set within the cap scores more than it (it equals
    the chosen score when ``optimal``).
    """

    budget_cap: Decimal
    chosen: tuple[Candidate, ...]
    left_out: tuple[Candidate, ...]
    optimal: bool
    score_upper_bound: Decimal

    @property
    def total_cost(self) -> Decimal:
        return sum((c.cost for c in self.chosen), Decimal("0"))

    @property
    def total_score(self) -> Decimal:
        return sum((c.score for c in self.chosen), Decimal("0"))


def _hundredths() -> Any:
    """Sum of objective weight x alignment score, in hundredths: weights have two decimals, so
    weight x 100 is a whole number and the sum is exact integer arithmetic on PostgreSQL and on
    SQLite (whose NUMERIC would otherwise be a float)."""
    weight = sa.cast(sa.func.round(StrategicObjective.weight * 100), sa.Integer)
    return sa.func.sum(weight * ProjectObjective.alignment_score)  # type: ignore[operator]


def alignment_sums(ids: Iterable[int]) -> sa.Subquery:
    """Per project of ``ids``: ``hundredths``, the alignment score in hundredths."""
    po: Any = ProjectObjective
    return (sa.select(po.project_id.label("pid"), _hundredths().label("hundredths"))
            .join(StrategicObjective, StrategicObjective.id == po.objective_id)
            .where(among(po.project_id, ids))
            .group_by(po.project_id).subquery("alignment"))


def alignment_of(project_id: Any) -> Any:
    """The alignment score in hundredths of the project whose id is ``project_id`` (a column of
    the enclosing statement), as a correlated subquery: a few index probes per project. (As a
    grouped derived table joined to a page of projects, PostgreSQL's generic plan, which
    guesses ten rows for ``id = ANY($ids)``, rescanned it for every project of the page.)"""
    po: Any = ProjectObjective
    return (sa.select(_hundredths()).select_from(po)
            .join(StrategicObjective, StrategicObjective.id == po.objective_id)
            .where(po.project_id == project_id).scalar_subquery())


def alignment_score(hundredths: int | None) -> Decimal:
    """The score from ``alignment_sums``' hundredths (0 for a project without objectives)."""
    return ZERO_SCORE if hundredths is None else Decimal(int(hundredths)).scaleb(-2)


ZERO_SCORE = Decimal("0")


async def alignment_scores(session: AsyncSession, project_ids: Iterable[int],
                           ) -> dict[int, Decimal]:
    """Alignment score by project id (0 for a project without objectives): one statement."""
    ids = list(project_ids)
    scores: dict[int, Decimal] = {i: ZERO_SCORE for i in ids}
    if not ids:
        return scores
    sums = alignment_sums(ids)
    for project_id, hundredths in (await (await session.connection()).execute(
            sa.select(sums.c.pid, sums.c.hundredths))).all():
        scores[project_id] = alignment_score(hundredths)
    return scores


async def portfolio_projects(session: AsyncSession, portfolio_ids: Iterable[int],
                             ) -> dict[int, list[Project]]:
    """The projects of each portfolio, by id: one statement."""
    ids = list(portfolio_ids)
    grouped: dict[int, list[Project]] = defaultdict(list)
    if ids:
        rows = (await session.exec(
            sa.select(Project).where(Project.portfolio_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(Project.id))).scalars().all()
        for row in rows:
            grouped[row.portfolio_id].append(row)
    return {i: grouped[i] for i in ids}


def rank(projects: Sequence[Project], scores: dict[int, Decimal]) -> list[Project]:
    """Projects by alignment score, highest first; ties by priority (1 first), then code."""
    return sorted(projects, key=lambda p: (-scores[p.id], p.priority, p.code))  # type: ignore[index]


async def scenario_candidates(session: AsyncSession, portfolio_id: int,
                              ) -> tuple[list[Candidate], dict[int, Project]]:
    """The portfolio's proposed and active projects as candidates, with their rows by id
    (two statements)."""
    rows = (await session.exec(
        sa.select(Project)
        .where(Project.portfolio_id == portfolio_id,  # type: ignore[arg-type]
               Project.status.in_(SCENARIO_STATUSES))  # type: ignore[attr-defined]
        .order_by(Project.id))).scalars().all()
    scores = await alignment_scores(session, (r.id for r in rows))  # type: ignore[misc]
    candidates = [Candidate(r.id, r.budget_at_completion, scores[r.id])  # type: ignore[arg-type,index]
                  for r in rows]
    return candidates, {r.id: r for r in rows}  # type: ignore[misc]


def optimise(candidates: Sequence[Candidate], budget_cap: Decimal, *,
             work_budget: int | None = None) -> Scenario:
    """The set of candidates with the greatest total score whose total cost is within the cap.

    A 0/1 knapsack on whole units (cents and hundredths of a score, or finer when the data
    is), so the answer is exact whenever it says ``optimal``, which realistic portfolios
    always get; otherwise it is the best set found within ``work_budget`` search states
    (default ``WORK_BUDGET``) with a proven bound (see ``knapsack``). Free candidates with a
    score are always chosen, a candidate that adds no score never is, and among optimal sets
    the cheapest wins.
    """
    cost_places = _places(c.cost for c in candidates)
    score_places = _places(c.score for c in candidates)
    # No set costs more than all the candidates together: clamping the cap to that keeps a
    # huge cap from becoming a huge integer.
    total = sum((c.cost for c in candidates if c.cost > 0), Decimal("0"))
    cap = min(max(budget_cap, Decimal("0")), total)
    solution = knapsack.solve([(_whole(c.cost, cost_places), _whole(c.score, score_places))
                               for c in candidates],
                              _whole(cap, cost_places),
                              WORK_BUDGET if work_budget is None else work_budget)
    return Scenario(
        budget_cap=budget_cap,
        chosen=tuple(c for i, c in enumerate(candidates) if i in solution.picked),
        left_out=tuple(c for i, c in enumerate(candidates) if i not in solution.picked),
        optimal=solution.optimal,
        score_upper_bound=Decimal(f"{solution.upper_bound}E-{score_places}"))


def _places(values: Iterable[Decimal]) -> int:
    """The decimal places that make every value a whole number: at least 2 (money and
    alignment scores have 2)."""
    return max([2, *(-int(v.as_tuple().exponent) for v in values)])


def _whole(value: Decimal, places: int) -> int:
    """A Decimal in units of 10^-places, rounded toward zero (only the cap can have finer
    digits, and rounding it down keeps every set that fits it). Integer arithmetic, since
    Decimal arithmetic would round past 28 digits."""
    sign, digits, exponent = value.as_tuple()
    coefficient, shift = int("".join(map(str, digits)) or "0"), int(exponent) + places
    whole = coefficient * 10 ** shift if shift >= 0 else coefficient // 10 ** -shift
    return -whole if sign else whole
