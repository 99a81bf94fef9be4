"""Root RAID lists."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.listing import root_connection
from schema.pagination import Connection
from schema.raid.filters import RISKS, RiskFilter, RiskOrder, risk_conditions
from schema.raid.types import Risk


@strawberry.type
class RaidQueries:
    @strawberry.field(description="Risks across projects; at most 500 per page.")
    async def risks(self, info: Info, filter: RiskFilter | None = None,
                    order_by: list[RiskOrder] | None = None, first: int | None = None,
                    after: str | None = None, last: int | None = None,
                    before: str | None = None) -> Connection[Risk]:
        return await root_connection(info, RISKS, risk_conditions(filter), order_by,
                                     first, after, last, before)
