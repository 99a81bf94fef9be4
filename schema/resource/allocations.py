"""GraphQL type, filter and ordering for allocations (a share of a person's time)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from schema.context import Info
from schema.listing import ListSpec, ids_of, plan, since
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from schema.raid.types import (
    LazyPerson,
    LazyProject,
    child_resource,
    person_of,
    project_of,
)
from server.domain.resource.models import Allocation as AllocationRow


@strawberry.type(description="A share (1-100%) of a person's time given to a project over a "
                             "date range.")
class Allocation(relay.Node):
    id: relay.NodeID[int]
    role_name: str = strawberry.field(description="The role the person plays on the project.")
    start_date: date = strawberry.field(description="First day of the allocation.")
    end_date: date = strawberry.field(description="Last day of the allocation.")
    percent: int = strawberry.field(description="Share of the person's capacity, 1 to 100.")
    created_at: datetime = strawberry.field(description="When it was made (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[AllocationRow]

    @strawberry.field(description="The person allocated.", metadata=plan(person_of("person_id")))
    async def person(self, info: Info) -> LazyPerson | None:
        return await person_of("person_id").resolve(info, self.row)

    @strawberry.field(description="The project the person is allocated to.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Whether the viewer may edit this allocation.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await child_resource(
            info, "allocation", self.row.project_id, self.row.id))

    @strawberry.field(description="Whether the viewer may delete this allocation.")
    async def viewer_can_delete(self, info: Info) -> bool:
        return info.context.can("delete", await child_resource(
            info, "allocation", self.row.project_id, self.row.id))

    @classmethod
    def from_row(cls, row: AllocationRow) -> Allocation:
        return cls(id=row.id, role_name=row.role_name, start_date=row.start_date,  # type: ignore[arg-type]
                   end_date=row.end_date, percent=row.percent, created_at=row.created_at,
                   updated_at=row.updated_at, row=row)


@order_fields("allocations")
class AllocationOrderField(Enum):
    START_DATE = "START_DATE"
    END_DATE = "END_DATE"
    PERCENT = "PERCENT"
    ROLE_NAME = "ROLE_NAME"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for allocations.")
class AllocationOrder:
    field: AllocationOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which allocations to list; all given conditions must hold.")
class AllocationFilter:
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="To any of these projects.")
    person_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Of any of these people.")
    active_from: date | None = strawberry.field(
        default=None, description="Still running on or after this day (ends on or after it).")
    active_to: date | None = strawberry.field(
        default=None, description="Already started by this day (starts on or before it).")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def allocation_conditions(f: AllocationFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for an allocation filter (``active_*`` select overlapping ranges)."""
    if f is None:
        return []
    a: Any = AllocationRow
    return [
        *ids_of(a.project_id, f.project_ids, "Project", "projectIds"),
        *ids_of(a.person_id, f.person_ids, "Person", "personIds"),
        *([a.end_date >= f.active_from] if f.active_from is not None else []),
        *([a.start_date <= f.active_to] if f.active_to is not None else []),
        *since(a.updated_at, f.updated_since),
    ]


ALLOCATIONS = ListSpec(
    AllocationRow, "allocation",
    OrderSpec({
        "START_DATE": SortField("START_DATE", AllocationRow.start_date),
        "END_DATE": SortField("END_DATE", AllocationRow.end_date),
        "PERCENT": SortField("PERCENT", AllocationRow.percent),
        "ROLE_NAME": SortField("ROLE_NAME", AllocationRow.role_name),
        "UPDATED_AT": SortField("UPDATED_AT", AllocationRow.updated_at),
    }, default=[("START_DATE", False)]),
    Allocation.from_row,
)

AllocationFilterArg = Annotated[AllocationFilter | None, strawberry.argument(
    description="Which allocations to list; all given conditions must hold.")]
AllocationOrderArg = Annotated[list[AllocationOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: by start date).")]
