"""GraphQL type, filter and ordering for benefits (what a project should realise)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from schema.context import Info
from schema.listing import ListSpec, between, ids_of, plan, search, since
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from schema.raid.types import (
    LazyPerson,
    LazyProject,
    child_resource,
    person_of,
    project_of,
)
from server.domain.resource.models import Benefit as BenefitRow


@strawberry.type(description="A measurable benefit a project should deliver, tracked against "
                             "its target.")
class Benefit(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="What the benefit is.")
    target_value: Decimal = strawberry.field(description="The value to reach, in `unit`.")
    realized_value: Decimal = strawberry.field(description="The value reached so far.")
    unit: str = strawberry.field(description="What the values count (EUR, hours, %, ...).")
    target_date: date | None = strawberry.field(description="When the target should be met.")
    created_at: datetime = strawberry.field(description="When it was added (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[BenefitRow]

    @strawberry.field(description="The project that should realise the benefit.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Who is accountable for realising it.",
                      metadata=plan(person_of("owner_id")))
    async def owner(self, info: Info) -> LazyPerson | None:
        return await person_of("owner_id").resolve(info, self.row)

    @strawberry.field(description="Whether the viewer may edit this benefit.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await child_resource(
            info, "benefit", self.row.project_id, self.row.id))

    @classmethod
    def from_row(cls, row: BenefitRow) -> Benefit:
        return cls(id=row.id, name=row.name, target_value=row.target_value,  # type: ignore[arg-type]
                   realized_value=row.realized_value, unit=row.unit,
                   target_date=row.target_date, created_at=row.created_at,
                   updated_at=row.updated_at, row=row)


@order_fields("benefits")
class BenefitOrderField(Enum):
    NAME = "NAME"
    TARGET_DATE = "TARGET_DATE"
    TARGET_VALUE = "TARGET_VALUE"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for benefits.")
class BenefitOrder:
    field: BenefitOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which benefits to list; all given conditions must hold.")
class BenefitFilter:
    search: str | None = strawberry.field(default=None, description="Text in the name.")
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Of any of these projects.")
    owner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Owned by any of these people.")
    target_from: date | None = strawberry.field(default=None,
                                                description="Target date on or after.")
    target_to: date | None = strawberry.field(default=None,
                                              description="Target date on or before.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def benefit_conditions(f: BenefitFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a benefit filter."""
    if f is None:
        return []
    b: Any = BenefitRow
    return [
        *search(f.search, b.name),
        *ids_of(b.project_id, f.project_ids, "Project", "projectIds"),
        *ids_of(b.owner_id, f.owner_ids, "Person", "ownerIds"),
        *between(b.target_date, f.target_from, f.target_to),
        *since(b.updated_at, f.updated_since),
    ]


BENEFITS = ListSpec(
    BenefitRow, "benefit",
    OrderSpec({
        "NAME": SortField("NAME", BenefitRow.name),
        "TARGET_DATE": SortField("TARGET_DATE", BenefitRow.target_date, nullable=True),
        "TARGET_VALUE": SortField("TARGET_VALUE", BenefitRow.target_value),
        "UPDATED_AT": SortField("UPDATED_AT", BenefitRow.updated_at),
    }, default=[("TARGET_DATE", False)]),
    Benefit.from_row,
)

BenefitFilterArg = Annotated[BenefitFilter | None, strawberry.argument(
    description="Which benefits to list; all given conditions must hold.")]
BenefitOrderArg = Annotated[list[BenefitOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: by target date).")]
