"""Delivery connections on Project (merged into the Project type as a base class)."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.context import Info
from schema.listing import child_connection, filter_key
from schema.pagination import Connection
from schema.resource.milestones import (
    MILESTONES,
    Milestone,
    MilestoneFilter,
    MilestoneOrder,
    milestone_conditions,
)
from server.domain.project.models import Milestone as MilestoneRow


@strawberry.type
class ResourceProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The project's milestones (default: by planned date).")
    async def milestones(self, info: Info, filter: MilestoneFilter | None = None,
                         order_by: list[MilestoneOrder] | None = None, first: int | None = None,
                         after: str | None = None, last: int | None = None,
                         before: str | None = None) -> Connection[Milestone]:
        return await child_connection(info, MILESTONES, MilestoneRow.project_id, self.row.id,
                                      milestone_conditions(filter), filter_key(filter), order_by,
                                      first, after, last, before)
