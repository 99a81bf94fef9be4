"""The row reports: what each one lists, how it is ordered, what reading it requires and how
its rows are built. Shared by the GraphQL fields and the CSV export (``server/export.py``) so
both list the same rows with the same columns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.control.filters import CHANGE_REQUESTS, STATUS_REPORTS
from schema.governance.filters import PROJECT_GATES
from schema.listing import ListSpec, since
from schema.pagination import OrderSpec
from schema.project.filters import PROJECTS
from schema.project.history import SNAPSHOTS
from schema.raid.filters import ISSUES, RISKS
from schema.reporting.types import (
    BenefitRow,
    ChangeRequestRow,
    CostRow,
    GateDecisionRow,
    IssueRow,
    MilestoneRow,
    ProjectRow,
    RiskRow,
    SnapshotRow,
    StatusReportRow,
)
from schema.resource.benefits import BENEFITS
from schema.resource.costs import COST_ENTRIES
from schema.resource.milestones import MILESTONES
from server.domain.audit.models import ProjectSnapshot
from server.domain.governance.models import ProjectGate
from server.domain.project.models import CostEntry, Milestone, Project
from server.domain.raid.models import ChangeRequest, Issue, Risk, StatusReport
from server.domain.reporting import service
from server.domain.resource.models import Benefit

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
    base: tuple[Any, ...] = ()
    """Conditions every row of the report meets (a gate decision: a decided gate)."""

    @property
    def updated(self) -> Any:
        """The SQL of the rows' ``updatedAt``, which ``updatedSince`` compares."""
        return service.row_updated(self.model)

    def where(self, conditions: Sequence[ColumnElement[bool]], portfolio_id: int | None,
              updated_since: datetime | None) -> list[ColumnElement[bool]]:
        """The report's rows meeting ``conditions``, in the portfolio, changed since."""
        return [*self.base, *conditions, *self.in_portfolio(portfolio_id),
                *since(self.updated, updated_since)]

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


def _built(builder: Callable[[AsyncSession, Sequence[Any]], Awaitable[Sequence[Any]]],
           ) -> Build:
    """A row builder that takes no as-of day."""
    async def build(session: AsyncSession, rows: Sequence[Any], as_of: date) -> Sequence[Any]:
        return await builder(session, rows)
    return build


PROJECT_ROWS = RowReport(
    "projectRows", Project, PROJECTS.order,
    ("project", "portfolio", "program", "person", "cost_entry", "milestone", "risk", "issue",
     "project_objective", "objective", "status_report", "reference_data"),
    service.project_rows, ProjectRow, Project.id, uses_as_of=True, keys_only=True)
RISK_ROWS = RowReport("riskRows", Risk, RISKS.order,
                      ("risk", "project", "portfolio", "person", "reference_data"),
                      _built(service.risk_rows), RiskRow, Risk.project_id)
ISSUE_ROWS = RowReport("issueRows", Issue, ISSUES.order,
                       ("issue", "project", "portfolio", "person"),
                       _built(service.issue_rows), IssueRow, Issue.project_id)
MILESTONE_ROWS = RowReport("milestoneRows", Milestone, MILESTONES.order,
                           ("milestone", "project", "portfolio"),
                           _built(service.milestone_rows), MilestoneRow,
                           Milestone.project_id)

COST_ROWS = RowReport("costRows", CostEntry, COST_ENTRIES.order,
                      ("cost_entry", "project", "portfolio"),
                      _built(service.cost_rows), CostRow, CostEntry.project_id)
STATUS_REPORT_ROWS = RowReport("statusReportRows", StatusReport, STATUS_REPORTS.order,
                               ("status_report", "project", "portfolio", "person"),
                               _built(service.status_report_rows), StatusReportRow,
                               StatusReport.project_id)
GATE_DECISION_ROWS = RowReport(
    "gateDecisionRows", ProjectGate,
    OrderSpec(PROJECT_GATES.order.fields, default=[("DECIDED_AT", True)]),
    ("project_gate", "project", "portfolio", "person"),
    _built(service.gate_decision_rows), GateDecisionRow, ProjectGate.project_id,
    base=(ProjectGate.decision.is_not(None),))  # type: ignore[union-attr]
CHANGE_REQUEST_ROWS = RowReport("changeRequestRows", ChangeRequest, CHANGE_REQUESTS.order,
                                ("change_request", "project", "portfolio", "person"),
                                _built(service.change_request_rows), ChangeRequestRow,
                                ChangeRequest.project_id)
BENEFIT_ROWS = RowReport("benefitRows", Benefit, BENEFITS.order,
                         ("benefit", "project", "portfolio", "person"),
                         _built(service.benefit_rows), BenefitRow, Benefit.project_id)
SNAPSHOT_ROWS = RowReport("snapshotRows", ProjectSnapshot, SNAPSHOTS.order,
                          ("snapshot", "project", "portfolio"),
                          _built(service.snapshot_rows), SnapshotRow, ProjectSnapshot.project_id)

ROW_REPORTS: dict[str, RowReport] = {r.name: r for r in (
    PROJECT_ROWS, RISK_ROWS, ISSUE_ROWS, MILESTONE_ROWS, COST_ROWS, STATUS_REPORT_ROWS,
    GATE_DECISION_ROWS, CHANGE_REQUEST_ROWS, BENEFIT_ROWS, SNAPSHOT_ROWS)}
