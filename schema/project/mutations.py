"""Project mutations: thin wrappers over the project service, one transaction each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import UserError, input_id, input_values
from schema.context import Info
from schema.enums import Rag
from schema.project.history import ProjectBaseline
from schema.project.types import Project
from server.domain.errors import DomainError, ErrorCode
from server.domain.project import baselines
from server.domain.project import service as project_service
from server.domain.project.models import Project as ProjectRow

# Input fields holding global ids: API name -> (model field, expected node type).
_ID_FIELDS = {
    "portfolio_id": "Portfolio", "program_id": "Program", "manager_id": "Person",
    "sponsor_id": "Person", "department_id": "Department", "project_type_id": "ProjectType",
    "governance_template_id": "GovernanceTemplate",
}


def _values(data: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return input_values(data, _ID_FIELDS, skip=skip)


@strawberry.input(description="Fields of a project that both create and update accept.")
class ProjectFieldsInput:
    description: str | None = strawberry.field(default=strawberry.UNSET,
        description="What the project delivers.")
    program_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET,
        description="The program's global id, in the same portfolio.")
    sponsor_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET,
        description="The executive sponsor's global id.")
    department_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET,
        description="The owning department's global id.")
    project_type_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET,
        description="The project type's global id.")
    priority: int | None = strawberry.field(default=strawberry.UNSET,
        description="1 (highest) to 5.")
    budget_at_completion: Decimal | None = strawberry.field(default=strawberry.UNSET,
        description="BAC, zero or more.")
    planned_start: date | None = strawberry.field(default=strawberry.UNSET,
        description="Planned start date.")
    planned_finish: date | None = strawberry.field(default=strawberry.UNSET,
        description="Planned finish date, not before the start.")
    percent_complete: int | None = strawberry.field(default=strawberry.UNSET,
        description="Progress, 0 to 100.")
    health_override: Rag | None = strawberry.field(default=strawberry.UNSET,
        description="A RAG that replaces the computed health; null clears it.")  # type: ignore[valid-type]


@strawberry.input(description="A new project. A project manager becomes its manager.")
class CreateProjectInput(ProjectFieldsInput):
    name: str = strawberry.field(description="Display name.")
    portfolio_id: strawberry.ID = strawberry.field(description="The portfolio's global id.")
    code: str | None = strawberry.field(default=strawberry.UNSET,
                                        description="Unique code; generated when omitted.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Defaults to the caller.")
    governance_template_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="A governance template whose gates and checklists are copied onto it.")


@strawberry.input(description="A partial update of a project read at `version`.")
class UpdateProjectInput(ProjectFieldsInput):
    id: strawberry.ID = strawberry.field(description="The project's global id.")
    version: int = strawberry.field(description="The version the caller read.")
    name: str | None = strawberry.field(default=strawberry.UNSET,
        description="Display name.")
    manager_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET,
        description="The project manager's global id.")
    forecast_finish: date | None = strawberry.field(default=strawberry.UNSET,
        description="Forecast finish date.")
    actual_start: date | None = strawberry.field(default=strawberry.UNSET,
        description="When work actually started.")
    actual_finish: date | None = strawberry.field(default=strawberry.UNSET,
        description="When work actually finished.")


@strawberry.input(description="Baseline a project read at `version`: its plan as it stands "
                              "becomes the reference its progress is measured against.")
class BaselineProjectInput:
    id: strawberry.ID = strawberry.field(description="The project's global id.")
    version: int = strawberry.field(description="The version the caller read.")
    reason: str | None = strawberry.field(
        default=None, description="Why, e.g. \"Approved at gate 2\" (at most 500 characters).")


@strawberry.type(description="The result of createProject.")
class CreateProjectPayload:
    project: Project | None = strawberry.field(description="The new project, if created.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was created.")


@strawberry.type(description="The result of updateProject.")
class UpdateProjectPayload:
    project: Project | None = strawberry.field(description="The project after the update.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.type(description="The result of baselineProject.")
class BaselineProjectPayload:
    project: Project | None = strawberry.field(
        description="The project with its new baseline start and finish.")
    baseline: ProjectBaseline | None = strawberry.field(description="The baseline taken.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


CreateProjectArg = Annotated[CreateProjectInput, strawberry.argument(
    description="The new project's fields.")]
BaselineProjectArg = Annotated[BaselineProjectInput, strawberry.argument(
    description="The project, the version read and why.")]
UpdateProjectArg = Annotated[UpdateProjectInput, strawberry.argument(
    description="The project's id, the version read, and the fields to change.")]


@strawberry.type
class ProjectMutations:
    @strawberry.mutation(description="Create a project (PMO, or a PM as its manager).")
    async def create_project(self, info: Info, input: CreateProjectArg) -> CreateProjectPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await project_service.create(session, actor=actor, data=_values(input))

        row, errors = await info.context.mutate(work)
        return CreateProjectPayload(project=Project.from_row(row) if row else None,
                                    user_errors=errors)

    @strawberry.mutation(description="Update a project; a stale `version` is VERSION_CONFLICT.")
    async def update_project(self, info: Info, input: UpdateProjectArg) -> UpdateProjectPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            project_id = input_id(input.id, expected="Project", field="id")
            if project_id is None:
                raise DomainError.one("id", "required", ErrorCode.REQUIRED)
            changes = _values(input, skip=("id", "version"))
            return await project_service.update(session, actor=actor, project_id=project_id,
                                                version=input.version, changes=changes)

        row, errors = await info.context.mutate(work)
        return UpdateProjectPayload(project=Project.from_row(row) if row else None,
                                    user_errors=errors)

    @strawberry.mutation(description="Freeze a project's plan as its next numbered baseline: "
                                     "planned start and finish become the baseline dates, each "
                                     "milestone's planned date its baseline date (the PMO, or "
                                     "the project's sponsor). A stale `version` is "
                                     "VERSION_CONFLICT; a project without planned dates is "
                                     "REQUIRED.")
    async def baseline_project(self, info: Info,
                               input: BaselineProjectArg) -> BaselineProjectPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            project_id = input_id(input.id, expected="Project", field="id")
            if project_id is None:
                raise DomainError.one("id", "required", ErrorCode.REQUIRED)
            baseline = await baselines.take(session, actor=actor, project_id=project_id,
                                            version=input.version, reason=input.reason)
            project = await session.get(ProjectRow, project_id)
            return project, baseline

        result, errors = await info.context.mutate(work)
        project, baseline = result if result else (None, None)
        return BaselineProjectPayload(
            project=Project.from_row(project) if project else None,
            baseline=ProjectBaseline.from_row(baseline) if baseline else None,
            user_errors=errors)
