"""RAID connections on Project (merged into the Project type as a base class)."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.context import Info
from schema.listing import Children, plan
from schema.pagination import After, Before, Connection, First, Last
from schema.raid.filters import (
    ASSUMPTIONS,
    DEPENDENCIES,
    ISSUES,
    RISKS,
    AssumptionFilterArg,
    AssumptionOrderArg,
    DependencyFilterArg,
    DependencyOrderArg,
    IssueFilterArg,
    IssueOrderArg,
    RiskFilterArg,
    RiskOrderArg,
    assumption_conditions,
    dependency_conditions,
    issue_conditions,
    risk_conditions,
)
from schema.raid.types import Assumption, Dependency, Issue, Risk
from server.domain.raid.models import Assumption as AssumptionRow
from server.domain.raid.models import Dependency as DependencyRow
from server.domain.raid.models import Issue as IssueRow
from server.domain.raid.models import Risk as RiskRow

RISKS_OF_PROJECT = Children(RISKS, RiskRow.project_id, risk_conditions)
ISSUES_OF_PROJECT = Children(ISSUES, IssueRow.project_id, issue_conditions)
ASSUMPTIONS_OF_PROJECT = Children(ASSUMPTIONS, AssumptionRow.project_id, assumption_conditions)
DEPENDENCIES_OF_PROJECT = Children(DEPENDENCIES, DependencyRow.from_project_id,
                                   dependency_conditions)


@strawberry.type
class RaidProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The project's risks (default: highest score first).",
                      metadata=plan(RISKS_OF_PROJECT))
    async def risks(self, info: Info, filter: RiskFilterArg = None,
                    order_by: RiskOrderArg = None, first: First = None, after: After = None,
                    last: Last = None, before: Before = None) -> Connection[Risk]:
        return await RISKS_OF_PROJECT.resolve(info, self.row.id, filter, order_by, first, after,
                                              last, before)

    @strawberry.field(description="The project's issues (default: most severe first).",
                      metadata=plan(ISSUES_OF_PROJECT))
    async def issues(self, info: Info, filter: IssueFilterArg = None,
                     order_by: IssueOrderArg = None, first: First = None, after: After = None,
                     last: Last = None, before: Before = None) -> Connection[Issue]:
        return await ISSUES_OF_PROJECT.resolve(info, self.row.id, filter, order_by, first, after,
                                               last, before)

    @strawberry.field(description="The project's assumptions (default: oldest first).",
                      metadata=plan(ASSUMPTIONS_OF_PROJECT))
    async def assumptions(self, info: Info, filter: AssumptionFilterArg = None,
                          order_by: AssumptionOrderArg = None, first: First = None,
                          after: After = None, last: Last = None,
                          before: Before = None) -> Connection[Assumption]:
        return await ASSUMPTIONS_OF_PROJECT.resolve(info, self.row.id, filter, order_by,
                                                    first, after, last, before)

    @strawberry.field(description="What the project depends on: other projects and external "
                                  "parties (default: soonest needed first).",
                      metadata=plan(DEPENDENCIES_OF_PROJECT))
    async def dependencies(self, info: Info, filter: DependencyFilterArg = None,
                           order_by: DependencyOrderArg = None, first: First = None,
                           after: After = None, last: Last = None,
                           before: Before = None) -> Connection[Dependency]:
        return await DEPENDENCIES_OF_PROJECT.resolve(info, self.row.id, filter, order_by,
                                                     first, after, last, before)
