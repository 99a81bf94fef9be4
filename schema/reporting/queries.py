"""``reports { ... }``: flat rows, the portfolio summary and trend, through the one enforcer."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy.sql.elements import ColumnElement

from policies.resources import Resource
from schema.base import decode_id
from schema.context import Info
from schema.control.filters import (
    ChangeRequestFilterArg,
    ChangeRequestOrderArg,
    StatusReportFilterArg,
    StatusReportOrderArg,
    change_request_conditions,
    status_report_conditions,
)
from schema.governance.filters import ProjectGateOrderArg
from schema.listing import ListSpec, refined, root_connection
from schema.metrics.types import AsOf
from schema.pagination import After, Before, Connection, First, Last, bad_input
from schema.project.filters import ProjectFilterArg, ProjectOrderArg, project_conditions
from schema.project.health import HEALTH_TERMS
from schema.project.history import ProjectSnapshotOrderArg
from schema.raid.filters import (
    IssueFilterArg,
    IssueOrderArg,
    RiskFilterArg,
    RiskOrderArg,
    issue_conditions,
    risk_conditions,
)
from schema.readpath.execute import reading_connection
from schema.reporting import allocations, deleted
from schema.reporting.filters import (
    AllocationRowFilterArg,
    GateDecisionFilterArg,
    SnapshotFilterArg,
    gate_decision_conditions,
    snapshot_conditions,
)
from schema.reporting.reports import (
    BENEFIT_ROWS,
    CHANGE_REQUEST_ROWS,
    COST_ROWS,
    GATE_DECISION_ROWS,
    ISSUE_ROWS,
    MILESTONE_ROWS,
    PROJECT_ROWS,
    RISK_ROWS,
    SNAPSHOT_ROWS,
    STATUS_REPORT_ROWS,
    RowReport,
)
from schema.reporting.types import (
    AllocationRow,
    BenefitRow,
    ChangeRequestRow,
    CostRow,
    GateDecisionRow,
    IssueRow,
    MilestoneRow,
    PortfolioSummary,
    PortfolioTrendPoint,
    ProjectRow,
    RiskRow,
    SnapshotRow,
    StatusReportRow,
    ValueCount,
    from_data,
)
from schema.resource.benefits import BenefitFilterArg, BenefitOrderArg, benefit_conditions
from schema.resource.costs import CostEntryFilterArg, CostEntryOrderArg, cost_entry_conditions
from schema.resource.milestones import MilestoneFilterArg, MilestoneOrderArg, milestone_conditions
from server.domain.base import utcnow
from server.domain.reporting import service

F = TypeVar("F")
PortfolioArg = Annotated[strawberry.ID | None, strawberry.argument(
    description="Only rows of this portfolio's projects (a Portfolio global id).")]
SUMMARY_READS = ("portfolio", "project", "cost_entry", "milestone", "risk", "issue",
                 "change_request", "reference_data")
TREND_READS = ("snapshot", "portfolio", "project")


def today() -> date:
    """Today (UTC), the default ``asOf``."""
    return utcnow().date()


def portfolio_row_id(value: str | None, argument: str = "portfolioId") -> int | None:
    """The row id behind a Portfolio global id; BAD_USER_INPUT for anything else."""
    if value is None:
        return None
    decoded = decode_id(value, expected="Portfolio")
    if decoded is None:
        raise bad_input(f"{argument}: {value!r} is not a Portfolio id")
    return decoded[1]


def require_reads(info: Info, resource_types: Sequence[str]) -> None:
    """FORBIDDEN unless the caller may read every one of these types."""
    for resource_type in resource_types:
        info.context.require("read", Resource(resource_type))


def split_since(f: F) -> tuple[F, datetime | None]:
    """The filter without ``updatedSince``, and ``updatedSince``: a report compares it with
    its rows' ``updatedAt`` (everything the row shows), not the base table's ``updated_at``."""
    moment = getattr(f, "updated_since", None)
    if moment is None:
        return f, None
    return dataclasses.replace(f, updated_since=None), moment  # type: ignore[type-var]


async def row_connection(info: Info, report: RowReport, where: list[ColumnElement[bool]],
                         portfolio: str | None, updated_since: datetime | None,
                         order_by: Sequence[Any] | None,
                         first: int | None, after: str | None, last: int | None,
                         before: str | None, as_of: date | None = None,
                         spec: ListSpec[Any] | None = None) -> Connection[Any]:
    """A page of a row report: the base rows by keyset, then built in one batch.

    ``spec``: the listing to page by when not the report's own (refined, e.g. by health)."""
    require_reads(info, report.reads)
    where = report.where(where, portfolio_row_id(portfolio), updated_since)
    # One pooled connection in autocommit for the page and everything its rows show: no
    # BEGIN and ROLLBACK round trips around statements that only read.
    async with reading_connection(info.context, info.context.report_sessions) as bind:
        connection = await root_connection(info, spec or report.spec, where, order_by,
                                           first, after, last, before, plain_rows=True,
                                           keys_only=report.keys_only, bind=bind,
                                           sessions=info.context.report_sessions)
        async with info.context.report_sessions(bind=bind) as session:
            rows = await report.rows(session, [edge.node for edge in connection.edges],
                                     as_of or today())
    for edge, row in zip(connection.edges, rows, strict=True):
        edge.node = row
    return connection


@strawberry.type(description="Reports for BI tools and dashboards: flat, paginated rows (also "
                             "as CSV at /export/<report>.csv), a portfolio summary and a "
                             "portfolio trend. Each requires read access to every kind of "
                             "data it shows.")
class Reports:
    @strawberry.field(description="One row per project: people and portfolio by name, earned "
                                  "value as of a day, RAID counts, last status report. Same "
                                  "filter and orderBy as `projects`; at most 500 per page.")
    async def project_rows(self, info: Info, filter: ProjectFilterArg = None,
                           order_by: ProjectOrderArg = None,
                           portfolio_id: PortfolioArg = None, as_of: AsOf = None,
                           first: First = None, after: After = None, last: Last = None,
                           before: Before = None) -> Connection[ProjectRow]:
        require_reads(info, PROJECT_ROWS.reads)  # before any health is worked out
        filter, updated_since = split_since(filter)
        spec, where = await refined(info, HEALTH_TERMS, PROJECT_ROWS.spec,
                                    project_conditions(filter), filter, order_by,
                                    as_of or today())
        return await row_connection(info, PROJECT_ROWS, where, portfolio_id, updated_since,
                                    order_by, first, after, last, before, as_of, spec)

    @strawberry.field(description="One row per risk with its project, portfolio, category and "
                                  "owner by name. Same filter and orderBy as `risks`.")
    async def risk_rows(self, info: Info, filter: RiskFilterArg = None,
                        order_by: RiskOrderArg = None, portfolio_id: PortfolioArg = None,
                        first: First = None, after: After = None, last: Last = None,
                        before: Before = None) -> Connection[RiskRow]:
        filter, updated_since = split_since(filter)
        return await row_connection(info, RISK_ROWS, risk_conditions(filter), portfolio_id,
                                    updated_since, order_by, first, after, last, before)

    @strawberry.field(description="One row per issue with its project, portfolio and owner by "
                                  "name. Same filter and orderBy as `issues`.")
    async def issue_rows(self, info: Info, filter: IssueFilterArg = None,
                         order_by: IssueOrderArg = None, portfolio_id: PortfolioArg = None,
                         first: First = None, after: After = None, last: Last = None,
                         before: Before = None) -> Connection[IssueRow]:
        filter, updated_since = split_since(filter)
        return await row_connection(info, ISSUE_ROWS, issue_conditions(filter), portfolio_id,
                                    updated_since, order_by, first, after, last, before)

    @strawberry.field(description="One row per milestone with its project and portfolio and "
                                  "its slip against the baseline. Same filter and orderBy as "
                                  "`Project.milestones`.")
    async def milestone_rows(self, info: Info, filter: MilestoneFilterArg = None,
                             order_by: MilestoneOrderArg = None,
                             portfolio_id: PortfolioArg = None, first: First = None,
                             after: After = None, last: Last = None,
                             before: Before = None) -> Connection[MilestoneRow]:
        filter, updated_since = split_since(filter)
        return await row_connection(info, MILESTONE_ROWS, milestone_conditions(filter),
                                    portfolio_id, updated_since, order_by, first, after, last,
                                    before)

    @strawberry.field(description="One row per cost entry with its project and portfolio. "
                                  "Same filter and orderBy as `Project.costs`.")
    async def cost_rows(self, info: Info, filter: CostEntryFilterArg = None,
                        order_by: CostEntryOrderArg = None, portfolio_id: PortfolioArg = None,
                        first: First = None, after: After = None, last: Last = None,
                        before: Before = None) -> Connection[CostRow]:
        filter, updated_since = split_since(filter)
        return await row_connection(info, COST_ROWS, cost_entry_conditions(filter),
                                    portfolio_id, updated_since, order_by, first, after, last,
                                    before)

    @strawberry.field(description="One row per status report with its RAGs, who submitted it "
                                  "and how many days after its period. Same filter and "
                                  "orderBy as `statusReports`.")
    async def status_report_rows(self, info: Info, filter: StatusReportFilterArg = None,
                                 order_by: StatusReportOrderArg = None,
                                 portfolio_id: PortfolioArg = None, first: First = None,
                                 after: After = None, last: Last = None,
                                 before: Before = None) -> Connection[StatusReportRow]:
        filter, updated_since = split_since(filter)
        return await row_connection(info, STATUS_REPORT_ROWS, status_report_conditions(filter),
                                    portfolio_id, updated_since, order_by, first, after, last,
                                    before)

    @strawberry.field(description="One row per decided gate: decision, decider, date and days "
                                  "spent waiting (default order: latest decision first).")
    async def gate_decision_rows(self, info: Info, filter: GateDecisionFilterArg = None,
                                 order_by: ProjectGateOrderArg = None,
                                 portfolio_id: PortfolioArg = None, first: First = None,
                                 after: After = None, last: Last = None,
                                 before: Before = None) -> Connection[GateDecisionRow]:
        filter, updated_since = split_since(filter)
        return await row_connection(info, GATE_DECISION_ROWS, gate_decision_conditions(filter),
                                    portfolio_id, updated_since, order_by, first, after, last,
                                    before)

    @strawberry.field(description="One row per change request: impacts, decision and days to "
                                  "decide. Same filter and orderBy as `changeRequests`.")
    async def change_request_rows(self, info: Info, filter: ChangeRequestFilterArg = None,
                                  order_by: ChangeRequestOrderArg = None,
                                  portfolio_id: PortfolioArg = None, first: First = None,
                                  after: After = None, last: Last = None,
                                  before: Before = None) -> Connection[ChangeRequestRow]:
        filter, updated_since = split_since(filter)
        return await row_connection(info, CHANGE_REQUEST_ROWS,
                                    change_request_conditions(filter), portfolio_id,
                                    updated_since, order_by, first, after, last, before)

    @strawberry.field(description="One row per benefit: planned against realised. Same filter "
                                  "and orderBy as `Project.benefits`.")
    async def benefit_rows(self, info: Info, filter: BenefitFilterArg = None,
                           order_by: BenefitOrderArg = None, portfolio_id: PortfolioArg = None,
                           first: First = None, after: After = None, last: Last = None,
                           before: Before = None) -> Connection[BenefitRow]:
        filter, updated_since = split_since(filter)
        return await row_connection(info, BENEFIT_ROWS, benefit_conditions(filter),
                                    portfolio_id, updated_since, order_by, first, after, last,
                                    before)

    @strawberry.field(description="One row per project per day it was snapshotted (`pmo "
                                  "snapshot`): the history for trend charts.")
    async def snapshot_rows(self, info: Info, filter: SnapshotFilterArg = None,
                            order_by: ProjectSnapshotOrderArg = None,
                            portfolio_id: PortfolioArg = None, first: First = None,
                            after: After = None, last: Last = None,
                            before: Before = None) -> Connection[SnapshotRow]:
        filter, updated_since = split_since(filter)
        return await row_connection(info, SNAPSHOT_ROWS, snapshot_conditions(filter),
                                    portfolio_id, updated_since, order_by, first, after, last,
                                    before)

    @strawberry.field(description="One row per person per ISO week of a window (default: "
                                  "26 weeks from the current one): the percent allocated "
                                  "against capacity, over-allocation included. Paged by person "
                                  "then week; at most 500 per page.")
    async def allocation_rows(self, info: Info, filter: AllocationRowFilterArg = None,
                              first: First = None, after: After = None, last: Last = None,
                              before: Before = None) -> Connection[AllocationRow]:
        require_reads(info, allocations.READS)
        return await allocations.connection(  # type: ignore[return-value]
            info.context.report_sessions, filter, first, after, last, before)

    @strawberry.field(description="What was deleted since a time, oldest first, for an "
                                  "incremental load to remove (the retention period is 90 "
                                  "days unless configured). Needs read access to that kind "
                                  "of object.")
    async def deleted_rows(self, info: Info, entity: deleted.EntityArg, since: deleted.SinceArg,
                           project_ids: deleted.ProjectIdsArg = None, first: First = None,
                           after: After = None, last: Last = None, before: Before = None,
                           ) -> Connection[deleted.DeletedRowInfo]:
        return await deleted.deleted_rows(info, entity, since, project_ids, first, after,
                                          last, before)

    @strawberry.field(description="A portfolio at a glance as of a day; null if there is no "
                                  "such portfolio.")
    async def portfolio_summary(
        self, info: Info,
        portfolio_id: Annotated[strawberry.ID, strawberry.argument(
            description="The portfolio's global id.")],
        as_of: AsOf = None,
    ) -> PortfolioSummary | None:
        require_reads(info, SUMMARY_READS)
        row_id = portfolio_row_id(portfolio_id)
        async with info.context.report_sessions() as session:
            data = await service.portfolio_summary(session, row_id, as_of or today())  # type: ignore[arg-type]
        if data is None:
            return None
        summary = from_data(PortfolioSummary, data)
        summary.by_status = [ValueCount(value=c.value, count=c.count) for c in data.by_status]
        summary.by_health = [ValueCount(value=c.value, count=c.count) for c in data.by_health]
        return summary

    @strawberry.field(description="One point per day from `from` to `to` (at most three years) "
                                  "on which the portfolio's projects have snapshots, sums and "
                                  "counts over those snapshots; days without any are left out.")
    async def portfolio_trend(
        self, info: Info,
        portfolio_id: Annotated[strawberry.ID, strawberry.argument(
            description="The portfolio's global id.")],
        from_: Annotated[date, strawberry.argument(
            name="from", description="The first day (inclusive).")],
        to: Annotated[date, strawberry.argument(description="The last day (inclusive).")],
    ) -> list[PortfolioTrendPoint]:
        require_reads(info, TREND_READS)
        row_id = portfolio_row_id(portfolio_id)
        problem = service.trend_range_error(from_, to)
        if problem is not None:
            raise bad_input(problem)
        async with info.context.report_sessions() as session:
            points = await service.portfolio_trend(session, row_id, from_, to)  # type: ignore[arg-type]
        return [from_data(PortfolioTrendPoint, p) for p in points]


@strawberry.type
class ReportingQueries:
    @strawberry.field(description="Reports for BI tools and dashboards.")
    def reports(self) -> Reports:
        return Reports()
