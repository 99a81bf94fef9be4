"""Allocation and benefit rules: authorized as the project's children, audited, never committed.

A person's utilisation in an ISO week is the sum of the percents of their allocations that
overlap it; over 100 is over-allocation. That is allowed (plans are often tight for a week)
but the caller is warned, week by week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.collaboration import workflow
from server.domain.common import flush, validated
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.organisation.models import Person
from server.domain.project.access import project_resource
from server.domain.project.models import Project
from server.domain.resource.models import Allocation, Benefit
from server.domain.resource.schemas import (
    AllocationCreate,
    AllocationUpdate,
    BenefitCreate,
    BenefitUpdate,
)

API_NAMES = {
    "person_id": "personId", "project_id": "projectId", "role_name": "roleName",
    "start_date": "startDate", "end_date": "endDate", "target_value": "targetValue",
    "realized_value": "realizedValue", "target_date": "targetDate", "owner_id": "ownerId",
    "__root__": "input",
}
FULL_TIME = 100


@dataclass(frozen=True)
class AllocationChange:
    """An allocation as written, and the over-allocated weeks of its person it falls in."""

    allocation: Allocation
    warnings: list[str] = field(default_factory=list)


def _validate(model: type[SQLModel], data: dict[str, Any], *, partial: bool = False,
              not_null: tuple[str, ...] = ()) -> dict[str, Any]:
    return validated(model, data, api_names=API_NAMES, partial=partial, not_null=not_null)


async def _portfolio_of(session: AsyncSession, project_id: int) -> int | None:
    project = await session.get(Project, project_id)
    return project.portfolio_id if project else None


# --- allocations -----------------------------------------------------------------------

async def get_allocation(session: AsyncSession, *, allocation_id: int) -> Allocation | None:
    """The allocation, or None."""
    return await session.get(Allocation, allocation_id)


async def _allocation_or_raise(session: AsyncSession, allocation_id: int) -> Allocation:
    allocation = await get_allocation(session, allocation_id=allocation_id)
    if allocation is None:
        raise DomainError.one("id", "no allocation with this id", ErrorCode.NOT_FOUND)
    return allocation


def _check_dates(start: date, end: date) -> None:
    if end < start:
        raise DomainError.one("endDate", "endDate must not be before startDate",
                              ErrorCode.INVALID)


async def _check_unique(session: AsyncSession, person_id: int, project_id: int, start: date,
                        allocation_id: int | None = None) -> None:
    stmt = sa.select(Allocation.id).where(
        Allocation.person_id == person_id, Allocation.project_id == project_id,
        Allocation.start_date == start)
    if allocation_id is not None:
        stmt = stmt.where(Allocation.id != allocation_id)
    if (await session.exec(stmt.limit(1))).first() is not None:  # type: ignore[call-overload]
        raise _duplicate()


def _duplicate() -> DomainError:
    return DomainError.one("startDate", "the person already has an allocation to this project "
                           "starting that day", ErrorCode.DUPLICATE)


def _iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


async def over_allocated_weeks(session: AsyncSession, *, person_id: int, start: date,
                               end: date) -> list[str]:
    """The ISO weeks between ``start`` and ``end`` in which the person is over 100%."""
    first_monday = start - timedelta(days=start.weekday())
    last_sunday = end + timedelta(days=6 - end.weekday())
    overlapping = (await session.exec(
        sa.select(Allocation.start_date, Allocation.end_date, Allocation.percent)  # type: ignore[call-overload]
        .where(Allocation.person_id == person_id, Allocation.start_date <= last_sunday,
               Allocation.end_date >= first_monday))).all()
    warnings = []
    monday = first_monday
    while monday <= end:
        sunday = monday + timedelta(days=6)
        total = sum(p for s, e, p in overlapping if s <= sunday and e >= monday)
        if total > FULL_TIME:
            warnings.append(f"{_iso_week(monday)}: {total}% allocated (week of {monday})")
        monday += timedelta(days=7)
    return warnings


async def _stage_allocation(session: AsyncSession, allocation: Allocation, action: str) -> None:
    events.stage(session, DomainEvent(
        "allocation.changed", "Allocation", allocation.id,  # type: ignore[arg-type]
        await _portfolio_of(session, allocation.project_id),
        {"action": action, "project_id": allocation.project_id,
         "person_id": allocation.person_id}))


async def create_allocation(session: AsyncSession, *, actor: Actor,
                            data: dict[str, Any]) -> AllocationChange:
    """Allocate a person to a project. Raises DomainError or Forbidden."""
    if data.get("project_id") is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    actor.require("create", await project_resource(session, data["project_id"], "allocation"))
    values = _validate(AllocationCreate, {k: v for k, v in data.items() if v is not None})
    _check_dates(values["start_date"], values["end_date"])
    person = await session.get(Person, values["person_id"])
    if person is None:
        raise DomainError.one("personId", "no person with this id", ErrorCode.NOT_FOUND)
    if not person.active:
        raise DomainError.one("personId", "the person is inactive", ErrorCode.INVALID)
    await _check_unique(session, values["person_id"], values["project_id"], values["start_date"])
    allocation = Allocation(**values)
    session.add(allocation)
    await flush(session, "allocation", on_unique=_duplicate())
    await audit.record(session, actor=actor, action="create", entity_type="Allocation",
                       entity_id=allocation.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(allocation)))
    await _stage_allocation(session, allocation, "create")
    warnings = await over_allocated_weeks(session, person_id=allocation.person_id,
                                          start=allocation.start_date, end=allocation.end_date)
    await workflow.over_allocated(session, actor, allocation, warnings)
    return AllocationChange(allocation, warnings)


async def update_allocation(session: AsyncSession, *, actor: Actor, allocation_id: int,
                            changes: dict[str, Any]) -> AllocationChange:
    """Change an allocation's role, dates or percent. Raises DomainError or Forbidden."""
    allocation = await _allocation_or_raise(session, allocation_id)
    actor.require("update", await project_resource(
        session, allocation.project_id, "allocation", field="id", row_id=allocation.id))
    values = _validate(AllocationUpdate, changes, partial=True,
                       not_null=("role_name", "start_date", "end_date", "percent"))
    start = values.get("start_date", allocation.start_date)
    _check_dates(start, values.get("end_date", allocation.end_date))
    if start != allocation.start_date:
        await _check_unique(session, allocation.person_id, allocation.project_id, start,
                            allocation.id)
    before = audit.snapshot(allocation)
    for key, value in values.items():
        setattr(allocation, key, value)
    await flush(session, "allocation", on_unique=_duplicate())
    changes = audit.diff(before, audit.snapshot(allocation))
    if changes:  # an update that changes nothing writes no audit or outbox event
        await audit.record(session, actor=actor, action="update", entity_type="Allocation",
                           entity_id=allocation.id,  # type: ignore[arg-type]
                           changes=changes)
        await _stage_allocation(session, allocation, "update")
    warnings = await over_allocated_weeks(session, person_id=allocation.person_id,
                                          start=allocation.start_date, end=allocation.end_date)
    if changes:
        await workflow.over_allocated(session, actor, allocation, warnings)
    return AllocationChange(allocation, warnings)


async def delete_allocation(session: AsyncSession, *, actor: Actor,
                            allocation_id: int) -> Allocation:
    """Remove an allocation; returns the deleted row. Raises DomainError or Forbidden."""
    allocation = await _allocation_or_raise(session, allocation_id)
    actor.require("delete", await project_resource(
        session, allocation.project_id, "allocation", field="id", row_id=allocation.id))
    before = audit.snapshot(allocation)
    await _stage_allocation(session, allocation, "delete")
    await session.delete(allocation)
    await session.flush()
    await audit.record(session, actor=actor, action="delete", entity_type="Allocation",
                       entity_id=allocation_id, changes=audit.diff(before, {}))
    return allocation


# --- benefits --------------------------------------------------------------------------

async def get_benefit(session: AsyncSession, *, benefit_id: int) -> Benefit | None:
    """The benefit, or None."""
    return await session.get(Benefit, benefit_id)


async def _check_owner(session: AsyncSession, owner_id: int | None) -> None:
    if owner_id is not None and await session.get(Person, owner_id) is None:
        raise DomainError.one("ownerId", "no person with this id", ErrorCode.NOT_FOUND)


async def _stage_benefit(session: AsyncSession, benefit: Benefit, action: str) -> None:
    events.stage(session, DomainEvent(
        "benefit.changed", "Benefit", benefit.id,  # type: ignore[arg-type]
        await _portfolio_of(session, benefit.project_id),
        {"action": action, "project_id": benefit.project_id}))


async def create_benefit(session: AsyncSession, *, actor: Actor,
                         data: dict[str, Any]) -> Benefit:
    """Add a benefit the project should realise. Raises DomainError or Forbidden."""
    if data.get("project_id") is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    actor.require("create", await project_resource(session, data["project_id"], "benefit"))
    values = _validate(BenefitCreate, {k: v for k, v in data.items() if v is not None})
    await _check_owner(session, values.get("owner_id"))
    benefit = Benefit(**values)
    session.add(benefit)
    await flush(session, "benefit")
    await audit.record(session, actor=actor, action="create", entity_type="Benefit",
                       entity_id=benefit.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(benefit)))
    await _stage_benefit(session, benefit, "create")
    return benefit


async def update_benefit(session: AsyncSession, *, actor: Actor, benefit_id: int,
                         changes: dict[str, Any]) -> Benefit:
    """Apply a partial update to a benefit (e.g. its realised value). Raises DomainError
    or Forbidden."""
    benefit = await get_benefit(session, benefit_id=benefit_id)
    if benefit is None:
        raise DomainError.one("id", "no benefit with this id", ErrorCode.NOT_FOUND)
    actor.require("update", await project_resource(
        session, benefit.project_id, "benefit", field="id", row_id=benefit.id))
    values = _validate(BenefitUpdate, changes, partial=True,
                       not_null=("name", "target_value", "realized_value", "unit"))
    await _check_owner(session, values.get("owner_id"))
    before = audit.snapshot(benefit)
    for key, value in values.items():
        setattr(benefit, key, value)
    await flush(session, "benefit")
    changes = audit.diff(before, audit.snapshot(benefit))
    if not changes:  # an update that changes nothing writes no audit or outbox event
        return benefit
    await audit.record(session, actor=actor, action="update", entity_type="Benefit",
                       entity_id=benefit.id,  # type: ignore[arg-type]
                       changes=changes)
    await _stage_benefit(session, benefit, "update")
    return benefit
