"""Root analytics queries: risk exposure, over-allocations and the portfolio scenario."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from policies.resources import Resource
from schema.analytics.fields import FromDate, ToDate, alignment_loader, check_period
from schema.analytics.types import OverAllocation, PortfolioScenario, RiskHeatCell
from schema.base import decode_id
from schema.context import Info
from schema.pagination import MAX_PAGE_SIZE, bad_input
from server.domain.analytics import capacity, risk_exposure, strategy
from server.domain.cpu import off_loop

if TYPE_CHECKING:
    from schema.raid.types import Risk

RiskRef = Annotated["Risk", strawberry.lazy("schema.raid.types")]

PortfolioIdArg = Annotated[strawberry.ID | None, strawberry.argument(
    description="Only risks of this portfolio's projects (a Portfolio global id).")]
ProjectIdArg = Annotated[strawberry.ID | None, strawberry.argument(
    description="Only risks of this project (a Project global id).")]
TopFirst = Annotated[int, strawberry.argument(
    description=f"How many risks, 0 to {MAX_PAGE_SIZE} (default 10).")]
DepartmentIdArg = Annotated[strawberry.ID | None, strawberry.argument(
    description="Only people of this department (a Department global id).")]
ScenarioPortfolioId = Annotated[strawberry.ID, strawberry.argument(
    description="The portfolio whose proposed and active projects are the candidates.")]
BudgetCap = Annotated[Decimal, strawberry.argument(
    description="The most the chosen projects' budgets at completion may add up to.")]


def _id(value: str | None, expected: str, name: str) -> int | None:
    """A global id argument's row id; BAD_USER_INPUT when it is not one of ``expected``."""
    if value is None:
        return None
    decoded = decode_id(value, expected=expected)
    if decoded is None:
        raise bad_input(f"{name} is not a valid {expected} id")
    return decoded[1]


@strawberry.type
class AnalyticsQueries:
    @strawberry.field(description="Counts of open (OPEN or MITIGATING) risks per probability x "
                                  "impact cell: all 25 cells, probability then impact "
                                  "ascending.")
    async def risk_heatmap(self, info: Info, portfolio_id: PortfolioIdArg = None,
                           project_id: ProjectIdArg = None) -> list[RiskHeatCell]:
        info.context.require("read", Resource("risk"))
        portfolio = _id(portfolio_id, "Portfolio", "portfolioId")
        project = _id(project_id, "Project", "projectId")
        async with info.context.sessions() as session:
            cells = await risk_exposure.heatmap(session, portfolio_id=portfolio,
                                                project_id=project)
        return [RiskHeatCell.from_cell(c) for c in cells]

    @strawberry.field(description="The open (OPEN or MITIGATING) risks with the highest score, "
                                  "highest first; ties by impact, then oldest.")
    async def top_risks(self, info: Info, first: TopFirst = 10) -> list[RiskRef]:
        from schema.raid.types import Risk

        info.context.require("read", Resource("risk"))
        if not 0 <= first <= MAX_PAGE_SIZE:
            raise bad_input(f"first must be between 0 and {MAX_PAGE_SIZE}")
        async with info.context.sessions() as session:
            rows = await risk_exposure.top_risks(session, first)
        return [Risk.from_row(r) for r in rows]

    @strawberry.field(description="Every person-week above 100 % between the weeks of `from` "
                                  "and `to` (at most 157 weeks), with the allocations that "
                                  "cause it; by person, then week.")
    async def over_allocations(self, info: Info, from_: FromDate, to: ToDate,
                               department_id: DepartmentIdArg = None) -> list[OverAllocation]:
        info.context.require("read", Resource("allocation"))
        check_period(from_, to)
        department = _id(department_id, "Department", "departmentId")
        async with info.context.sessions() as session:
            loads = await capacity.over_allocations(session, from_, to,
                                                    department_id=department)
        return [OverAllocation.from_load(load) for load in loads]

    @strawberry.field(description="The set of the portfolio's proposed and active projects "
                                  "with the greatest total alignment score whose budgets fit "
                                  "the cap (the cheapest such set), and those left out. Exact "
                                  "within a fixed amount of work: see `optimal`.")
    async def portfolio_scenario(self, info: Info, portfolio_id: ScenarioPortfolioId,
                                 budget_cap: BudgetCap) -> PortfolioScenario:
        info.context.require("read", Resource("portfolio"))
        info.context.require("read", Resource("project"))
        info.context.require("read", Resource("objective"))
        portfolio = _id(portfolio_id, "Portfolio", "portfolioId")
        if not budget_cap.is_finite() or budget_cap < 0:
            raise bad_input("budgetCap must be a non-negative amount")
        async with info.context.sessions() as session:
            candidates, rows = await strategy.scenario_candidates(
                session, portfolio)  # type: ignore[arg-type]
        loader = alignment_loader(info)
        for candidate in candidates:
            loader.prime(candidate.project_id, candidate.score)
        # Up to hundreds of milliseconds of search: off the event loop (server.domain.cpu).
        scenario = await off_loop(strategy.optimise, candidates, budget_cap)
        return PortfolioScenario.from_scenario(scenario, rows)

