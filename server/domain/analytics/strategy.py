"""Strategic alignment, portfolio ranking and the budget-capped portfolio scenario.

Alignment of a project = sum over its objectives of weight x alignment_score; a portfolio
ranks its projects by it. The scenario picks, among a portfolio's proposed and active
projects, the set with the greatest total alignment whose total BAC fits a budget cap: an
exact 0/1 knapsack, solved on whole cents and hundredths of a score.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import ProjectStatus
from server.domain.organisation.models import StrategicObjective
from server.domain.project.models import Project, ProjectObjective

SCENARIO_STATUSES = (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE)
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A project the scenario may fund: its id, cost (BAC) and alignment score."""

    project_id: int
    cost: Decimal
    score: Decimal


@dataclass(frozen=True, slots=True)
class Scenario:
    """The optimiser's answer: chosen and left-out candidates with their totals."""

    budget_cap: Decimal
    chosen: tuple[Candidate, ...]
    left_out: tuple[Candidate, ...]

    @property
    def total_cost(self) -> Decimal:
        return sum((c.cost for c in self.chosen), Decimal("0"))

    @property
    def total_score(self) -> Decimal:
        return sum((c.score for c in self.chosen), Decimal("0"))


async def alignment_scores(session: AsyncSession, project_ids: Iterable[int],
                           ) -> dict[int, Decimal]:
    """Alignment score by project id (0 for a project without objectives): one statement."""
    ids = list(project_ids)
    scores: dict[int, Decimal] = {i: Decimal("0") for i in ids}
    if not ids:
        return scores
    # Summed here rather than in SQL so SQLite's float arithmetic never touches a Decimal.
    query = (sa.select(ProjectObjective.project_id, StrategicObjective.weight,  # type: ignore[call-overload]
                       ProjectObjective.alignment_score)
             .join(StrategicObjective, StrategicObjective.id == ProjectObjective.objective_id)
             .where(ProjectObjective.project_id.in_(ids)))  # type: ignore[attr-defined]
    for project_id, weight, score in (await session.exec(query)).all():
        scores[project_id] += Decimal(weight) * score
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


def _units(value: Decimal) -> int:
    """A non-negative Decimal in whole hundredths, rounded down (money and scores have 2
    places, so only a finer budget cap is ever rounded, and never above itself)."""
    return int((value / _CENT).to_integral_value(ROUND_FLOOR))


def optimise(candidates: Sequence[Candidate], budget_cap: Decimal) -> Scenario:
    """The set of candidates with the greatest total score whose total cost is within the cap.

    Exact: a dynamic programme over the Pareto frontier of (cost, score) states, pruned by
    the fractional-knapsack upper bound. Among optimal sets the cheapest wins; a candidate
    that adds no score is left out.
    """
    cap = _units(max(budget_cap, Decimal("0")))
    items = [(c, _units(c.cost), _units(c.score)) for c in candidates]
    free = [c for c, cost, value in items if cost == 0 and value > 0]
    # Densest first, so the bound of what is left is tight and the greedy floor is high.
    paid = sorted(((c, cost, value) for c, cost, value in items
                   if 0 < cost <= cap and value > 0),
                  key=lambda t: (-t[2] / t[1], t[1]))
    n = len(paid)
    # Suffix prefix-sums: from item i on, cumulative cost and value in density order.
    suffix_cost: list[list[int]] = []
    suffix_value: list[list[int]] = []
    for i in range(n):
        costs, values, sc, sv = [0], [0], 0, 0
        # Built lazily below would save memory; n is a few hundred so n^2 ints is fine.
        for _, cost, value in paid[i:]:
            sc += cost
            sv += value
            costs.append(sc)
            values.append(sv)
        suffix_cost.append(costs)
        suffix_value.append(values)

    def bound(i: int, room: int) -> int:
        """An upper bound (floored) on the score items i.. can add within ``room``."""
        if i >= n:
            return 0
        costs, values = suffix_cost[i], suffix_value[i]
        k = bisect_right(costs, room) - 1  # whole items that fit
        extra = 0
        if i + k < n:
            _, cost, value = paid[i + k]
            extra = (room - costs[k]) * value // cost
        return values[k] + extra

    # A state: (cost, value, chosen as a linked list (index, previous) or None).
    State = tuple[int, int, tuple[int, object] | None]
    frontier: list[State] = [(0, 0, None)]
    # A floor to prune against: the greedy fill in density order is feasible.
    best, room = 0, cap
    for _, cost, value in paid:
        if cost <= room:
            best, room = best + value, room - cost
    for i, (_, cost, value) in enumerate(paid):
        # Both lists are sorted by cost with rising value; merge them in one pass.
        taken = [(c + cost, v + value, (i, chain)) for c, v, chain in frontier
                 if c + cost <= cap]
        kept: list[State] = []
        top = -1
        a = b = 0
        while a < len(frontier) or b < len(taken):
            if b == len(taken) or (a < len(frontier) and (frontier[a][0], -frontier[a][1])
                                   <= (taken[b][0], -taken[b][1])):
                state = frontier[a]
                a += 1
            else:
                state = taken[b]
                b += 1
            c, v, _ = state
            # Dominated (a cheaper state scores as much) or unable to reach the best: drop.
            if v > top and v + bound(i + 1, cap - c) >= best:
                kept.append(state)
                top = v
                best = max(best, v)
        frontier = kept
    winner = max(frontier, key=lambda s: (s[1], -s[0]))
    picked: set[int] = set()
    chain = winner[2]
    while chain is not None:
        index, previous = chain
        picked.add(index)
        chain = previous  # type: ignore[assignment]
    chosen_ids = {id(c) for c in free} | {id(paid[i][0]) for i in picked}
    chosen = tuple(c for c in candidates if id(c) in chosen_ids)
    left_out = tuple(c for c in candidates if id(c) not in chosen_ids)
    return Scenario(budget_cap, chosen, left_out)
