"""Baselines, daily snapshots and stakeholders of a project (types, orders, Project fields)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import Engagement, ProjectStatus, Rag
from schema.listing import (
    Children,
    ListSpec,
    Reference,
    between,
    child_connection,
    filter_key,
    plan,
)
from schema.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    OrderDirection,
    OrderSpec,
    SortField,
    order_fields,
)
from schema.raid.types import (
    LazyPerson,
    LazyProject,
    child_resource,
    person_of,
    project_of,
)
from server.domain.audit.models import ProjectSnapshot as SnapshotRow
from server.domain.collaboration.models import Stakeholder as StakeholderRow
from server.domain.project.models import Milestone as MilestoneRow
from server.domain.project.models import ProjectBaseline as BaselineRow

if TYPE_CHECKING:
    from schema.resource.milestones import Milestone

LazyMilestone = Annotated["Milestone", strawberry.lazy("schema.resource.milestones")]


def _milestone(row: MilestoneRow) -> Any:
    from schema.resource.milestones import Milestone
    return Milestone.from_row(row)


BASELINED_MILESTONE = Reference(MilestoneRow, "milestone_id", "milestone", _milestone)


@strawberry.type(description="A milestone as a baseline froze it.")
class BaselineMilestone:
    name: str = strawberry.field(description="The milestone's name when the baseline was taken.")
    date: date = strawberry.field(description="Its date in the baseline: its baseline date "
                                              "then, else its planned date.")
    milestone_id: strawberry.Private[int]

    @strawberry.field(description="The milestone as it is now; null if it has been deleted.")
    async def milestone(self, info: Info) -> LazyMilestone | None:
        return await BASELINED_MILESTONE.resolve(info, self)

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> BaselineMilestone:
        """From one entry of ``ProjectBaseline.milestones`` as stored."""
        return cls(name=item["name"], date=date.fromisoformat(item["date"]),
                   milestone_id=item["milestone_id"])


@strawberry.type(description="Baseline n of a project: budget, dates and milestone dates as "
                             "they were when it was taken.")
class ProjectBaseline(relay.Node):
    id: relay.NodeID[int]
    number: int = strawberry.field(description="1 for the first baseline, then 2, 3, ...")
    taken_at: datetime = strawberry.field(description="When it was taken (UTC).")
    reason: str | None = strawberry.field(description="Why: approval, change request, ...")
    bac: Decimal = strawberry.field(description="Budget at completion in this baseline.")
    start: date | None = strawberry.field(description="Baseline start.")
    finish: date | None = strawberry.field(description="Baseline finish.")
    milestones: list[BaselineMilestone] = strawberry.field(
        description="The project's milestones and their dates at the time, by date.")
    row: strawberry.Private[BaselineRow]

    @strawberry.field(description="The project.", metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @classmethod
    def from_row(cls, row: BaselineRow) -> ProjectBaseline:
        return cls(id=row.id, number=row.number, taken_at=row.taken_at,  # type: ignore[arg-type]
                   reason=row.reason, bac=row.bac, start=row.start, finish=row.finish,
                   milestones=[BaselineMilestone.from_json(m) for m in row.milestones],
                   row=row)


@strawberry.type(description="A project's figures on one day, for trend reporting.")
class ProjectSnapshot(relay.Node):
    id: relay.NodeID[int]
    taken_on: date = strawberry.field(description="The day the figures are for.")
    status: ProjectStatus = strawberry.field(description="Status that day.")  # type: ignore[valid-type]
    health: Rag | None = strawberry.field(description="Health that day.")  # type: ignore[valid-type]
    bac: Decimal = strawberry.field(description="Budget at completion.")
    pv: Decimal = strawberry.field(description="Planned value.")
    ev: Decimal = strawberry.field(description="Earned value.")
    ac: Decimal = strawberry.field(description="Actual cost.")
    percent_complete: int = strawberry.field(description="Progress, 0 to 100.")
    open_risks: int = strawberry.field(description="Open risks that day.")
    open_issues: int = strawberry.field(description="Open issues that day.")
    row: strawberry.Private[SnapshotRow]

    @strawberry.field(description="The project.", metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @classmethod
    def from_row(cls, row: SnapshotRow) -> ProjectSnapshot:
        return cls(id=row.id, taken_on=row.taken_on, status=row.status,  # type: ignore[arg-type]
                   health=row.health, bac=row.bac, pv=row.pv, ev=row.ev, ac=row.ac,
                   percent_complete=row.percent_complete, open_risks=row.open_risks,
                   open_issues=row.open_issues, row=row)


@strawberry.type(description="A person or outside party with a stake in a project.")
class Stakeholder(relay.Node):
    id: relay.NodeID[int]
    external_name: str | None = strawberry.field(description="Name, when not a person here.")
    organisation: str | None = strawberry.field(description="Their organisation, if outside.")
    role: str = strawberry.field(description="Their role towards the project.")
    influence: int = strawberry.field(description="1 (little) to 5 (decisive).")
    interest: int = strawberry.field(description="1 (little) to 5 (high).")
    engagement_current: Engagement = strawberry.field(description="Engagement now.")  # type: ignore[valid-type]
    engagement_desired: Engagement = strawberry.field(description="Engagement wanted.")  # type: ignore[valid-type]
    notes: str | None = strawberry.field(description="Notes on how to engage them.")
    row: strawberry.Private[StakeholderRow]

    @strawberry.field(description="The person, when the stakeholder works here.",
                      metadata=plan(person_of("person_id")))
    async def person(self, info: Info) -> LazyPerson | None:
        return await person_of("person_id").resolve(info, self.row)

    @strawberry.field(description="The project.", metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Whether the viewer may edit this stakeholder.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await child_resource(
            info, "stakeholder", self.row.project_id, self.row.id))

    @strawberry.field(description="Whether the viewer may delete this stakeholder.")
    async def viewer_can_delete(self, info: Info) -> bool:
        return info.context.can("delete", await child_resource(
            info, "stakeholder", self.row.project_id, self.row.id))

    @classmethod
    def from_row(cls, row: StakeholderRow) -> Stakeholder:
        return cls(id=row.id, external_name=row.external_name,  # type: ignore[arg-type]
                   organisation=row.organisation, role=row.role, influence=row.influence,
                   interest=row.interest, engagement_current=row.engagement_current,
                   engagement_desired=row.engagement_desired, notes=row.notes, row=row)


TakenFrom = Annotated[date | None, strawberry.argument(description="First day to include.")]
TakenTo = Annotated[date | None, strawberry.argument(description="Last day to include.")]


@order_fields("baselines")
class ProjectBaselineOrderField(Enum):
    NUMBER = "NUMBER"


@order_fields("snapshots")
class ProjectSnapshotOrderField(Enum):
    TAKEN_ON = "TAKEN_ON"


@order_fields("stakeholders")
class StakeholderOrderField(Enum):
    INFLUENCE = "INFLUENCE"
    INTEREST = "INTEREST"
    ROLE = "ROLE"


@strawberry.input(description="One ordering term for baselines.")
class ProjectBaselineOrder:
    field: ProjectBaselineOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="One ordering term for snapshots.")
class ProjectSnapshotOrder:
    field: ProjectSnapshotOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="One ordering term for stakeholders.")
class StakeholderOrder:
    field: StakeholderOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


BASELINES = ListSpec(BaselineRow, "project_baseline", OrderSpec(
    {"NUMBER": SortField("NUMBER", BaselineRow.number)}, default=[("NUMBER", False)]),
    ProjectBaseline.from_row)
SNAPSHOTS = ListSpec(SnapshotRow, "snapshot", OrderSpec(
    {"TAKEN_ON": SortField("TAKEN_ON", SnapshotRow.taken_on)}, default=[("TAKEN_ON", False)]),
    ProjectSnapshot.from_row)
STAKEHOLDERS = ListSpec(StakeholderRow, "stakeholder", OrderSpec({
    "INFLUENCE": SortField("INFLUENCE", StakeholderRow.influence),
    "INTEREST": SortField("INTEREST", StakeholderRow.interest),
    "ROLE": SortField("ROLE", StakeholderRow.role),
}, default=[("INFLUENCE", True)]), Stakeholder.from_row)


PROJECT_BASELINES = Children(BASELINES, BaselineRow.project_id)
PROJECT_STAKEHOLDERS = Children(STAKEHOLDERS, StakeholderRow.project_id)


ProjectBaselineOrderArg = Annotated[list[ProjectBaselineOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]
ProjectSnapshotOrderArg = Annotated[list[ProjectSnapshotOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]
StakeholderOrderArg = Annotated[list[StakeholderOrder] | None, strawberry.argument(
    description="Sort terms in priority order; ties are broken by id.")]


@strawberry.type
class HistoryProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The project's numbered baselines (default: 1, 2, ...).",
                      metadata=plan(PROJECT_BASELINES))
    async def baselines(self, info: Info, order_by: ProjectBaselineOrderArg = None,
                        first: First = None, after: After = None, last: Last = None,
                        before: Before = None) -> Connection[ProjectBaseline]:
        return await PROJECT_BASELINES.resolve(info, self.row.id, None, order_by, first, after,
                                               last, before)

    @strawberry.field(description="Daily snapshots for trends (default: oldest first).")
    async def snapshots(self, info: Info,
                        taken_from: TakenFrom = None,
                        taken_to: TakenTo = None,
                        order_by: ProjectSnapshotOrderArg = None,
                        first: First = None, after: After = None, last: Last = None,
                        before: Before = None) -> Connection[ProjectSnapshot]:
        where = between(SnapshotRow.taken_on, taken_from, taken_to)
        return await child_connection(info, SNAPSHOTS, SnapshotRow.project_id, self.row.id,
                                      where, filter_key((taken_from, taken_to)), order_by,
                                      first, after, last, before)

    @strawberry.field(description="The project's stakeholders (default: most influential first).",
                      metadata=plan(PROJECT_STAKEHOLDERS))
    async def stakeholders(self, info: Info,
                           order_by: StakeholderOrderArg = None,
                           first: First = None, after: After = None, last: Last = None,
                           before: Before = None) -> Connection[Stakeholder]:
        return await PROJECT_STAKEHOLDERS.resolve(info, self.row.id, None, order_by, first, after,
                                                  last, before)
