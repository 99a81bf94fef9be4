"""Milestone rules: create, update and delete, authorized as the project's children, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.base import utcnow
from server.domain.common import get_or_raise, validated
from server.domain.enums import MilestoneStatus
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.project.access import project_resource
from server.domain.project.milestone_schemas import MilestoneCreate, MilestoneUpdate
from server.domain.project.models import Milestone, Project

RESOURCE = "milestone"
API_NAMES = {"project_id": "projectId", "planned_date": "plannedDate",
             "forecast_date": "forecastDate", "actual_date": "actualDate",
             "planned_percent": "plannedPercent", "__root__": "input"}
# Columns that cannot be cleared by an update.
NOT_NULL = ("name", "planned_date", "status")


def _validate(model: type[SQLModel], data: dict[str, Any], *, partial: bool = False,
              ) -> dict[str, Any]:
    return validated(model, data, api_names=API_NAMES, partial=partial, not_null=NOT_NULL)


def _check_rules(values: dict[str, Any], status: MilestoneStatus, actual: date | None) -> None:
    """``values`` are the fields given; ``status`` and ``actual`` what the row will hold."""
    given = values.get("actual_date")
    if given is not None and given > utcnow().date():
        raise DomainError.one("actualDate", "a milestone cannot be reached in the future",
                              ErrorCode.INVALID)
    if status == MilestoneStatus.ACHIEVED and actual is None:
        raise DomainError.one("actualDate", "an achieved milestone needs its actual date",
                              ErrorCode.REQUIRED)


async def _stage(session: AsyncSession, milestone: Milestone, action: str) -> None:
    project = await session.get(Project, milestone.project_id)
    events.stage(session, DomainEvent(
        "milestone.changed", "Milestone", milestone.id,  # type: ignore[arg-type]
        project.portfolio_id if project else None,
        {"action": action, "project_id": milestone.project_id}))


async def get(session: AsyncSession, *, milestone_id: int) -> Milestone | None:
    """The milestone, or None."""
    return await session.get(Milestone, milestone_id)


async def create(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> Milestone:
    """Add a milestone to a project. Raises DomainError or Forbidden."""
    if data.get("project_id") is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    actor.require("create", await project_resource(session, data["project_id"], RESOURCE))
    values = _validate(MilestoneCreate, {k: v for k, v in data.items() if v is not None})
    _check_rules(values, values["status"], values.get("actual_date"))
    milestone = Milestone(**values)
    session.add(milestone)
    await session.flush()
    await audit.record(session, actor=actor, action="create", entity_type="Milestone",
                       entity_id=milestone.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(milestone)))
    await _stage(session, milestone, "create")
    return milestone


async def update(session: AsyncSession, *, actor: Actor, milestone_id: int,
                 changes: dict[str, Any]) -> Milestone:
    """Apply a partial update to a milestone. Raises DomainError or Forbidden."""
    milestone = await get_or_raise(session, Milestone, milestone_id, "milestone")
    actor.require("update", await project_resource(session, milestone.project_id, RESOURCE,
                                                   field="id", row_id=milestone.id))
    values = _validate(MilestoneUpdate, changes, partial=True)
    _check_rules(values, values.get("status", milestone.status),
                 values.get("actual_date", milestone.actual_date))
    before = audit.snapshot(milestone)
    for key, value in values.items():
        setattr(milestone, key, value)
    await session.flush()
    changes = audit.diff(before, audit.snapshot(milestone))
    if not changes:  # an update that changes nothing writes no audit or outbox event
        return milestone
    await audit.record(session, actor=actor, action="update", entity_type="Milestone",
                       entity_id=milestone.id,  # type: ignore[arg-type]
                       changes=changes)
    await _stage(session, milestone, "update")
    return milestone


async def delete(session: AsyncSession, *, actor: Actor, milestone_id: int) -> Milestone:
    """Delete a milestone; returns the deleted row. Raises DomainError or Forbidden."""
    milestone = await get_or_raise(session, Milestone, milestone_id, "milestone")
    actor.require("delete", await project_resource(session, milestone.project_id, RESOURCE,
                                                   field="id", row_id=milestone.id))
    before = audit.snapshot(milestone)
    await _stage(session, milestone, "delete")
    await session.delete(milestone)
    await session.flush()
    await audit.record(session, actor=actor, action="delete", entity_type="Milestone",
                       entity_id=milestone_id, changes=audit.diff(before, {}))
    return milestone
