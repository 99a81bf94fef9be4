"""Delivery connections on Project (merged into the Project type as a base class)."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.context import Info
from schema.listing import Children, child_connection, filter_key, plan
from schema.pagination import After, Before, Connection, First, Last
from schema.resource.allocations import (
    ALLOCATIONS,
    Allocation,
    AllocationFilterArg,
    AllocationOrderArg,
    allocation_conditions,
)
from schema.resource.benefits import (
    BENEFITS,
    Benefit,
    BenefitFilterArg,
    BenefitOrderArg,
    benefit_conditions,
)
from schema.resource.costs import (
    COST_ENTRIES,
    CostEntry,
    CostEntryFilterArg,
    CostEntryOrderArg,
    cost_entry_conditions,
)
from schema.resource.lessons import (
    Lesson,
    LessonFilterArg,
    LessonOrderArg,
    lesson_conditions,
    lesson_list,
)
from schema.resource.milestones import (
    MILESTONES,
    Milestone,
    MilestoneFilterArg,
    MilestoneOrderArg,
    milestone_conditions,
)
from schema.resource.objectives import (
    PROJECT_OBJECTIVES,
    ProjectObjective,
    ProjectObjectiveOrderArg,
)
from server.domain.knowledge.models import Lesson as LessonRow
from server.domain.project.models import CostEntry as CostEntryRow
from server.domain.project.models import Milestone as MilestoneRow
from server.domain.project.models import ProjectObjective as ProjectObjectiveRow
from server.domain.resource.models import Allocation as AllocationRow
from server.domain.resource.models import Benefit as BenefitRow

PROJECT_MILESTONES = Children(MILESTONES, MilestoneRow.project_id, milestone_conditions)
PROJECT_COSTS = Children(COST_ENTRIES, CostEntryRow.project_id, cost_entry_conditions)
PROJECT_ALLOCATIONS = Children(ALLOCATIONS, AllocationRow.project_id, allocation_conditions)
PROJECT_BENEFITS = Children(BENEFITS, BenefitRow.project_id, benefit_conditions)
PROJECT_OBJECTIVE_LINKS = Children(PROJECT_OBJECTIVES, ProjectObjectiveRow.project_id)


@strawberry.type
class ResourceProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The project's milestones (default: by planned date).",
                      metadata=plan(PROJECT_MILESTONES))
    async def milestones(self, info: Info, filter: MilestoneFilterArg = None,
                         order_by: MilestoneOrderArg = None, first: First = None,
                         after: After = None, last: Last = None, before: Before = None,
                         ) -> Connection[Milestone]:
        return await PROJECT_MILESTONES.resolve(info, self.row.id, filter, order_by, first, after,
                                                last, before)

    @strawberry.field(description="The project's actual costs (default: latest first).",
                      metadata=plan(PROJECT_COSTS))
    async def costs(self, info: Info, filter: CostEntryFilterArg = None,
                    order_by: CostEntryOrderArg = None, first: First = None, after: After = None,
                    last: Last = None, before: Before = None) -> Connection[CostEntry]:
        return await PROJECT_COSTS.resolve(info, self.row.id, filter, order_by, first, after, last,
                                           before)

    @strawberry.field(description="Who is allocated to the project (default: by start date).",
                      metadata=plan(PROJECT_ALLOCATIONS))
    async def allocations(self, info: Info, filter: AllocationFilterArg = None,
                          order_by: AllocationOrderArg = None, first: First = None,
                          after: After = None, last: Last = None, before: Before = None,
                          ) -> Connection[Allocation]:
        return await PROJECT_ALLOCATIONS.resolve(info, self.row.id, filter, order_by, first, after,
                                                 last, before)

    @strawberry.field(description="The benefits the project should realise "
                                  "(default: by target date).",
                      metadata=plan(PROJECT_BENEFITS))
    async def benefits(self, info: Info, filter: BenefitFilterArg = None,
                       order_by: BenefitOrderArg = None, first: First = None,
                       after: After = None, last: Last = None, before: Before = None,
                       ) -> Connection[Benefit]:
        return await PROJECT_BENEFITS.resolve(info, self.row.id, filter, order_by, first, after,
                                              last, before)

    @strawberry.field(description="Lessons learned on the project (default: best match first "
                                  "when searching, else newest first).")
    async def lessons(self, info: Info, filter: LessonFilterArg = None,
                      order_by: LessonOrderArg = None, first: First = None, after: After = None,
                      last: Last = None, before: Before = None) -> Connection[Lesson]:
        return await child_connection(info, lesson_list(filter, order_by),
                                      LessonRow.project_id, self.row.id,
                                      lesson_conditions(filter), filter_key(filter),
                                      order_by, first, after, last, before)

    @strawberry.field(description="The strategic objectives the project serves, with its "
                                  "alignment scores (default: best aligned first).",
                      metadata=plan(PROJECT_OBJECTIVE_LINKS))
    async def objectives(self, info: Info, order_by: ProjectObjectiveOrderArg = None,
                         first: First = None, after: After = None, last: Last = None,
                         before: Before = None) -> Connection[ProjectObjective]:
        return await PROJECT_OBJECTIVE_LINKS.resolve(info, self.row.id, None, order_by, first,
                                                     after, last, before)
