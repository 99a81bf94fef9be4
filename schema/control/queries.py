"""Root change-request and status-report lists."""

from __future__ import annotations

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
from schema.listing import RootList, plan
from schema.pagination import After, Before, Connection, First, Last

STATUS_REPORTS_LIST = RootList(STATUS_REPORTS, status_report_conditions)
CHANGE_REQUESTS_LIST = RootList(CHANGE_REQUESTS, change_request_conditions)


@strawberry.type
class ControlQueries:
    @strawberry.field(description="Status reports across projects; at most 500 per page.",
                      metadata=plan(STATUS_REPORTS_LIST))
    async def status_reports(self, info: Info, filter: StatusReportFilterArg = None,
                             order_by: StatusReportOrderArg = None, first: First = None,
                             after: After = None, last: Last = None, before: Before = None,
                             ) -> Connection[StatusReport]:
        return await STATUS_REPORTS_LIST.resolve(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Change requests across projects (default: newest first); "
                                  "at most 500 per page.",
                      metadata=plan(CHANGE_REQUESTS_LIST))
    async def change_requests(self, info: Info, filter: ChangeRequestFilterArg = None,
                              order_by: ChangeRequestOrderArg = None, first: First = None,
                              after: After = None, last: Last = None, before: Before = None,
                              ) -> Connection[ChangeRequest]:
        return await CHANGE_REQUESTS_LIST.resolve(info, filter, order_by, first, after, last,
                                                  before)
