"""GraphQL types, filters and orderings for strategic objectives and project alignment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.sql.elements import ColumnElement
from strawberry import relay

from policies.resources import Resource
from schema.context import Info
from schema.listing import ListSpec, plan, search, since
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from schema.raid.types import LazyProject, project_of
from server.domain.organisation.models import StrategicObjective as StrategicObjectiveRow
from server.domain.project.models import ProjectObjective as ProjectObjectiveRow


@strawberry.type(description="A weighted organisational objective projects align with.")
class StrategicObjective(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Unique short code.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="What the objective means.")
    weight: Decimal = strawberry.field(
        description="Relative importance; alignment counts weight x score.")
    period_start: date | None = strawberry.field(description="First day it applies.")
    period_end: date | None = strawberry.field(description="Last day it applies.")
    active: bool = strawberry.field(description="Whether projects may still align with it.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[StrategicObjectiveRow]

    @classmethod
    def from_row(cls, row: StrategicObjectiveRow) -> StrategicObjective:
        return cls(id=row.id, code=row.code, name=row.name,  # type: ignore[arg-type]
                   description=row.description, weight=row.weight,
                   period_start=row.period_start, period_end=row.period_end, active=row.active,
                   created_at=row.created_at, updated_at=row.updated_at, row=row)


async def _load_objective(info: Info, objective_id: int) -> StrategicObjectiveRow | None:
    info.context.require("read", Resource("objective"))
    return await info.context.loaders.by_id(StrategicObjectiveRow).load(objective_id)


@strawberry.type(description="How strongly (0-5) a project serves a strategic objective.")
class ProjectObjective(relay.Node):
    id: relay.NodeID[int]
    alignment_score: int = strawberry.field(description="0 (not at all) to 5 (fully).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[ProjectObjectiveRow]

    @strawberry.field(description="The objective served.")
    async def objective(self, info: Info) -> StrategicObjective | None:
        row = await _load_objective(info, self.row.objective_id)
        return StrategicObjective.from_row(row) if row else None

    @strawberry.field(description="The objective's weight x the alignment score; the project's "
                                  "strategic alignment is the sum over its objectives.")
    async def weighted_score(self, info: Info) -> Decimal | None:
        row = await _load_objective(info, self.row.objective_id)
        return row.weight * self.alignment_score if row else None

    @strawberry.field(description="The aligned project.", metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @classmethod
    def from_row(cls, row: ProjectObjectiveRow) -> ProjectObjective:
        return cls(id=row.id, alignment_score=row.alignment_score,  # type: ignore[arg-type]
                   updated_at=row.updated_at, row=row)


@order_fields("strategic objectives")
class StrategicObjectiveOrderField(Enum):
    CODE = "CODE"
    NAME = "NAME"
    WEIGHT = "WEIGHT"
    PERIOD_START = "PERIOD_START"
    PERIOD_END = "PERIOD_END"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for strategic objectives.")
class StrategicObjectiveOrder:
    field: StrategicObjectiveOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which strategic objectives to list; all given conditions "
                               "must hold.")
class StrategicObjectiveFilter:
    search: str | None = strawberry.field(default=None,
                                          description="Text in code, name or description.")
    active: bool | None = strawberry.field(default=None,
                                           description="Only active (true) or retired (false).")
    applies_on: date | None = strawberry.field(
        default=None, description="Whose period includes this day (open ends included).")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def strategic_objective_conditions(
        f: StrategicObjectiveFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a strategic objective filter."""
    if f is None:
        return []
    o: Any = StrategicObjectiveRow
    out = [*search(f.search, o.code, o.name, o.description),
           *since(o.updated_at, f.updated_since)]
    if f.active is not None:
        out.append(o.active.is_(True) if f.active else o.active.is_(False))
    if f.applies_on is not None:
        out += [sa.or_(o.period_start.is_(None), o.period_start <= f.applies_on),
                sa.or_(o.period_end.is_(None), o.period_end >= f.applies_on)]
    return out


STRATEGIC_OBJECTIVES = ListSpec(
    StrategicObjectiveRow, "objective",
    OrderSpec({
        "CODE": SortField("CODE", StrategicObjectiveRow.code),
        "NAME": SortField("NAME", StrategicObjectiveRow.name),
        "WEIGHT": SortField("WEIGHT", StrategicObjectiveRow.weight),
        "PERIOD_START": SortField("PERIOD_START", StrategicObjectiveRow.period_start,
                                  nullable=True),
        "PERIOD_END": SortField("PERIOD_END", StrategicObjectiveRow.period_end, nullable=True),
        "UPDATED_AT": SortField("UPDATED_AT", StrategicObjectiveRow.updated_at),
    }, default=[("CODE", False)]),
    StrategicObjective.from_row,
)


@order_fields("project objectives")
class ProjectObjectiveOrderField(Enum):
    ALIGNMENT_SCORE = "ALIGNMENT_SCORE"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for project objectives.")
class ProjectObjectiveOrder:
    field: ProjectObjectiveOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


PROJECT_OBJECTIVES = ListSpec(
    ProjectObjectiveRow, "project_objective",
    OrderSpec({
        "ALIGNMENT_SCORE": SortField("ALIGNMENT_SCORE", ProjectObjectiveRow.alignment_score),
        "UPDATED_AT": SortField("UPDATED_AT", ProjectObjectiveRow.updated_at),
    }, default=[("ALIGNMENT_SCORE", True)]),
    ProjectObjective.from_row,
)

StrategicObjectiveFilterArg = Annotated[StrategicObjectiveFilter | None, strawberry.argument(
    description="Which strategic objectives to list; all given conditions must hold.")]
StrategicObjectiveOrderArg = Annotated[list[StrategicObjectiveOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: by code).")]
ProjectObjectiveOrderArg = Annotated[list[ProjectObjectiveOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: best aligned first).")]
