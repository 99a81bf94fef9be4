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
from schema.listing import child_connection, filter_key
from schema.pagination import After, Before, Connection, First, Last
from server.domain.raid.models import ChangeRequest as ChangeRequestRow
from server.domain.raid.models import StatusReport as StatusReportRow


@strawberry.type
class ControlProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The project's status reports (default: newest period first).")
    async def status_reports(self, info: Info, filter: StatusReportFilterArg = None,
                             order_by: StatusReportOrderArg = None, first: First = None,
                             after: After = None, last: Last = None, before: Before = None,
                             ) -> Connection[StatusReport]:
        return await child_connection(info, STATUS_REPORTS, StatusReportRow.project_id,
                                      self.row.id, status_report_conditions(filter),
                                      filter_key(filter), order_by, first, after, last, before)

    @strawberry.field(description="The status report with the latest period end, if any.")
    async def latest_status_report(self, info: Info) -> StatusReport | None:
        page = await child_connection(info, STATUS_REPORTS, StatusReportRow.project_id,
                                      self.row.id, [], None, None, 1, None, None, None)
        return page.edges[0].node if page.edges else None

    @strawberry.field(description="The project's change requests (default: newest first).")
    async def change_requests(self, info: Info, filter: ChangeRequestFilterArg = None,
                              order_by: ChangeRequestOrderArg = None, first: First = None,
                              after: After = None, last: Last = None, before: Before = None,
                              ) -> Connection[ChangeRequest]:
        return await child_connection(info, CHANGE_REQUESTS, ChangeRequestRow.project_id,
                                      self.row.id, change_request_conditions(filter),
                                      filter_key(filter), order_by, first, after, last, before)
