"""Rules every RAID service shares: validation, references, versions, flushing and audit."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Resource
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.common import flush as flush  # re-exported for the RAID services
from server.domain.common import get_or_raise as get_or_raise  # likewise
from server.domain.errors import DomainError, ErrorCode, from_validation_error
from server.domain.governance.models import RiskCategory
from server.domain.organisation.models import Person
from server.domain.project.access import project_resource

M = TypeVar("M", bound=SQLModel)

# Model field -> API input name, so errors point at what the caller sent.
API_NAMES = {
    "project_id": "projectId", "owner_id": "ownerId", "category_id": "categoryId",
    "response_plan": "responsePlan", "due_date": "dueDate", "resolved_on": "resolvedOn",
    "from_project_id": "fromProjectId", "to_project_id": "toProjectId",
    "external_name": "externalName", "needed_by": "neededBy", "__root__": "input",
}


def api_name(field: str) -> str:
    """The input name the caller used for a model field."""
    return API_NAMES.get(field, field)


def today() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()


def validate(model: type[M], data: dict[str, Any]) -> M:
    """``data`` checked by ``model``; an explicit null for a ``NOT_NULL`` field is REQUIRED."""
    for name in getattr(model, "NOT_NULL", ()):
        if name in data and data[name] is None:
            raise DomainError.one(api_name(name), f"{api_name(name)} cannot be null",
                                  ErrorCode.REQUIRED)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, to_field=API_NAMES) from None


async def resource_of(session: AsyncSession, resource_type: str, project_id: int,
                      row_id: int | None = None, *, field: str = "projectId") -> Resource:
    """The policy resource for a RAID row of ``project_id``."""
    return await project_resource(session, project_id, resource_type, field=field,
                                  row_id=row_id)


def check_version(row: Any, version: int, label: str) -> None:
    """VERSION_CONFLICT unless the caller read the row at its current version."""
    if row.version != version:
        raise DomainError.one(
            "version", f"the {label} is at version {row.version}, not {version}; reload it",
            ErrorCode.VERSION_CONFLICT)


async def check_owner(session: AsyncSession, owner_id: int | None) -> None:
    """The owner, when given, is an existing, active person."""
    if owner_id is None:
        return
    person = await session.get(Person, owner_id)
    if person is None:
        raise DomainError.one("ownerId", "no person with this id", ErrorCode.NOT_FOUND)
    if not person.active:
        raise DomainError.one("ownerId", "this person is inactive and cannot own it",
                              ErrorCode.INVALID)


async def check_category(session: AsyncSession, category_id: int | None) -> None:
    """The risk category, when given, exists and is in use."""
    if category_id is None:
        return
    category = await session.get(RiskCategory, category_id)
    if category is None:
        raise DomainError.one("categoryId", "no risk category with this id",
                              ErrorCode.NOT_FOUND)
    if not category.active:
        raise DomainError.one("categoryId", "this risk category is retired", ErrorCode.INVALID)


def refuse_move(label: str, current: Any, target: Any, allowed: AbstractSet[Any],
                *, field: str = "status") -> None:
    """INVALID unless ``current`` may move to ``target``; the message says what may."""
    if target in allowed:
        return
    options = (f"it may only move to {', '.join(sorted(s.value for s in allowed))}" if allowed
               else "its status is final")
    raise DomainError.one(
        field, f"a {label} cannot move from {current.value} to {target.value}; {options}",
        ErrorCode.INVALID)


async def record(session: AsyncSession, *, actor: Actor, action: str, row: Any,
                 before: dict[str, Any]) -> None:
    """Audit ``action`` on ``row``: the fields that differ from ``before`` (an update that
    changes nothing is not recorded)."""
    changes = audit.diff(before, audit.snapshot(row))
    if action == "update" and not changes:
        return
    await audit.record(session, actor=actor, action=action, entity_type=type(row).__name__,
                       entity_id=row.id, changes=changes)


async def record_delete(session: AsyncSession, *, actor: Actor, row: Any) -> None:
    """Audit the deletion of ``row``: every field, before and after (null)."""
    await audit.record(session, actor=actor, action="delete", entity_type=type(row).__name__,
                       entity_id=row.id, changes=audit.diff(audit.snapshot(row), {}))


async def deletable(session: AsyncSession, actor: Actor, model: type[M], row_id: int,
                    version: int, label: str) -> M:
    """The versioned row to delete, once the actor may delete it and ``version`` is current."""
    row = await get_or_raise(session, model, row_id, label)
    actor.require("delete", await resource_of(session, label, row.project_id,  # type: ignore[attr-defined]
                                              row.id))  # type: ignore[attr-defined]
    check_version(row, version, label)
    return row


async def remove(session: AsyncSession, *, actor: Actor, row: Any, label: str) -> None:
    """Audit the deletion of ``row``, then delete it (in the caller's transaction)."""
    await record_delete(session, actor=actor, row=row)
    await session.delete(row)
    await flush(session, label)


def apply(row: Any, values: dict[str, Any]) -> None:
    """Set the given values on the row."""
    for key, value in values.items():
        setattr(row, key, value)
