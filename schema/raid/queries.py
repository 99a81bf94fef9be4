"""Root RAID lists."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.listing import root_connection
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


@strawberry.type
class RaidQueries:
    @strawberry.field(description="Risks across projects; at most 500 per page.")
    async def risks(self, info: Info, filter: RiskFilterArg = None,
                    order_by: RiskOrderArg = None, first: First = None, after: After = None,
                    last: Last = None, before: Before = None) -> Connection[Risk]:
        return await root_connection(info, RISKS, risk_conditions(filter), order_by,
                                     first, after, last, before)

    @strawberry.field(description="Issues across projects; at most 500 per page.")
    async def issues(self, info: Info, filter: IssueFilterArg = None,
                     order_by: IssueOrderArg = None, first: First = None, after: After = None,
                     last: Last = None, before: Before = None) -> Connection[Issue]:
        return await root_connection(info, ISSUES, issue_conditions(filter), order_by,
                                     first, after, last, before)
