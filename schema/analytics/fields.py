"""Analytics fields on Project, Portfolio and Person (merged into those types as bases).

Each field goes through a per-request DataLoader, so a list of projects, portfolios or
people costs one statement per field, not one per row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader

from policies.resources import Resource
from schema.analytics.types import RankedProject, WeeklyUtilization
from schema.context import Info
from schema.pagination import bad_input
from server.domain.analytics import capacity, strategy
from server.domain.project.models import Project as ProjectRow

FromDate = Annotated[date, strawberry.argument(
    name="from", description="First day of the period; its whole ISO week is included.")]
ToDate = Annotated[date, strawberry.argument(
    description="Last day of the period; its whole ISO week is included.")]


def alignment_loader(info: Info) -> DataLoader[int, Decimal]:
    """Alignment score by project id: one grouped statement per batch."""
    def build() -> DataLoader[int, Decimal]:
        async def load(ids: list[int]) -> list[Decimal]:
            async with info.context.sessions() as session:
                scores = await strategy.alignment_scores(session, ids)
            return [scores[i] for i in ids]
        return DataLoader(load_fn=load)
    return info.context.loaders.keyed(("analytics.alignment",), build)  # type: ignore[no-any-return]


def _portfolio_projects_loader(info: Info) -> DataLoader[int, list[ProjectRow]]:
    def build() -> DataLoader[int, list[ProjectRow]]:
        async def load(ids: list[int]) -> list[list[ProjectRow]]:
            async with info.context.sessions() as session:
                grouped = await strategy.portfolio_projects(session, ids)
            return [grouped[i] for i in ids]
        return DataLoader(load_fn=load)
    return info.context.loaders.keyed(("analytics.portfolio_projects",), build)  # type: ignore[no-any-return]


def check_period(start: date, end: date) -> None:
    """BAD_USER_INPUT unless ``start <= end`` and the period spans at most MAX_WEEKS weeks."""
    if end < start:
        raise bad_input("to must not be before from")
    if len(capacity.weeks(start, end)) > capacity.MAX_WEEKS:
        raise bad_input(f"the period may span at most {capacity.MAX_WEEKS} weeks")


def _allocations_loader(info: Info, start: date, end: date,
                        ) -> DataLoader[int, list[Any]]:
    def build() -> DataLoader[int, list[Any]]:
        async def load(ids: list[int]) -> list[list[Any]]:
            async with info.context.sessions() as session:
                grouped = await capacity.allocations_of(session, ids, start, end)
            return [grouped.get(i, []) for i in ids]
        return DataLoader(load_fn=load)
    return info.context.loaders.keyed(("analytics.allocations", start, end), build)  # type: ignore[no-any-return]


@strawberry.type
class AnalyticsProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="Strategic alignment: the sum over the project's objectives "
                                  "of the objective's weight x the alignment score (0-5).")
    async def alignment_score(self, info: Info) -> Decimal:
        info.context.require("read", Resource("project"))
        info.context.require("read", Resource("objective"))
        return await alignment_loader(info).load(self.row.id)  # type: ignore[no-any-return]


@strawberry.type
class AnalyticsPortfolioFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The portfolio's projects ranked by alignment score, highest "
                                  "first; ties by priority (1 first), then code.")
    async def ranking(self, info: Info) -> list[RankedProject]:
        info.context.require("read", Resource("project"))
        info.context.require("read", Resource("objective"))
        projects = await _portfolio_projects_loader(info).load(self.row.id)
        scores = dict(zip([p.id for p in projects],
                          await alignment_loader(info).load_many([p.id for p in projects]),
                          strict=True))
        return [RankedProject(rank=n, alignment_score=scores[p.id], row=p)
                for n, p in enumerate(strategy.rank(projects, scores), start=1)]


@strawberry.type
class AnalyticsPersonFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="Percent allocated in each ISO week from the week of `from` "
                                  "to the week of `to` (at most 157 weeks), zero-filled.")
    async def utilization(
        self, info: Info,
        from_: FromDate, to: ToDate,
    ) -> list[WeeklyUtilization]:
        info.context.require("read", Resource("allocation"))
        check_period(from_, to)
        allocations = await _allocations_loader(info, from_, to).load(self.row.id)
        return [WeeklyUtilization.from_load(load)
                for load in capacity.week_loads(self.row.id, allocations, from_, to)]
