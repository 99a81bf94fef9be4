"""Cost rules: actual costs recorded against a project (its AC), corrected or removed when
wrong; authorized as the project's children, audited, never committed."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.base import utcnow
from server.domain.common import get_or_raise, validated
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.project.access import project_resource
from server.domain.project.cost_schemas import CostEntryCreate, CostEntryUpdate
from server.domain.project.models import CostEntry, Project

RESOURCE = "cost_entry"
API_NAMES = {"project_id": "projectId", "incurred_on": "incurredOn", "__root__": "input"}
# Columns an update cannot clear (the description can be).
NOT_NULL = ("incurred_on", "amount", "category")


def _validate(model: type[SQLModel], data: dict[str, Any], *, partial: bool = False,
              ) -> dict[str, Any]:
    values = validated(model, data, api_names=API_NAMES, partial=partial, not_null=NOT_NULL)
    # Actual cost is what has been spent; future spend belongs in the forecast.
    incurred_on = values.get("incurred_on")
    if incurred_on is not None and incurred_on > utcnow().date():
        raise DomainError.one("incurredOn", "a cost cannot be incurred in the future",
                              ErrorCode.INVALID)
    return values


async def _stage(session: AsyncSession, entry: CostEntry, event_type: str,
                 **payload: Any) -> None:
    project = await session.get(Project, entry.project_id)
    events.stage(session, DomainEvent(
        event_type, "CostEntry", entry.id,  # type: ignore[arg-type]
        project.portfolio_id if project else None,
        {**payload, "project_id": entry.project_id, "amount": str(entry.amount)}))


async def get(session: AsyncSession, *, cost_entry_id: int) -> CostEntry | None:
    """The cost entry, or None."""
    return await session.get(CostEntry, cost_entry_id)


async def record(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> CostEntry:
    """Record a cost incurred by a project. Raises DomainError or Forbidden."""
    if data.get("project_id") is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    actor.require("create", await project_resource(session, data["project_id"], RESOURCE))
    entry = CostEntry(**_validate(CostEntryCreate,
                                  {k: v for k, v in data.items() if v is not None}))
    session.add(entry)
    await session.flush()
    await audit.record(session, actor=actor, action="create", entity_type="CostEntry",
                       entity_id=entry.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(entry)))
    await _stage(session, entry, "cost_entry.recorded")
    return entry


async def update(session: AsyncSession, *, actor: Actor, cost_entry_id: int,
                 changes: dict[str, Any]) -> CostEntry:
    """Correct a cost entry's date, amount, category or description (partial).

    Raises DomainError or Forbidden.
    """
    entry = await get_or_raise(session, CostEntry, cost_entry_id, "cost entry")
    actor.require("update", await project_resource(session, entry.project_id, RESOURCE,
                                                   field="id", row_id=entry.id))
    values = _validate(CostEntryUpdate, changes, partial=True)
    before = audit.snapshot(entry)
    for key, value in values.items():
        setattr(entry, key, value)
    await session.flush()
    changes = audit.diff(before, audit.snapshot(entry))
    if not changes:  # an update that changes nothing writes no audit or outbox event
        return entry
    await audit.record(session, actor=actor, action="update", entity_type="CostEntry",
                       entity_id=entry.id,  # type: ignore[arg-type]
                       changes=changes)
    await _stage(session, entry, "cost_entry.changed", action="update")
    return entry


async def delete(session: AsyncSession, *, actor: Actor, cost_entry_id: int) -> CostEntry:
    """Remove a cost entry recorded by mistake; returns the deleted row.

    Raises DomainError or Forbidden.
    """
    entry = await get_or_raise(session, CostEntry, cost_entry_id, "cost entry")
    actor.require("delete", await project_resource(session, entry.project_id, RESOURCE,
                                                   field="id", row_id=entry.id))
    before = audit.snapshot(entry)
    await _stage(session, entry, "cost_entry.changed", action="delete")
    await session.delete(entry)
    await session.flush()
    await audit.record(session, actor=actor, action="delete", entity_type="CostEntry",
                       entity_id=cost_entry_id, changes=audit.diff(before, {}))
    return entry
