"""Filters and orderings for status reports and change requests."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement

from schema.control.enums import ChangeRequestStatus
from schema.control.types import ChangeRequest, StatusReport
from schema.enums import Rag
from schema.listing import ListSpec, as_utc, between, ids_of, one_of, search, since
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from server.domain.raid.models import ChangeRequest as ChangeRequestRow
from server.domain.raid.models import StatusReport as StatusReportRow

# --- status reports ----------------------------------------------------------------------


@order_fields("status reports")
class StatusReportOrderField(Enum):
    PERIOD_END = "PERIOD_END"
    OVERALL = "OVERALL"
    SUBMITTED_AT = "SUBMITTED_AT"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for status reports.")
class StatusReportOrder:
    field: StatusReportOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which status reports to list.")
class StatusReportFilter:
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="For any of these projects.")
    overall: list[Rag] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Overall RAG is any of these.")
    period_from: date | None = strawberry.field(default=None, description="Ends on or after.")
    period_to: date | None = strawberry.field(default=None, description="Ends on or before.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh; UTC when "
                                   "no offset is given).")


def status_report_conditions(f: StatusReportFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a status report filter."""
    if f is None:
        return []
    s: Any = StatusReportRow
    return [
        *ids_of(s.project_id, f.project_ids, "Project", "projectIds"),
        *one_of(s.overall, f.overall),
        *between(s.period_end, f.period_from, f.period_to),
        *since(s.updated_at, as_utc(f.updated_since)),
    ]


STATUS_REPORTS = ListSpec(
    StatusReportRow, "status_report",
    OrderSpec({
        "PERIOD_END": SortField("PERIOD_END", StatusReportRow.period_end),
        "OVERALL": SortField("OVERALL", StatusReportRow.overall),
        "SUBMITTED_AT": SortField("SUBMITTED_AT", StatusReportRow.submitted_at, nullable=True),
        "UPDATED_AT": SortField("UPDATED_AT", StatusReportRow.updated_at),
    }, default=[("PERIOD_END", True)]),
    StatusReport.from_row,
)

StatusReportFilterArg = Annotated[StatusReportFilter | None, strawberry.argument(
    description="Which status reports; all given conditions must hold.")]
StatusReportOrderArg = Annotated[list[StatusReportOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: newest period first).")]


# --- change requests ---------------------------------------------------------------------


@order_fields("change requests")
class ChangeRequestOrderField(Enum):
    TITLE = "TITLE"
    STATUS = "STATUS"
    COST_IMPACT = "COST_IMPACT"
    SCHEDULE_IMPACT_DAYS = "SCHEDULE_IMPACT_DAYS"
    DECIDED_AT = "DECIDED_AT"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for change requests.")
class ChangeRequestOrder:
    field: ChangeRequestOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which change requests to list; all given conditions must hold.")
class ChangeRequestFilter:
    search: str | None = strawberry.field(default=None,
                                          description="Text in title or description.")
    status: list[ChangeRequestStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses.")
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="For any of these projects.")
    requested_by_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Requested by any of these people.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh; UTC when "
                                   "no offset is given).")


def change_request_conditions(f: ChangeRequestFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a change request filter."""
    if f is None:
        return []
    c: Any = ChangeRequestRow
    return [
        *search(f.search, c.title, c.description),
        *one_of(c.status, f.status),
        *ids_of(c.project_id, f.project_ids, "Project", "projectIds"),
        *ids_of(c.requested_by_id, f.requested_by_ids, "Person", "requestedByIds"),
        *since(c.updated_at, as_utc(f.updated_since)),
    ]


CHANGE_REQUESTS = ListSpec(
    ChangeRequestRow, "change_request",
    OrderSpec({
        "TITLE": SortField("TITLE", ChangeRequestRow.title),
        "STATUS": SortField("STATUS", ChangeRequestRow.status),
        "COST_IMPACT": SortField("COST_IMPACT", ChangeRequestRow.cost_impact),
        "SCHEDULE_IMPACT_DAYS": SortField("SCHEDULE_IMPACT_DAYS",
                                          ChangeRequestRow.schedule_impact_days),
        "DECIDED_AT": SortField("DECIDED_AT", ChangeRequestRow.decided_at, nullable=True),
        "CREATED_AT": SortField("CREATED_AT", ChangeRequestRow.created_at),
        "UPDATED_AT": SortField("UPDATED_AT", ChangeRequestRow.updated_at),
    }, default=[("CREATED_AT", True)]),
    ChangeRequest.from_row,
)

ChangeRequestFilterArg = Annotated[ChangeRequestFilter | None, strawberry.argument(
    description="Which change requests; all given conditions must hold.")]
ChangeRequestOrderArg = Annotated[list[ChangeRequestOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: newest first).")]
