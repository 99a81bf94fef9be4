"""Delivery connections on Person (merged into the Person type as a base class)."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.context import Info
from schema.listing import Children, plan
from schema.pagination import After, Before, Connection, First, Last
from schema.resource.allocations import (
    ALLOCATIONS,
    Allocation,
    AllocationFilterArg,
    AllocationOrderArg,
    allocation_conditions,
)
from server.domain.resource.models import Allocation as AllocationRow

PERSON_ALLOCATIONS = Children(ALLOCATIONS, AllocationRow.person_id, allocation_conditions)


@strawberry.type
class ResourcePersonFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The person's allocations to projects (default: by start "
                                  "date); sum the percents per week for utilisation.",
                      metadata=plan(PERSON_ALLOCATIONS))
    async def allocations(self, info: Info, filter: AllocationFilterArg = None,
                          order_by: AllocationOrderArg = None, first: First = None,
                          after: After = None, last: Last = None, before: Before = None,
                          ) -> Connection[Allocation]:
        return await PERSON_ALLOCATIONS.resolve(info, self.row.id, filter, order_by, first, after,
                                                last, before)
