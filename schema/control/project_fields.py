"""Change-request and status-report connections on Project (merged into the Project type as a
base class)."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.context import Info
from schema.control.filters import (
    CHANGE_REQUESTS,
    STATUS_REPORTS,
    ChangeRequestFilterArg,
    ChangeRequestOrderArg,
    StatusReportFilterArg,
    StatusReportOrderArg,
    change_request_conditions,
    status_report_conditions,
)
from schema.control.types import ChangeRequest, StatusReport
from schema.listing import Children, child_connection, plan
from schema.pagination import After, Before, Connection, First, Last
from server.domain.raid.models import ChangeRequest as ChangeRequestRow
from server.domain.raid.models import StatusReport as StatusReportRow

PROJECT_STATUS_REPORTS = Children(STATUS_REPORTS, StatusReportRow.project_id,
                                  status_report_conditions)
PROJECT_CHANGE_REQUESTS = Children(CHANGE_REQUESTS, ChangeRequestRow.project_id,
                                   change_request_conditions)


@strawberry.type
class ControlProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The project's status reports (default: newest period first).",
                      metadata=plan(PROJECT_STATUS_REPORTS))
    async def status_reports(self, info: Info, filter: StatusReportFilterArg = None,
                             order_by: StatusReportOrderArg = None, first: First = None,
                             after: After = None, last: Last = None, before: Before = None,
                             ) -> Connection[StatusReport]:
        return await PROJECT_STATUS_REPORTS.resolve(info, self.row.id, filter, order_by, first,
                                                    after, last, before)

    @strawberry.field(description="The status report with the latest period end, if any.")
    async def latest_status_report(self, info: Info) -> StatusReport | None:
        page = await child_connection(info, STATUS_REPORTS, StatusReportRow.project_id,
                                      self.row.id, [], None, None, 1, None, None, None)
        return page.edges[0].node if page.edges else None

    @strawberry.field(description="The project's change requests (default: newest first).",
                      metadata=plan(PROJECT_CHANGE_REQUESTS))
    async def change_requests(self, info: Info, filter: ChangeRequestFilterArg = None,
                              order_by: ChangeRequestOrderArg = None, first: First = None,
                              after: After = None, last: Last = None, before: Before = None,
                              ) -> Connection[ChangeRequest]:
        return await PROJECT_CHANGE_REQUESTS.resolve(info, self.row.id, filter, order_by, first,
                                                     after, last, before)
