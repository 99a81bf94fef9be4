"""RAID connections on Project (merged into the Project type as a base class)."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.context import Info
from schema.listing import child_connection, filter_key
from schema.pagination import Connection
from schema.raid.filters import RISKS, RiskFilter, RiskOrder, risk_conditions
from schema.raid.types import Risk
from server.domain.raid.models import Risk as RiskRow


@strawberry.type
class RaidProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The project's risks (default: highest score first).")
    async def risks(self, info: Info, filter: RiskFilter | None = None,
                    order_by: list[RiskOrder] | None = None, first: int | None = None,
                    after: str | None = None, last: int | None = None,
                    before: str | None = None) -> Connection[Risk]:
        return await child_connection(info, RISKS, RiskRow.project_id, self.row.id,
                                      risk_conditions(filter), filter_key(filter), order_by,
                                      first, after, last, before)
