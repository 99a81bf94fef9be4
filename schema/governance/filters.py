"""Orderings for project gates."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from schema.governance.types import ProjectGate
from schema.listing import ListSpec
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from server.domain.governance.models import ProjectGate as ProjectGateRow


@order_fields("gates")
class ProjectGateOrderField(Enum):
    SEQUENCE = "SEQUENCE"
    STATUS = "STATUS"
    DECIDED_AT = "DECIDED_AT"


@strawberry.input(description="One ordering term for gates.")
class ProjectGateOrder:
    field: ProjectGateOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


ProjectGateOrderArg = Annotated[list[ProjectGateOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]

PROJECT_GATES = ListSpec(
    ProjectGateRow, "project_gate",
    OrderSpec({
        "SEQUENCE": SortField("SEQUENCE", ProjectGateRow.sequence),
        "STATUS": SortField("STATUS", ProjectGateRow.status),
        "DECIDED_AT": SortField("DECIDED_AT", ProjectGateRow.decided_at, nullable=True),
    }, default=[("SEQUENCE", False)]),
    ProjectGate.from_row,
)
