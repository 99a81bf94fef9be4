"""Delivery connections on Project (merged into the Project type as a base class)."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.context import Info
from schema.listing import child_connection, filter_key
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


@strawberry.type
class ResourceProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description="The project's milestones (default: by planned date).")
    async def milestones(self, info: Info, filter: MilestoneFilterArg = None,
                         order_by: MilestoneOrderArg = None, first: First = None,
                         after: After = None, last: Last = None, before: Before = None,
                         ) -> Connection[Milestone]:
        return await child_connection(info, MILESTONES, MilestoneRow.project_id, self.row.id,
                                      milestone_conditions(filter), filter_key(filter), order_by,
                                      first, after, last, before)

    @strawberry.field(description="The project's actual costs (default: latest first).")
    async def costs(self, info: Info, filter: CostEntryFilterArg = None,
                    order_by: CostEntryOrderArg = None, first: First = None, after: After = None,
                    last: Last = None, before: Before = None) -> Connection[CostEntry]:
        return await child_connection(info, COST_ENTRIES, CostEntryRow.project_id, self.row.id,
                                      cost_entry_conditions(filter), filter_key(filter),
                                      order_by, first, after, last, before)

    @strawberry.field(description="Who is allocated to the project (default: by start date).")
    async def allocations(self, info: Info, filter: AllocationFilterArg = None,
                          order_by: AllocationOrderArg = None, first: First = None,
                          after: After = None, last: Last = None, before: Before = None,
                          ) -> Connection[Allocation]:
        return await child_connection(info, ALLOCATIONS, AllocationRow.project_id, self.row.id,
                                      allocation_conditions(filter), filter_key(filter),
                                      order_by, first, after, last, before)

    @strawberry.field(description="The benefits the project should realise "
                                  "(default: by target date).")
    async def benefits(self, info: Info, filter: BenefitFilterArg = None,
                       order_by: BenefitOrderArg = None, first: First = None,
                       after: After = None, last: Last = None, before: Before = None,
                       ) -> Connection[Benefit]:
        return await child_connection(info, BENEFITS, BenefitRow.project_id, self.row.id,
                                      benefit_conditions(filter), filter_key(filter),
                                      order_by, first, after, last, before)

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
                                  "alignment scores (default: best aligned first).")
    async def objectives(self, info: Info, order_by: ProjectObjectiveOrderArg = None,
                         first: First = None, after: After = None, last: Last = None,
                         before: Before = None) -> Connection[ProjectObjective]:
        return await child_connection(info, PROJECT_OBJECTIVES, ProjectObjectiveRow.project_id,
                                      self.row.id, [], None, order_by, first, after, last,
                                      before)
