"""Cost rules: actual costs recorded against a project (its AC), audited, never committed."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.base import utcnow
from server.domain.errors import DomainError, ErrorCode, from_validation_error
from server.domain.events import DomainEvent
from server.domain.project.access import project_resource
from server.domain.project.cost_schemas import CostEntryCreate
from server.domain.project.models import CostEntry, Project

RESOURCE = "cost_entry"
API_NAMES = {"project_id": "projectId", "incurred_on": "incurredOn", "__root__": "input"}


async def record(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> CostEntry:
    """Record a cost incurred by a project. Raises DomainError or Forbidden."""
    if data.get("project_id") is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    actor.require("create", await project_resource(session, data["project_id"], RESOURCE))
    try:
        validated = CostEntryCreate.model_validate(
            {k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise from_validation_error(exc, to_field=API_NAMES) from None
    # Actual cost is what has been spent; future spend belongs in the forecast.
    if validated.incurred_on > utcnow().date():
        raise DomainError.one("incurredOn", "a cost cannot be incurred in the future",
                              ErrorCode.INVALID)
    entry = CostEntry(**validated.model_dump())
    session.add(entry)
    await session.flush()
    await audit.record(session, actor=actor, action="create", entity_type="CostEntry",
                       entity_id=entry.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(entry)))
    project = await session.get(Project, entry.project_id)
    events.stage(session, DomainEvent(
        "cost_entry.recorded", "CostEntry", entry.id,  # type: ignore[arg-type]
        project.portfolio_id if project else None,
        {"project_id": entry.project_id, "amount": str(entry.amount)}))
    return entry
