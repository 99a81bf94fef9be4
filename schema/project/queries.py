"""Root project lists."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.listing import root_connection
from schema.pagination import Connection
from schema.project.filters import PROJECTS, ProjectFilter, ProjectOrder, project_conditions
from schema.project.types import Project
from schema.raid.filters import (
    RISKS,
    STATUS_REPORTS,
    RiskFilter,
    RiskOrder,
    StatusReportFilter,
    StatusReportOrder,
    risk_conditions,
    status_report_conditions,
)
from schema.raid.types import Risk, StatusReport


@strawberry.type
class ProjectQueries:
    @strawberry.field(description="Projects, filtered and ordered; at most 500 per page.")
    async def projects(self, info: Info, filter: ProjectFilter | None = None,
                       order_by: list[ProjectOrder] | None = None, first: int | None = None,
                       after: str | None = None, last: int | None = None,
                       before: str | None = None) -> Connection[Project]:
        return await root_connection(info, PROJECTS, project_conditions(filter), order_by,
                                     first, after, last, before)

    @strawberry.field(description="Risks across projects; at most 500 per page.")
    async def risks(self, info: Info, filter: RiskFilter | None = None,
                    order_by: list[RiskOrder] | None = None, first: int | None = None,
                    after: str | None = None, last: int | None = None,
                    before: str | None = None) -> Connection[Risk]:
        return await root_connection(info, RISKS, risk_conditions(filter), order_by,
                                     first, after, last, before)

    @strawberry.field(description="Status reports across projects; at most 500 per page.")
    async def status_reports(self, info: Info, filter: StatusReportFilter | None = None,
                             order_by: list[StatusReportOrder] | None = None,
                             first: int | None = None, after: str | None = None,
                             last: int | None = None, before: str | None = None,
                             ) -> Connection[StatusReport]:
        return await root_connection(info, STATUS_REPORTS, status_report_conditions(filter),
                                     order_by, first, after, last, before)
