"""GraphQL types of the analytics answers: heat-map cells, weekly loads, rankings, scenarios."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from policies.resources import Resource
from schema.context import Info
from server.domain.analytics.capacity import WeekLoad
from server.domain.analytics.risk_exposure import HeatCell
from server.domain.analytics.strategy import Scenario
from server.domain.project.models import Project as ProjectRow

if TYPE_CHECKING:
    from schema.organisation.types import Person
    from schema.project.types import Project
    from schema.resource.allocations import Allocation

ProjectRef = Annotated["Project", strawberry.lazy("schema.project.types")]
PersonRef = Annotated["Person", strawberry.lazy("schema.organisation.types")]
AllocationRef = Annotated["Allocation", strawberry.lazy("schema.resource.allocations")]


@strawberry.type(description="One cell of the risk heat map: how many open (OPEN or "
                             "MITIGATING) risks have this probability and impact.")
class RiskHeatCell:
    probability: int = strawberry.field(description="Probability, 1 to 5.")
    impact: int = strawberry.field(description="Impact, 1 to 5.")
    score: int = strawberry.field(description="Probability x impact, 1 to 25.")
    count: int = strawberry.field(description="How many open risks fall in this cell.")

    @classmethod
    def from_cell(cls, cell: HeatCell) -> RiskHeatCell:
        return cls(probability=cell.probability, impact=cell.impact, score=cell.score,
                   count=cell.count)


@strawberry.type(description="A person's utilisation in one ISO week: the sum of the percents "
                             "of the allocations whose dates touch that week.")
class WeeklyUtilization:
    week_start: date = strawberry.field(description="The Monday that starts the ISO week.")
    iso_year: int = strawberry.field(description="The ISO week-numbering year.")
    iso_week: int = strawberry.field(description="The ISO week number, 1 to 53.")
    percent: int = strawberry.field(
        description="Percent allocated that week; above 100 is over-allocation.")

    @classmethod
    def from_load(cls, load: WeekLoad) -> WeeklyUtilization:
        return cls(week_start=load.week_start, iso_year=load.iso_year, iso_week=load.iso_week,
                   percent=load.percent)


@strawberry.type(description="A person-week above 100 % and the allocations that cause it.")
class OverAllocation:
    week_start: date = strawberry.field(description="The Monday that starts the ISO week.")
    iso_year: int = strawberry.field(description="The ISO week-numbering year.")
    iso_week: int = strawberry.field(description="The ISO week number, 1 to 53.")
    percent: int = strawberry.field(description="Percent allocated that week (over 100).")
    load: strawberry.Private[WeekLoad]

    @strawberry.field(description="The over-allocated person.")
    async def person(self, info: Info) -> PersonRef | None:
        from schema.organisation.types import Person
        from server.domain.organisation.models import Person as PersonRow

        info.context.require("read", Resource("person"))
        row = await info.context.loaders.by_id(PersonRow).load(self.load.person_id)
        return Person.from_row(row) if row else None

    @strawberry.field(description="The allocations that touch the week, earliest first.")
    def allocations(self, info: Info) -> list[AllocationRef]:
        from schema.resource.allocations import Allocation

        info.context.require("read", Resource("allocation"))
        return [Allocation.from_row(a) for a in self.load.allocations]

    @classmethod
    def from_load(cls, load: WeekLoad) -> OverAllocation:
        return cls(week_start=load.week_start, iso_year=load.iso_year, iso_week=load.iso_week,
                   percent=load.percent, load=load)


@strawberry.type(description="A project's place in its portfolio's ranking by alignment score.")
class RankedProject:
    rank: int = strawberry.field(description="1 for the best-aligned project.")
    alignment_score: Decimal = strawberry.field(
        description="Sum over the project's objectives of weight x alignment score.")
    row: strawberry.Private[Any]

    @strawberry.field(description="The ranked project.")
    def project(self) -> ProjectRef:
        from schema.project.types import Project

        return Project.from_row(self.row)


def _projects(rows: dict[int, ProjectRow], ids: list[int]) -> list[Project]:
    from schema.project.types import Project

    return [Project.from_row(rows[i]) for i in ids if i in rows]


@strawberry.type(description="The proposed and active projects of a portfolio that maximise "
                             "the total alignment score within a budget cap. The search is "
                             "exact within a fixed amount of work; `optimal` says whether this "
                             "set is proven to be the best and `scoreUpperBound` how much any "
                             "set could score at most.")
class PortfolioScenario:
    budget_cap: Decimal = strawberry.field(description="The budget the chosen projects fit in.")
    total_cost: Decimal = strawberry.field(
        description="Sum of the chosen projects' budget at completion.")
    total_alignment_score: Decimal = strawberry.field(
        description="Sum of the chosen projects' alignment scores (the maximum possible when "
                    "`optimal` is true).")
    left_out_cost: Decimal = strawberry.field(
        description="Sum of the left-out projects' budget at completion.")
    left_out_alignment_score: Decimal = strawberry.field(
        description="Sum of the left-out projects' alignment scores.")
    optimal: bool = strawberry.field(
        description="True when no set of the candidates within the cap scores more than the "
                    "chosen one (the search proves it for realistic portfolios). False when the "
                    "work limit stopped the search first: the chosen set is then the best "
                    "found, never worse than taking projects greedily by score per cost, and "
                    "`scoreUpperBound` says how far from the best it can be.")
    score_upper_bound: Decimal = strawberry.field(
        description="A proven bound: no set of the candidates within the cap scores more. "
                    "Equal to `totalAlignmentScore` when `optimal` is true.")
    scenario: strawberry.Private[Scenario]
    rows: strawberry.Private[dict[int, ProjectRow]]

    @strawberry.field(description="The projects to fund, by id.")
    def chosen(self) -> list[ProjectRef]:
        return _projects(self.rows, [c.project_id for c in self.scenario.chosen])

    @strawberry.field(description="The candidate projects left out, by id.")
    def left_out(self) -> list[ProjectRef]:
        return _projects(self.rows, [c.project_id for c in self.scenario.left_out])

    @classmethod
    def from_scenario(cls, scenario: Scenario, rows: dict[int, ProjectRow],
                      ) -> PortfolioScenario:
        return cls(budget_cap=scenario.budget_cap, total_cost=scenario.total_cost,
                   total_alignment_score=scenario.total_score,
                   left_out_cost=sum((c.cost for c in scenario.left_out), Decimal("0")),
                   left_out_alignment_score=sum((c.score for c in scenario.left_out),
                                                Decimal("0")),
                   optimal=scenario.optimal, score_upper_bound=scenario.score_upper_bound,
                   scenario=scenario, rows=rows)
