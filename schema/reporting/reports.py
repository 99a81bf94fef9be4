"""The row reports: what each one lists, how it is ordered, what reading it requires and how
its rows are built. Shared by the GraphQL fields and the CSV export (``server/export.py``) so
both list the same rows with the same columns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.listing import ListSpec
from schema.pagination import OrderSpec
from schema.project.filters import PROJECTS
from schema.raid.filters import ISSUES, RISKS
from schema.reporting.types import IssueRow, MilestoneRow, ProjectRow, RiskRow
from schema.resource.milestones import MILESTONES
from server.domain.project.models import Milestone, Project
from server.domain.raid.models import Issue, Risk
from server.domain.reporting import service

Build = Callable[[AsyncSession, Sequence[Any], date], Awaitable[Sequence[Any]]]


@dataclass(frozen=True)
class RowReport:
    """One row report: its table, order, required reads, row builder and GraphQL row type."""

    name: str
    model: Any
    order: OrderSpec
    reads: tuple[str, ...]
    """Policy resource types the caller must be allowed to read; the first is the rows'."""
    build: Build
    row_type: type
    project_column: Any
    uses_as_of: bool = False
    keys_only: bool = False
    """``build`` needs only the rows' ids: pages are read as the ids and sort keys."""

    @property
    def spec(self) -> ListSpec[Any]:
        """The listing of the base table, rows left as they are (``rows`` converts a page)."""
        return ListSpec(self.model, self.reads[0], self.order, lambda row: row)

    def in_portfolio(self, portfolio_id: int | None) -> list[ColumnElement[bool]]:
        """The rows of the portfolio's projects (no condition without one)."""
        return service.in_portfolio(self.project_column, portfolio_id)

    async def rows(self, session: AsyncSession, models: Sequence[Any], as_of: date,
                   ) -> Sequence[Any]:
        """The rows of ``models`` (a page or a batch), in their order: the domain rows, which
        ``row_type`` resolves as they are (its id fields make the global ids)."""
        return await self.build(session, models, as_of)


async def _risks(session: AsyncSession, rows: Sequence[Any], as_of: date) -> Sequence[Any]:
    return await service.risk_rows(session, rows)


async def _issues(session: AsyncSession, rows: Sequence[Any], as_of: date) -> Sequence[Any]:
    return await service.issue_rows(session, rows)


async def _milestones(session: AsyncSession, rows: Sequence[Any], as_of: date) -> Sequence[Any]:
    return await service.milestone_rows(session, rows)


PROJECT_ROWS = RowReport(
    "projectRows", Project, PROJECTS.order,
    ("project", "portfolio", "program", "person", "cost_entry", "milestone", "risk", "issue",
     "project_objective", "objective", "status_report", "reference_data"),
    service.project_rows, ProjectRow, Project.id, uses_as_of=True, keys_only=True)
RISK_ROWS = RowReport("riskRows", Risk, RISKS.order,
                      ("risk", "project", "portfolio", "person", "reference_data"),
                      _risks, RiskRow, Risk.project_id)
ISSUE_ROWS = RowReport("issueRows", Issue, ISSUES.order,
                       ("issue", "project", "portfolio", "person"),
                       _issues, IssueRow, Issue.project_id)
MILESTONE_ROWS = RowReport("milestoneRows", Milestone, MILESTONES.order,
                           ("milestone", "project", "portfolio"),
                           _milestones, MilestoneRow, Milestone.project_id)

ROW_REPORTS: dict[str, RowReport] = {r.name: r for r in (PROJECT_ROWS, RISK_ROWS, ISSUE_ROWS,
                                                           MILESTONE_ROWS)}
