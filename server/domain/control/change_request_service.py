"""Change request rules: drafting, editing drafts and submitting them for a decision.

Authorized by the one enforcer against the project's relationships, audited, never committed.
Deciding (approve/reject, moving BAC and baseline finish) is in decision_service.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.collaboration import workflow
from server.domain.common import flush
from server.domain.control.schemas import ChangeRequestCreate, ChangeRequestUpdate
from server.domain.enums import ChangeRequestStatus
from server.domain.errors import DomainError, ErrorCode, FieldError, from_validation_error
from server.domain.project.access import project_resource
from server.domain.raid.models import ChangeRequest

ENTITY_TYPE = "ChangeRequest"
RESOURCE_TYPE = "change_request"

# Model field -> API input name, so errors point at what the caller sent.
API_NAMES = {
    "project_id": "projectId", "cost_impact": "costImpact",
    "schedule_impact_days": "scheduleImpactDays", "__root__": "input",
}
# Columns that cannot be cleared: an explicit null is a missing value.
_NOT_NULL = ("title", "cost_impact", "schedule_impact_days")
CENT = Decimal("0.01")


async def get(session: AsyncSession, *, change_request_id: int) -> ChangeRequest | None:
    """The change request, or None."""
    return await session.get(ChangeRequest, change_request_id)


async def resource_for(session: AsyncSession, change_request: ChangeRequest) -> Resource:
    """The change request as the policies see it: its project's manager, sponsor and owner."""
    return await project_resource(session, change_request.project_id, RESOURCE_TYPE,
                                  row_id=change_request.id)


def _validate(model: type[SQLModel], data: dict[str, Any]) -> SQLModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, to_field=API_NAMES) from None


def _in_cents(values: dict[str, Any]) -> dict[str, Any]:
    """Money at two places, as the database gives it back, so the payload matches a re-read."""
    if values.get("cost_impact") is not None:
        values["cost_impact"] = values["cost_impact"].quantize(CENT)
    return values


async def _get_for(session: AsyncSession, actor: Actor, action: str, change_request_id: int,
                   version: int) -> ChangeRequest:
    """The draft to change: found, allowed, read at ``version`` and still a draft."""
    change_request = await get(session, change_request_id=change_request_id)
    if change_request is None:
        raise DomainError.one("id", "no change request with this id", ErrorCode.NOT_FOUND)
    actor.require(action, await resource_for(session, change_request))
    if change_request.version != version:
        raise DomainError.one(
            "version", f"the change request is at version {change_request.version}, "
            f"not {version}; reload it", ErrorCode.VERSION_CONFLICT)
    if change_request.status != ChangeRequestStatus.DRAFT:
        raise DomainError.one(
            "id", f"the change request is {change_request.status.value}; only a DRAFT can be "
            f"{'edited' if action == 'update' else 'submitted'}", ErrorCode.INVALID)
    return change_request


async def create(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> ChangeRequest:
    """Draft a change request on a project, requested by the actor. Raises DomainError or
    Forbidden."""
    project_id = data.get("project_id")
    if project_id is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    actor.require("create", await project_resource(session, project_id, RESOURCE_TYPE))
    validated = _validate(ChangeRequestCreate, {k: v for k, v in data.items() if v is not None})
    values = _in_cents(validated.model_dump(exclude_none=True))
    change_request = ChangeRequest(**values,
                                   status=ChangeRequestStatus.DRAFT,
                                   requested_by_id=actor.person_id)
    session.add(change_request)
    await flush(session, "change request")
    await audit.record(session, actor=actor, action="create", entity_type=ENTITY_TYPE,
                       entity_id=change_request.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(change_request)))
    return change_request


async def update(session: AsyncSession, *, actor: Actor, change_request_id: int, version: int,
                 changes: dict[str, Any]) -> ChangeRequest:
    """Edit a draft read at ``version``; a submitted one is refused. Raises DomainError or
    Forbidden."""
    change_request = await _get_for(session, actor, "update", change_request_id, version)
    cleared = [FieldError((API_NAMES.get(k, k),), "must not be null", ErrorCode.REQUIRED)
               for k in _NOT_NULL if k in changes and changes[k] is None]
    if cleared:
        raise DomainError(cleared)
    values = _in_cents(_validate(ChangeRequestUpdate, changes).model_dump(exclude_unset=True))
    before = audit.snapshot(change_request)
    for key, value in values.items():
        setattr(change_request, key, value)
    await flush(session, "change request")
    changes = audit.diff(before, audit.snapshot(change_request))
    if not changes:  # an update that changes nothing writes no audit or outbox event
        return change_request
    await audit.record(session, actor=actor, action="update", entity_type=ENTITY_TYPE,
                       entity_id=change_request.id,  # type: ignore[arg-type]
                       changes=changes)
    return change_request


async def submit(session: AsyncSession, *, actor: Actor, change_request_id: int,
                 version: int) -> ChangeRequest:
    """Submit a draft read at ``version`` for a decision (DRAFT -> SUBMITTED). Raises
    DomainError or Forbidden."""
    change_request = await _get_for(session, actor, "submit", change_request_id, version)
    before = audit.snapshot(change_request)
    change_request.status = ChangeRequestStatus.SUBMITTED
    await flush(session, "change request")
    await audit.record(session, actor=actor, action="submit", entity_type=ENTITY_TYPE,
                       entity_id=change_request.id,  # type: ignore[arg-type]
                       changes=audit.diff(before, audit.snapshot(change_request)))
    await workflow.change_request_submitted(session, actor, change_request,
                                            await resource_for(session, change_request))
    return change_request
