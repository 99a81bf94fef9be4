"""Project rules: create and update, authorized by the one enforcer, audited, never committed."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.common import flush
from server.domain.errors import DomainError, ErrorCode, FieldError, from_validation_error
from server.domain.events import DomainEvent
from server.domain.governance import service as governance_service
from server.domain.governance.models import GovernanceTemplate, ProjectType
from server.domain.organisation.models import Department, Person
from server.domain.portfolio.models import Portfolio, Program
from server.domain.project.models import Project
from server.domain.project.schemas import ProjectCreate, ProjectUpdate

# Model field -> API input name, so errors point at what the caller sent.
API_NAMES = {
    "portfolio_id": "portfolioId", "program_id": "programId", "manager_id": "managerId",
    "sponsor_id": "sponsorId", "department_id": "departmentId",
    "project_type_id": "projectTypeId", "budget_at_completion": "budgetAtCompletion",
    "planned_start": "plannedStart", "planned_finish": "plannedFinish",
    "percent_complete": "percentComplete", "health_override": "healthOverride",
    "forecast_finish": "forecastFinish", "actual_start": "actualStart",
    "actual_finish": "actualFinish", "governance_template_id": "governanceTemplateId",
    "__root__": "input",
}

_REFERENCES: dict[str, type[SQLModel]] = {
    "portfolio_id": Portfolio, "program_id": Program, "manager_id": Person,
    "sponsor_id": Person, "department_id": Department, "project_type_id": ProjectType,
    "governance_template_id": GovernanceTemplate,
}


async def get(session: AsyncSession, *, project_id: int) -> Project | None:
    """The project, or None."""
    return await session.get(Project, project_id)


async def resource_for(session: AsyncSession, project: Project) -> Resource:
    """The project as the policies see it: its manager, sponsor and portfolio owner."""
    owner = (await session.exec(
        sa.select(Portfolio.owner_id).where(Portfolio.id == project.portfolio_id)  # type: ignore[call-overload]
    )).scalar_one_or_none()
    return Resource("project", id=project.id, manager_id=project.manager_id,
                    sponsor_id=project.sponsor_id, portfolio_owner_id=owner)


def _validate(model: type[SQLModel], data: dict[str, Any]) -> SQLModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, to_field=API_NAMES) from None


async def _check_references(session: AsyncSession, values: dict[str, Any]) -> None:
    errors = []
    for field, model in _REFERENCES.items():
        ref = values.get(field)
        if ref is not None and await session.get(model, ref) is None:
            errors.append(FieldError((API_NAMES[field],), "no such object", ErrorCode.NOT_FOUND))
    if errors:
        raise DomainError(errors)
    program_id, portfolio_id = values.get("program_id"), values.get("portfolio_id")
    if program_id is not None and portfolio_id is not None:
        program = await session.get(Program, program_id)
        if program is not None and program.portfolio_id != portfolio_id:
            raise DomainError.one("programId", "program belongs to another portfolio",
                                  ErrorCode.INVALID)


def _check_dates(start: date | None, finish: date | None) -> None:
    if start and finish and finish < start:
        raise DomainError.one("plannedFinish", "plannedFinish must not be before plannedStart",
                              ErrorCode.INVALID)


async def _next_code(session: AsyncSession) -> str:
    highest = (await session.exec(sa.select(sa.func.max(Project.id)))).scalar_one()  # type: ignore[call-overload]
    return f"PRJ-{(highest or 0) + 1:04d}"


async def create(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> Project:
    """Create a project; a PM creates it as its manager. Raises DomainError or Forbidden."""
    data = {"manager_id": actor.person_id, **{k: v for k, v in data.items() if v is not None}}
    portfolio = await session.get(Portfolio, data.get("portfolio_id")) \
        if data.get("portfolio_id") else None
    actor.require("create", Resource(
        "project", manager_id=data.get("manager_id"), sponsor_id=data.get("sponsor_id"),
        portfolio_owner_id=portfolio.owner_id if portfolio else None))
    validated = _validate(ProjectCreate, data)
    values = validated.model_dump(exclude_none=True)
    _check_dates(values.get("planned_start"), values.get("planned_finish"))
    await _check_references(session, values)
    values.setdefault("code", await _next_code(session))
    # The template is applied after the project exists, by the governance service.
    template_id = values.pop("governance_template_id", None)
    project = Project(**values)
    session.add(project)
    await flush(session, "project", on_unique=DomainError.one(
        "code", "a project with this code already exists", ErrorCode.DUPLICATE))
    await audit.record(session, actor=actor, action="create", entity_type="Project",
                       entity_id=project.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(project)))
    events.stage(session, DomainEvent("project.changed", "Project", project.id,  # type: ignore[arg-type]
                                      project.portfolio_id, {"action": "create"}))
    if template_id is not None:
        await governance_service.apply_template(session, actor=actor, project_id=project.id,  # type: ignore[arg-type]
                                                template_id=template_id)
    return project


async def update(session: AsyncSession, *, actor: Actor, project_id: int, version: int,
                 changes: dict[str, Any]) -> Project:
    """Apply a partial update read at ``version``. Raises DomainError or Forbidden."""
    project = await get(session, project_id=project_id)
    if project is None:
        raise DomainError.one("id", "no project with this id", ErrorCode.NOT_FOUND)
    actor.require("update", await resource_for(session, project))
    if project.version != version:
        raise DomainError.one(
            "version", f"the project is at version {project.version}, not {version}; reload it",
            ErrorCode.VERSION_CONFLICT)
    validated = _validate(ProjectUpdate, changes)
    values = validated.model_dump(exclude_unset=True)
    _check_dates(values.get("planned_start", project.planned_start),
                 values.get("planned_finish", project.planned_finish))
    await _check_references(session, {**values, "portfolio_id": project.portfolio_id})
    before = audit.snapshot(project)
    for key, value in values.items():
        setattr(project, key, value)
    await flush(session, "project", on_unique=DomainError.one(
        "code", "a project with this code already exists", ErrorCode.DUPLICATE))
    changes = audit.diff(before, audit.snapshot(project))
    if not changes:  # an update that changes nothing writes no audit or outbox event
        return project
    await audit.record(session, actor=actor, action="update", entity_type="Project",
                       entity_id=project.id,  # type: ignore[arg-type]
                       changes=changes)
    events.stage(session, DomainEvent("project.changed", "Project", project.id,  # type: ignore[arg-type]
                                      project.portfolio_id, {"action": "update"}))
    return project
