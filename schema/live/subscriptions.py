"""Subscriptions: changes broadcast after their transaction commits, filtered by what the
subscriber may read."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Annotated, Any

import strawberry

from policies.resources import Resource
from schema.base import decode_id
from schema.context import Info
from schema.control.types import StatusReport
from schema.pagination import bad_input
from schema.project.types import Project
from schema.raid.types import Risk
from server.domain.project.models import Project as ProjectRow
from server.domain.raid.models import Risk as RiskRow
from server.domain.raid.models import StatusReport as StatusReportRow

WatchedPortfolioArg = Annotated[strawberry.ID, strawberry.argument(
    description="The portfolio to watch (a Portfolio id): events of its projects only.")]


def _portfolio(portfolio_id: str) -> int:
    decoded = decode_id(portfolio_id, expected="Portfolio")
    if decoded is None:
        raise bad_input(f"portfolioId: {portfolio_id!r} is not a Portfolio id")
    return decoded[1]


async def _stream(info: Info, *, event_type: str, portfolio_id: str, model: Any,
                  resource_type: str, convert: Callable[[Any], Any]) -> AsyncGenerator[Any, None]:
    """Yield the changed object for each matching event the subscriber may read."""
    wanted = _portfolio(portfolio_id)
    context = info.context
    context.require("read", Resource(resource_type))
    async for event in context.broadcast.subscribe():
        if event.type != event_type or event.portfolio_id != wanted:
            continue
        if not context.can("read", Resource(resource_type)):
            continue
        # A fresh read: the per-request loaders would serve what they cached earlier.
        async with context.sessions() as session:
            row = await session.get(model, event.entity_id)
        if row is not None:
            yield convert(row)


@strawberry.type
class LiveSubscriptions:
    @strawberry.subscription(description="A project in the portfolio was created or changed.")
    async def project_changed(self, info: Info, portfolio_id: WatchedPortfolioArg,
                              ) -> AsyncGenerator[Project, None]:
        async for item in _stream(info, event_type="project.changed", portfolio_id=portfolio_id,
                                  model=ProjectRow, resource_type="project",
                                  convert=Project.from_row):
            yield item

    @strawberry.subscription(description="A status report was submitted in the portfolio.")
    async def status_report_submitted(self, info: Info, portfolio_id: WatchedPortfolioArg,
                                      ) -> AsyncGenerator[StatusReport, None]:
        async for item in _stream(info, event_type="status_report.submitted",
                                  portfolio_id=portfolio_id, model=StatusReportRow,
                                  resource_type="status_report", convert=StatusReport.from_row):
            yield item

    @strawberry.subscription(description="A risk in the portfolio was escalated to an issue.")
    async def risk_escalated(self, info: Info, portfolio_id: WatchedPortfolioArg,
                             ) -> AsyncGenerator[Risk, None]:
        async for item in _stream(info, event_type="risk.escalated", portfolio_id=portfolio_id,
                                  model=RiskRow, resource_type="risk", convert=Risk.from_row):
            yield item
