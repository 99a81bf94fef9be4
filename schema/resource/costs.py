"""GraphQL type, filter and ordering for cost entries (a project's actual cost)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from schema.context import Info
from schema.enums import described
from schema.listing import ListSpec, between, ids_of, one_of, plan, since
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from schema.raid.types import LazyProject, child_resource, project_of
from server.domain import enums
from server.domain.project.models import CostEntry as CostEntryRow

CostCategory = described(enums.CostCategory, "What a cost was spent on.", {
    "LABOR": "People's time.",
    "VENDOR": "Suppliers and contractors.",
    "MATERIAL": "Goods, licences and equipment.",
    "OTHER": "Anything else.",
})


@strawberry.type(description="An actual cost a project incurred on a date (its AC in earned "
                             "value).")
class CostEntry(relay.Node):
    id: relay.NodeID[int]
    incurred_on: date = strawberry.field(description="When the cost was incurred.")
    amount: Decimal = strawberry.field(description="Amount in the base currency, above zero.")
    category: CostCategory = strawberry.field(description="What it was spent on.")  # type: ignore[valid-type]
    description: str | None = strawberry.field(description="What it was for.")
    created_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[CostEntryRow]

    @strawberry.field(description="The project that incurred the cost.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Whether the viewer may correct this cost entry.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await child_resource(
            info, "cost_entry", self.row.project_id, self.row.id))

    @strawberry.field(description="Whether the viewer may delete this cost entry.")
    async def viewer_can_delete(self, info: Info) -> bool:
        return info.context.can("delete", await child_resource(
            info, "cost_entry", self.row.project_id, self.row.id))

    @classmethod
    def from_row(cls, row: CostEntryRow) -> CostEntry:
        return cls(id=row.id, incurred_on=row.incurred_on, amount=row.amount,  # type: ignore[arg-type]
                   category=row.category, description=row.description,
                   created_at=row.created_at, updated_at=row.updated_at, row=row)


@order_fields("cost entries")
class CostEntryOrderField(Enum):
    INCURRED_ON = "INCURRED_ON"
    AMOUNT = "AMOUNT"
    CATEGORY = "CATEGORY"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for cost entries.")
class CostEntryOrder:
    field: CostEntryOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which cost entries to list; all given conditions must hold.")
class CostEntryFilter:
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Incurred by any of these projects.")
    category: list[CostCategory] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these categories.")
    incurred_from: date | None = strawberry.field(default=None,
                                                  description="Incurred on or after.")
    incurred_to: date | None = strawberry.field(default=None,
                                                description="Incurred on or before.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def cost_entry_conditions(f: CostEntryFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a cost entry filter."""
    if f is None:
        return []
    c: Any = CostEntryRow
    return [
        *ids_of(c.project_id, f.project_ids, "Project", "projectIds"),
        *one_of(c.category, f.category),
        *between(c.incurred_on, f.incurred_from, f.incurred_to),
        *since(c.updated_at, f.updated_since),
    ]


COST_ENTRIES = ListSpec(
    CostEntryRow, "cost_entry",
    OrderSpec({
        "INCURRED_ON": SortField("INCURRED_ON", CostEntryRow.incurred_on),
        "AMOUNT": SortField("AMOUNT", CostEntryRow.amount),
        "CATEGORY": SortField("CATEGORY", CostEntryRow.category),
        "CREATED_AT": SortField("CREATED_AT", CostEntryRow.created_at),
        "UPDATED_AT": SortField("UPDATED_AT", CostEntryRow.updated_at),
    }, default=[("INCURRED_ON", True)]),
    CostEntry.from_row,
)

CostEntryFilterArg = Annotated[CostEntryFilter | None, strawberry.argument(
    description="Which cost entries to list; all given conditions must hold.")]
CostEntryOrderArg = Annotated[list[CostEntryOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: latest first).")]
