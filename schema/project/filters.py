"""Filters and orderings for projects."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement

from schema.enums import ProjectStatus, Rag
from schema.listing import ListSpec, between, ids_of, one_of, search, since
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from schema.project.types import Project
from server.domain.project.models import Project as ProjectRow


@order_fields("projects")
class ProjectOrderField(Enum):
    CODE = "CODE"
    NAME = "NAME"
    STATUS = "STATUS"
    PRIORITY = "PRIORITY"
    BUDGET_AT_COMPLETION = "BUDGET_AT_COMPLETION"
    PERCENT_COMPLETE = "PERCENT_COMPLETE"
    PLANNED_START = "PLANNED_START"
    PLANNED_FINISH = "PLANNED_FINISH"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"
    HEALTH = strawberry.enum_value(
        "HEALTH", description="By `health` today (as of `asOf` in `projectRows`): GREEN, "
                              "AMBER, RED ascending; unknown health last ascending, first "
                              "descending.")


@strawberry.input(description="One ordering term for projects.")
class ProjectOrder:
    field: ProjectOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which projects to list; all given conditions must hold.")
class ProjectFilter:
    search: str | None = strawberry.field(default=None,
                                          description="Text in code, name or description.")
    status: list[ProjectStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses.")
    portfolio_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="In any of these portfolios.")
    program_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="In any of these programs.")
    manager_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Managed by any of these people.")
    sponsor_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Sponsored by any of these people.")
    department_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Owned by any of these departments.")
    priorities: list[int] | None = strawberry.field(default=None,
                                                    description="Any of these priorities.")
    planned_start_from: date | None = strawberry.field(default=None,
                                                       description="Starting on or after.")
    planned_start_to: date | None = strawberry.field(default=None,
                                                     description="Starting on or before.")
    planned_finish_from: date | None = strawberry.field(default=None,
                                                        description="Finishing on or after.")
    planned_finish_to: date | None = strawberry.field(default=None,
                                                      description="Finishing on or before.")
    health: list[Rag] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these healths today (as of `asOf` in `projectRows`), "
                                  "by the rule of `Project.health`; unknown health matches none.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


ProjectFilterArg = Annotated[ProjectFilter | None, strawberry.argument(
    description="Which projects to list; all given conditions must hold.")]
ProjectOrderArg = Annotated[list[ProjectOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: by code); ties are broken by id.")]


def project_conditions(f: ProjectFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a project filter, but its health (``schema.project.health``)."""
    if f is None:
        return []
    p: Any = ProjectRow
    return [
        *search(f.search, p.code, p.name, p.description),
        *one_of(p.status, f.status),
        *ids_of(p.portfolio_id, f.portfolio_ids, "Portfolio", "portfolioIds"),
        *ids_of(p.program_id, f.program_ids, "Program", "programIds"),
        *ids_of(p.manager_id, f.manager_ids, "Person", "managerIds"),
        *ids_of(p.sponsor_id, f.sponsor_ids, "Person", "sponsorIds"),
        *ids_of(p.department_id, f.department_ids, "Department", "departmentIds"),
        *one_of(p.priority, f.priorities),
        *between(p.planned_start, f.planned_start_from, f.planned_start_to),
        *between(p.planned_finish, f.planned_finish_from, f.planned_finish_to),
        *since(p.updated_at, f.updated_since),
    ]


PROJECTS = ListSpec(
    ProjectRow, "project",
    OrderSpec({
        "CODE": SortField("CODE", ProjectRow.code),
        "NAME": SortField("NAME", ProjectRow.name),
        "STATUS": SortField("STATUS", ProjectRow.status),
        "PRIORITY": SortField("PRIORITY", ProjectRow.priority),
        "BUDGET_AT_COMPLETION": SortField("BUDGET_AT_COMPLETION", ProjectRow.budget_at_completion),
        "PERCENT_COMPLETE": SortField("PERCENT_COMPLETE", ProjectRow.percent_complete),
        "PLANNED_START": SortField("PLANNED_START", ProjectRow.planned_start, nullable=True),
        "PLANNED_FINISH": SortField("PLANNED_FINISH", ProjectRow.planned_finish, nullable=True),
        "CREATED_AT": SortField("CREATED_AT", ProjectRow.created_at),
        "UPDATED_AT": SortField("UPDATED_AT", ProjectRow.updated_at),
    }, default=[("CODE", False)]),
    Project.from_row,
)
