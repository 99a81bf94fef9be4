"""Filters and orderings for status reports."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement

from schema.control.types import StatusReport
from schema.enums import Rag
from schema.listing import ListSpec, between, ids_of, one_of, since
from schema.pagination import OrderDirection, OrderSpec, SortField
from server.domain.raid.models import StatusReport as StatusReportRow


@strawberry.enum(description="Fields status reports can be ordered by (ties broken by id).")
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
        default=None, description="Changed at or after this time (incremental refresh).")


def status_report_conditions(f: StatusReportFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a status report filter."""
    if f is None:
        return []
    s: Any = StatusReportRow
    return [
        *ids_of(s.project_id, f.project_ids, "Project", "projectIds"),
        *one_of(s.overall, f.overall),
        *between(s.period_end, f.period_from, f.period_to),
        *since(s.updated_at, f.updated_since),
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
