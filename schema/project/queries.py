"""Root project lists."""

from __future__ import annotations

import strawberry

from schema.context import Info
from schema.listing import RootList, plan
from schema.pagination import After, Before, Connection, First, Last
from schema.project.filters import (
    PROJECTS,
    ProjectFilterArg,
    ProjectOrderArg,
    project_conditions,
)
from schema.project.health import HEALTH_TERMS
from schema.project.types import Project

PROJECT_LIST = RootList(PROJECTS, project_conditions, HEALTH_TERMS)


@strawberry.type
class ProjectQueries:
    @strawberry.field(description="Projects, filtered and ordered; at most 500 per page.",
                      metadata=plan(PROJECT_LIST))
    async def projects(self, info: Info, filter: ProjectFilterArg = None,
                       order_by: ProjectOrderArg = None, first: First = None,
                       after: After = None, last: Last = None,
                       before: Before = None) -> Connection[Project]:
        return await PROJECT_LIST.resolve(info, filter, order_by, first, after, last, before)
