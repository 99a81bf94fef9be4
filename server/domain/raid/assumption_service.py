"""Assumption rules: create, update and delete; authorized, audited, never committed."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.errors import DomainError, ErrorCode
from server.domain.raid import common
from server.domain.raid.models import Assumption
from server.domain.raid.schemas import AssumptionCreate, AssumptionUpdate


async def get(session: AsyncSession, *, assumption_id: int) -> Assumption | None:
    """The assumption, or None."""
    return await session.get(Assumption, assumption_id)


async def create(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> Assumption:
    """Record an assumption on a project the actor may edit. Raises DomainError or Forbidden."""
    data = {k: v for k, v in data.items() if v is not None}
    if "project_id" not in data:
        raise DomainError.one("projectId", "projectId is required", ErrorCode.REQUIRED)
    actor.require("create", await common.resource_of(session, "assumption", data["project_id"]))
    assumption = Assumption(**common.validate(AssumptionCreate, data).model_dump())
    session.add(assumption)
    await common.flush(session, "assumption")
    await common.record(session, actor=actor, action="create", row=assumption, before={})
    return assumption


async def _editable(session: AsyncSession, actor: Actor, action: str,
                    assumption_id: int) -> Assumption:
    assumption = await common.get_or_raise(session, Assumption, assumption_id, "assumption")
    actor.require(action, await common.resource_of(session, "assumption",
                                                   assumption.project_id, assumption.id))
    return assumption


async def update(session: AsyncSession, *, actor: Actor, assumption_id: int,
                 changes: dict[str, Any]) -> Assumption:
    """Change an assumption's text or mark it validated. Raises DomainError or Forbidden."""
    assumption = await _editable(session, actor, "update", assumption_id)
    values = common.validate(AssumptionUpdate, changes).model_dump(exclude_unset=True)
    before = audit.snapshot(assumption)
    common.apply(assumption, values)
    await common.flush(session, "assumption")
    await common.record(session, actor=actor, action="update", row=assumption, before=before)
    return assumption


async def delete(session: AsyncSession, *, actor: Actor, assumption_id: int) -> Assumption:
    """Delete an assumption; returns it as it was. Raises DomainError or Forbidden."""
    assumption = await _editable(session, actor, "delete", assumption_id)
    await common.record_delete(session, actor=actor, row=assumption)
    await session.delete(assumption)
    await common.flush(session, "assumption")
    return assumption
