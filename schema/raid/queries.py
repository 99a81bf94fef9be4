"""Root RAID lists."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.listing import RootList, plan
from schema.pagination import After, Before, Connection, First, Last
from schema.raid.filters import (
    ISSUES,
    RISKS,
    IssueFilterArg,
    IssueOrderArg,
    RiskFilterArg,
    RiskOrderArg,
    issue_conditions,
    risk_conditions,
)
from schema.raid.types import Issue, Risk

RISKS_LIST = RootList(RISKS, risk_conditions)
ISSUES_LIST = RootList(ISSUES, issue_conditions)


@strawberry.type
class RaidQueries:
    @strawberry.field(description="Risks across projects; at most 500 per page.",
                      metadata=plan(RISKS_LIST))
    async def risks(self, info: Info, filter: RiskFilterArg = None,
                    order_by: RiskOrderArg = None, first: First = None, after: After = None,
                    last: Last = None, before: Before = None) -> Connection[Risk]:
        return await RISKS_LIST.resolve(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Issues across projects; at most 500 per page.",
                      metadata=plan(ISSUES_LIST))
    async def issues(self, info: Info, filter: IssueFilterArg = None,
                     order_by: IssueOrderArg = None, first: First = None, after: After = None,
                     last: Last = None, before: Before = None) -> Connection[Issue]:
        return await ISSUES_LIST.resolve(info, filter, order_by, first, after, last, before)
