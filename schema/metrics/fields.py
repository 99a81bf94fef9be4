"""Earned value on Project and Portfolio (merged into those types as base classes).

AC comes from one grouped query per request and date, however many projects or portfolios
the query shows; the thresholds and a portfolio's projects are loaded the same way.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from policies.resources import Resource
from schema.context import Info
from schema.enums import Rag
from schema.metrics.types import AsOf, EarnedValue
from server.domain.base import utcnow
from server.domain.enums import EvmMetric
from server.domain.enums import Rag as RagValue
from server.domain.metrics import evm as evm_domain
from server.domain.project.models import Project as ProjectRow


def _actual_cost_loader(info: Info, as_of: date) -> DataLoader[int, Decimal]:
    """AC by project id as of ``as_of``: one grouped query per batch."""
    def build() -> DataLoader[int, Decimal]:
        async def load(ids: list[int]) -> list[Decimal]:
            async with info.context.sessions() as session:
                costs = await evm_domain.actual_costs(session, ids, as_of)
            return [costs[i] for i in ids]
        return DataLoader(load_fn=load)
    return info.context.loaders.keyed(("metrics.actual_cost", as_of), build)  # type: ignore[no-any-return]


def _plan_loader(info: Info) -> DataLoader[int, list[tuple[date, int]]]:
    """Each project's milestone (date, planned percent) pairs: one query per batch."""
    def build() -> DataLoader[int, list[tuple[date, int]]]:
        async def load(ids: list[int]) -> list[list[tuple[date, int]]]:
            async with info.context.sessions() as session:
                plans = await evm_domain.milestone_plans(session, ids)
            return [plans[i] for i in ids]
        return DataLoader(load_fn=load)
    return info.context.loaders.keyed(("metrics.plans",), build)  # type: ignore[no-any-return]


async def _thresholds(info: Info) -> dict[EvmMetric, evm_domain.Band]:
    def build() -> DataLoader[int, dict[EvmMetric, evm_domain.Band]]:
        async def load(keys: list[int]) -> list[dict[EvmMetric, evm_domain.Band]]:
            async with info.context.sessions() as session:
                bands = await evm_domain.rag_thresholds(session)
            return [bands for _ in keys]
        return DataLoader(load_fn=load)
    loader = info.context.loaders.keyed(("metrics.thresholds",), build)
    return await loader.load(0)  # type: ignore[no-any-return]


async def _portfolio_projects(info: Info, portfolio_id: int) -> list[ProjectRow]:
    def build() -> DataLoader[int, list[ProjectRow]]:
        async def load(ids: list[int]) -> list[list[ProjectRow]]:
            async with info.context.sessions() as session:
                grouped = await evm_domain.projects_of_portfolios(session, ids)
            return [grouped[i] for i in ids]
        return DataLoader(load_fn=load)
    loader = info.context.loaders.keyed(("metrics.portfolio_projects",), build)
    return await loader.load(portfolio_id)  # type: ignore[no-any-return]


async def _project_figures(info: Info, row: ProjectRow, as_of: date) -> evm_domain.EarnedValue:
    actual, plan = await asyncio.gather(_actual_cost_loader(info, as_of).load(row.id),  # type: ignore[arg-type]
                                        _plan_loader(info).load(row.id))  # type: ignore[arg-type]
    return evm_domain.project_earned_value(row, actual, as_of, plan)


def _today() -> date:
    return utcnow().date()


@strawberry.type
class MetricsProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="Earned value as of a date (default: today, UTC).")
    async def evm(self, info: Info, as_of: AsOf = None) -> EarnedValue | None:
        info.context.require("read", Resource("project"))
        day = as_of or _today()
        figures = await _project_figures(info, self.row, day)
        health = evm_domain.health(figures, await _thresholds(info), self.row.health_override)
        finish = evm_domain.forecast_finish(self.row.baseline_start, self.row.baseline_finish,
                                            figures.spi)
        return EarnedValue.from_figures(day, figures, health, finish)

    @strawberry.field(description="Health today: the health override if set, else the worst "
                                  "of the CPI and SPI bands (null when neither is known).")
    async def health(self, info: Info) -> Rag | None:  # type: ignore[valid-type]
        info.context.require("read", Resource("project"))
        override: RagValue | None = self.row.health_override
        if override is not None:
            return override
        figures = await _project_figures(info, self.row, _today())
        return evm_domain.health(figures, await _thresholds(info))


@strawberry.type
class MetricsPortfolioFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="Earned value of all the portfolio's projects as of a date "
                                  "(default: today, UTC): sums of BAC, PV, EV and AC, then the "
                                  "variances and indexes from those sums.")
    async def evm(self, info: Info, as_of: AsOf = None) -> EarnedValue | None:
        info.context.require("read", Resource("portfolio"))
        day = as_of or _today()
        projects = await _portfolio_projects(info, self.row.id)
        ids = [p.id for p in projects]
        costs, plans = await asyncio.gather(_actual_cost_loader(info, day).load_many(ids),
                                            _plan_loader(info).load_many(ids))
        figures = evm_domain.roll_up(evm_domain.project_earned_value(p, ac, day, plan)
                                     for p, ac, plan in zip(projects, costs, plans, strict=True))
        return EarnedValue.from_figures(day, figures,
                                        evm_domain.health(figures, await _thresholds(info)))
