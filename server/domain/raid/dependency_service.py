"""Dependency rules: create, update and delete; authorized, audited, never committed.

A dependency points at exactly one target: another project (``to_project_id``) or an
external party (``external_name``), never the project itself.
"""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.errors import DomainError, ErrorCode
from server.domain.project.models import Project
from server.domain.raid import common
from server.domain.raid.models import Dependency
from server.domain.raid.schemas import DependencyCreate, DependencyUpdate


async def get(session: AsyncSession, *, dependency_id: int) -> Dependency | None:
    """The dependency, or None."""
    return await session.get(Dependency, dependency_id)


async def _check_target(session: AsyncSession, from_project_id: int, to_project_id: int | None,
                        external_name: str | None) -> None:
    if to_project_id is None and external_name is None:
        raise DomainError.one("toProjectId", "give toProjectId or externalName",
                              ErrorCode.REQUIRED)
    if to_project_id is not None and external_name is not None:
        raise DomainError.one("toProjectId", "give toProjectId or externalName, not both",
                              ErrorCode.INVALID)
    if to_project_id is None:
        return
    if to_project_id == from_project_id:
        raise DomainError.one("toProjectId", "a project cannot depend on itself",
                              ErrorCode.INVALID)
    if await session.get(Project, to_project_id) is None:
        raise DomainError.one("toProjectId", "no project with this id", ErrorCode.NOT_FOUND)


async def create(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> Dependency:
    """Record what a project the actor may edit needs. Raises DomainError or Forbidden."""
    data = {k: v for k, v in data.items() if v is not None}
    if "from_project_id" not in data:
        raise DomainError.one("fromProjectId", "fromProjectId is required", ErrorCode.REQUIRED)
    actor.require("create", await common.resource_of(
        session, "dependency", data["from_project_id"], field="fromProjectId"))
    values = common.validate(DependencyCreate, data).model_dump()
    await _check_target(session, values["from_project_id"], values["to_project_id"],
                        values["external_name"])
    dependency = Dependency(**values)
    session.add(dependency)
    await common.flush(session, "dependency")
    await common.record(session, actor=actor, action="create", row=dependency, before={})
    return dependency


async def _editable(session: AsyncSession, actor: Actor, action: str,
                    dependency_id: int) -> Dependency:
    dependency = await common.get_or_raise(session, Dependency, dependency_id, "dependency")
    actor.require(action, await common.resource_of(session, "dependency",
                                                   dependency.from_project_id, dependency.id))
    return dependency


async def update(session: AsyncSession, *, actor: Actor, dependency_id: int,
                 changes: dict[str, Any]) -> Dependency:
    """Apply a partial update; the target rule holds afterwards. Raises DomainError or
    Forbidden."""
    dependency = await _editable(session, actor, "update", dependency_id)
    values = common.validate(DependencyUpdate, changes).model_dump(exclude_unset=True)
    await _check_target(session, dependency.from_project_id,
                        values.get("to_project_id", dependency.to_project_id),
                        values.get("external_name", dependency.external_name))
    before = audit.snapshot(dependency)
    common.apply(dependency, values)
    await common.flush(session, "dependency")
    await common.record(session, actor=actor, action="update", row=dependency, before=before)
    return dependency


async def delete(session: AsyncSession, *, actor: Actor, dependency_id: int) -> Dependency:
    """Delete a dependency; returns it as it was. Raises DomainError or Forbidden."""
    dependency = await _editable(session, actor, "delete", dependency_id)
    await common.record_delete(session, actor=actor, row=dependency)
    await session.delete(dependency)
    await common.flush(session, "dependency")
    return dependency
