"""GraphQL type, filter and ordering for milestones."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from schema.context import Info
from schema.enums import MilestoneStatus
from schema.listing import ListSpec, between, one_of, plan, since
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from schema.raid.types import LazyProject, child_resource, project_of
from server.domain.project.models import Milestone as MilestoneRow


@strawberry.type(description="A dated checkpoint of a project.")
class Milestone(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="What is reached.")
    planned_date: date = strawberry.field(description="Current plan.")
    baseline_date: date | None = strawberry.field(description="Date in the latest baseline.")
    forecast_date: date | None = strawberry.field(description="Latest forecast.")
    actual_date: date | None = strawberry.field(description="When it was reached.")
    status: MilestoneStatus = strawberry.field(description="Where it stands.")  # type: ignore[valid-type]
    planned_percent: int | None = strawberry.field(
        description="How much of the work (0-100) the plan has done by this milestone. "
                    "Milestones that say it bend the project's planned value, which is "
                    "otherwise a straight line from the baseline start to the finish; "
                    "the milestone is dated by its baseline date, else its planned date.")
    created_at: datetime = strawberry.field(description="When it was added (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[MilestoneRow]

    @strawberry.field(description="The project the milestone belongs to.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Whether the viewer may edit this milestone.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await child_resource(
            info, "milestone", self.row.project_id, self.row.id))

    @strawberry.field(description="Whether the viewer may delete this milestone.")
    async def viewer_can_delete(self, info: Info) -> bool:
        return info.context.can("delete", await child_resource(
            info, "milestone", self.row.project_id, self.row.id))

    @classmethod
    def from_row(cls, row: MilestoneRow) -> Milestone:
        return cls(id=row.id, name=row.name, planned_date=row.planned_date,  # type: ignore[arg-type]
                   baseline_date=row.baseline_date, forecast_date=row.forecast_date,
                   actual_date=row.actual_date, status=row.status,
                   planned_percent=row.planned_percent, created_at=row.created_at,
                   updated_at=row.updated_at, row=row)


@order_fields("milestones")
class MilestoneOrderField(Enum):
    PLANNED_DATE = "PLANNED_DATE"
    NAME = "NAME"
    STATUS = "STATUS"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for milestones.")
class MilestoneOrder:
    field: MilestoneOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which milestones to list.")
class MilestoneFilter:
    status: list[MilestoneStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses.")
    planned_from: date | None = strawberry.field(default=None, description="Planned on or after.")
    planned_to: date | None = strawberry.field(default=None, description="Planned on or before.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time.")


def milestone_conditions(f: MilestoneFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a milestone filter."""
    if f is None:
        return []
    m: Any = MilestoneRow
    return [*one_of(m.status, f.status), *between(m.planned_date, f.planned_from, f.planned_to),
            *since(m.updated_at, f.updated_since)]


MILESTONES = ListSpec(
    MilestoneRow, "milestone",
    OrderSpec({
        "PLANNED_DATE": SortField("PLANNED_DATE", MilestoneRow.planned_date),
        "NAME": SortField("NAME", MilestoneRow.name),
        "STATUS": SortField("STATUS", MilestoneRow.status),
        "UPDATED_AT": SortField("UPDATED_AT", MilestoneRow.updated_at),
    }, default=[("PLANNED_DATE", False)]),
    Milestone.from_row,
)

MilestoneFilterArg = Annotated[MilestoneFilter | None, strawberry.argument(
    description="Which milestones to list; all given conditions must hold.")]
MilestoneOrderArg = Annotated[list[MilestoneOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: by planned date).")]
