"""The stakeholder register: create, update and delete, authorized as the project's children,
audited; and the power/interest map read from it.

A stakeholder is either a person of the organisation (``person_id``, at most once per
project) or an outside party (``external_name``, with an optional ``organisation``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.collaboration.models import Stakeholder
from server.domain.collaboration.stakeholder_schemas import StakeholderCreate, StakeholderUpdate
from server.domain.common import flush, get_or_raise, validated
from server.domain.enums import Engagement, StakeholderQuadrant
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.organisation.models import Person
from server.domain.project.access import project_resource
from server.domain.project.models import Project

RESOURCE = "stakeholder"
API_NAMES = {"project_id": "projectId", "person_id": "personId",
             "external_name": "externalName", "engagement_current": "engagementCurrent",
             "engagement_desired": "engagementDesired", "__root__": "input"}
# Columns an update cannot clear (the person, external name, organisation and notes can be,
# as long as the stakeholder stays a person or an outside party).
NOT_NULL = ("role", "influence", "interest", "engagement_current", "engagement_desired")

HIGH_FROM = 3
"""On the 1-5 scales, 3, 4 and 5 are high influence or interest; 1 and 2 are low."""
ENGAGEMENT_LEVEL = {level: rank for rank, level in enumerate(Engagement, start=1)}
"""UNAWARE 1, RESISTANT 2, NEUTRAL 3, SUPPORTIVE 4, LEADING 5."""


# --- the power/interest map ---------------------------------------------------------------

def quadrant(influence: int, interest: int) -> StakeholderQuadrant:
    """The stakeholder's quadrant of the power (influence) / interest grid."""
    if influence >= HIGH_FROM:
        return (StakeholderQuadrant.MANAGE_CLOSELY if interest >= HIGH_FROM
                else StakeholderQuadrant.KEEP_SATISFIED)
    return (StakeholderQuadrant.KEEP_INFORMED if interest >= HIGH_FROM
            else StakeholderQuadrant.MONITOR)


def engagement_gap(current: Engagement, desired: Engagement) -> int:
    """Steps from the current engagement up to the desired one (-4 to 4; negative when the
    stakeholder is more engaged than wanted)."""
    return ENGAGEMENT_LEVEL[Engagement(desired)] - ENGAGEMENT_LEVEL[Engagement(current)]


@dataclass(frozen=True)
class MapEntry:
    """One stakeholder on the power/interest map."""

    stakeholder: Stakeholder
    quadrant: StakeholderQuadrant
    engagement_gap: int


def map_entries(stakeholders: Iterable[Stakeholder]) -> list[MapEntry]:
    """The stakeholders on the map, the largest engagement gap first, then the most
    influential, then by id."""
    entries = [MapEntry(s, quadrant(s.influence, s.interest),
                        engagement_gap(s.engagement_current, s.engagement_desired))
               for s in stakeholders]
    return sorted(entries, key=lambda e: (-e.engagement_gap, -e.stakeholder.influence,
                                          e.stakeholder.id))


async def maps_of(session: AsyncSession, project_ids: Sequence[int],
                  ) -> dict[int, list[MapEntry]]:
    """Each project's map (see ``map_entries``), one statement for all of them."""
    rows = (await session.exec(
        sa.select(Stakeholder).where(Stakeholder.project_id.in_(project_ids))  # type: ignore[call-overload, attr-defined]
    )).scalars().all()
    grouped: dict[int, list[Stakeholder]] = {i: [] for i in project_ids}
    for row in rows:
        grouped[row.project_id].append(row)
    return {project_id: map_entries(found) for project_id, found in grouped.items()}


# --- writes -------------------------------------------------------------------------------

def _validate(model: type[SQLModel], data: dict[str, Any], *, partial: bool = False,
              ) -> dict[str, Any]:
    return validated(model, data, api_names=API_NAMES, partial=partial, not_null=NOT_NULL)


def _check_party(given: dict[str, Any], person_id: int | None, external_name: str | None,
                 organisation: str | None) -> None:
    """A person XOR an outside party; only an outside party has an organisation. ``given``
    are the fields of this request, the rest what the row will hold."""
    if person_id is not None and external_name is not None:
        field = "externalName" if "external_name" in given else "personId"
        raise DomainError.one(field, "a stakeholder is a person (personId) or an outside "
                              "party (externalName), not both", ErrorCode.INVALID)
    if person_id is None and external_name is None:
        field = "externalName" if "external_name" in given else "personId"
        raise DomainError.one(field, "a stakeholder is a person (personId) or an outside "
                              "party (externalName)", ErrorCode.REQUIRED)
    if person_id is not None and organisation is not None:
        raise DomainError.one("organisation", "only an outside party has an organisation "
                              "(externalName)", ErrorCode.INVALID)


def _duplicate() -> DomainError:
    return DomainError.one("personId", "the person is already a stakeholder of this project",
                           ErrorCode.DUPLICATE)


async def _check_person(session: AsyncSession, project_id: int, person_id: int,
                        stakeholder_id: int | None = None) -> None:
    """A newly named person exists, is active, and is not on the project's register yet."""
    person = await session.get(Person, person_id)
    if person is None:
        raise DomainError.one("personId", "no person with this id", ErrorCode.NOT_FOUND)
    if not person.active:
        raise DomainError.one("personId", "the person is inactive", ErrorCode.INVALID)
    stmt = sa.select(Stakeholder.id).where(Stakeholder.project_id == project_id,
                                           Stakeholder.person_id == person_id)
    if stakeholder_id is not None:
        stmt = stmt.where(Stakeholder.id != stakeholder_id)
    if (await session.exec(stmt.limit(1))).first() is not None:  # type: ignore[call-overload]
        raise _duplicate()


async def _stage(session: AsyncSession, stakeholder: Stakeholder, action: str) -> None:
    project = await session.get(Project, stakeholder.project_id)
    events.stage(session, DomainEvent(
        "stakeholder.changed", "Stakeholder", stakeholder.id,  # type: ignore[arg-type]
        project.portfolio_id if project else None,
        {"action": action, "project_id": stakeholder.project_id}))


async def get(session: AsyncSession, *, stakeholder_id: int) -> Stakeholder | None:
    """The stakeholder, or None."""
    return await session.get(Stakeholder, stakeholder_id)


async def create(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> Stakeholder:
    """Add a stakeholder to a project's register. Raises DomainError or Forbidden."""
    if data.get("project_id") is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    actor.require("create", await project_resource(session, data["project_id"], RESOURCE))
    given = {k: v for k, v in data.items() if v is not None}
    values = _validate(StakeholderCreate, given)
    _check_party(given, values["person_id"], values["external_name"], values["organisation"])
    if values["person_id"] is not None:
        await _check_person(session, values["project_id"], values["person_id"])
    stakeholder = Stakeholder(**values)
    session.add(stakeholder)
    await flush(session, "stakeholder", on_unique=_duplicate())
    await audit.record(session, actor=actor, action="create", entity_type="Stakeholder",
                       entity_id=stakeholder.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(stakeholder)))
    await _stage(session, stakeholder, "create")
    return stakeholder


async def update(session: AsyncSession, *, actor: Actor, stakeholder_id: int,
                 changes: dict[str, Any]) -> Stakeholder:
    """Apply a partial update to a stakeholder. Raises DomainError or Forbidden."""
    stakeholder = await get_or_raise(session, Stakeholder, stakeholder_id, "stakeholder")
    actor.require("update", await project_resource(session, stakeholder.project_id, RESOURCE,
                                                   field="id", row_id=stakeholder.id))
    values = _validate(StakeholderUpdate, changes, partial=True)
    person_id = values.get("person_id", stakeholder.person_id)
    _check_party(values, person_id, values.get("external_name", stakeholder.external_name),
                 values.get("organisation", stakeholder.organisation))
    if person_id is not None and person_id != stakeholder.person_id:
        await _check_person(session, stakeholder.project_id, person_id, stakeholder.id)
    before = audit.snapshot(stakeholder)
    for key, value in values.items():
        setattr(stakeholder, key, value)
    await flush(session, "stakeholder", on_unique=_duplicate())
    changes = audit.diff(before, audit.snapshot(stakeholder))
    if not changes:  # an update that changes nothing writes no audit or outbox event
        return stakeholder
    await audit.record(session, actor=actor, action="update", entity_type="Stakeholder",
                       entity_id=stakeholder.id,  # type: ignore[arg-type]
                       changes=changes)
    await _stage(session, stakeholder, "update")
    return stakeholder


async def delete(session: AsyncSession, *, actor: Actor, stakeholder_id: int) -> Stakeholder:
    """Remove a stakeholder from the register; returns the deleted row. Raises DomainError or
    Forbidden."""
    stakeholder = await get_or_raise(session, Stakeholder, stakeholder_id, "stakeholder")
    actor.require("delete", await project_resource(session, stakeholder.project_id, RESOURCE,
                                                   field="id", row_id=stakeholder.id))
    before = audit.snapshot(stakeholder)
    await _stage(session, stakeholder, "delete")
    await session.delete(stakeholder)
    await session.flush()
    await audit.record(session, actor=actor, action="delete", entity_type="Stakeholder",
                       entity_id=stakeholder_id, changes=audit.diff(before, {}))
    return stakeholder
