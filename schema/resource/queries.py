"""Root lists of delivery data: lessons, strategic objectives and cost entries."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.listing import RootList, plan, root_connection
from schema.pagination import After, Before, Connection, First, Last
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
from schema.resource.objectives import (
    STRATEGIC_OBJECTIVES,
    StrategicObjective,
    StrategicObjectiveFilterArg,
    StrategicObjectiveOrderArg,
    strategic_objective_conditions,
)

OBJECTIVES_LIST = RootList(STRATEGIC_OBJECTIVES, strategic_objective_conditions)
COST_ENTRIES_LIST = RootList(COST_ENTRIES, cost_entry_conditions)


@strawberry.type
class ResourceQueries:
    @strawberry.field(description="Lessons learned across projects, with full-text search; at "
                                  "most 500 per page (default: best match first when "
                                  "searching, else newest first).")
    async def lessons(self, info: Info, filter: LessonFilterArg = None,
                      order_by: LessonOrderArg = None, first: First = None, after: After = None,
                      last: Last = None, before: Before = None) -> Connection[Lesson]:
        return await root_connection(info, lesson_list(filter, order_by),
                                     lesson_conditions(filter), order_by, first, after, last,
                                     before)

    @strawberry.field(description="Strategic objectives projects align with; at most 500 per "
                                  "page (default: by code).",
                      metadata=plan(OBJECTIVES_LIST))
    async def objectives(self, info: Info, filter: StrategicObjectiveFilterArg = None,
                         order_by: StrategicObjectiveOrderArg = None, first: First = None,
                         after: After = None, last: Last = None, before: Before = None,
                         ) -> Connection[StrategicObjective]:
        return await OBJECTIVES_LIST.resolve(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="Actual costs across projects, as flat rows for reporting; "
                                  "at most 500 per page (default: latest first).",
                      metadata=plan(COST_ENTRIES_LIST))
    async def cost_entries(self, info: Info, filter: CostEntryFilterArg = None,
                           order_by: CostEntryOrderArg = None, first: First = None,
                           after: After = None, last: Last = None, before: Before = None,
                           ) -> Connection[CostEntry]:
        return await COST_ENTRIES_LIST.resolve(info, filter, order_by, first, after, last, before)
