"""Root status-report lists."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.control.filters import (
    STATUS_REPORTS,
    StatusReportFilter,
    StatusReportOrder,
    status_report_conditions,
)
from schema.control.types import StatusReport
from schema.listing import root_connection
from schema.pagination import Connection


@strawberry.type
class ControlQueries:
    @strawberry.field(description="Status reports across projects; at most 500 per page.")
    async def status_reports(self, info: Info, filter: StatusReportFilter | None = None,
                             order_by: list[StatusReportOrder] | None = None,
                             first: int | None = None, after: str | None = None,
                             last: int | None = None, before: str | None = None,
                             ) -> Connection[StatusReport]:
        return await root_connection(info, STATUS_REPORTS, status_report_conditions(filter),
                                     order_by, first, after, last, before)
