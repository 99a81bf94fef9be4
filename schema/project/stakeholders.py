"""The stakeholder register's writes (create, update, delete) and the power/interest map on
Project (merged into the Project type as a base class)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.dataloader import DataLoader

from policies.resources import Resource
from schema.base import UserError, input_id, input_values, to_global_id
from schema.context import Info
from schema.enums import Engagement, described
from schema.project.history import Stakeholder
from server.domain import enums
from server.domain.collaboration import stakeholder_service
from server.domain.errors import DomainError, ErrorCode
from server.domain.project.models import Project as ProjectRow

if TYPE_CHECKING:
    from schema.project.types import Project

LazyProject = Annotated["Project", strawberry.lazy("schema.project.types")]

# Input fields holding global ids -> the node type they must name.
ID_FIELDS = {"project_id": "Project", "person_id": "Person"}
_ERRORS = "Why nothing was changed; empty on success."
_HIGH = stakeholder_service.HIGH_FROM

StakeholderQuadrant = described(
    enums.StakeholderQuadrant,
    f"A quadrant of the power/interest grid: influence and interest of {_HIGH} to 5 are high, "
    f"1 to {_HIGH - 1} low.", {
        "MANAGE_CLOSELY": f"High influence and high interest (both {_HIGH} or more): engage "
                          "fully.",
        "KEEP_SATISFIED": f"High influence ({_HIGH} or more), low interest (below {_HIGH}): "
                          "meet their needs without overloading them.",
        "KEEP_INFORMED": f"Low influence (below {_HIGH}), high interest ({_HIGH} or more): keep "
                         "them up to date.",
        "MONITOR": f"Low influence and low interest (both below {_HIGH}): watch, with "
                   "minimal effort.",
    })


@strawberry.type(description="One stakeholder on the project's power/interest map.")
class StakeholderMapEntry:
    stakeholder: Stakeholder = strawberry.field(description="The stakeholder.")
    quadrant: StakeholderQuadrant = strawberry.field(  # type: ignore[valid-type]
        description=f"Their quadrant: influence and interest each high from {_HIGH} up.")
    engagement_gap: int = strawberry.field(
        description="Steps from the current engagement to the desired one on the ladder "
                    "UNAWARE (1), RESISTANT (2), NEUTRAL (3), SUPPORTIVE (4), LEADING (5): "
                    "desired minus current, -4 to 4; 0 when they are where they should be, "
                    "negative when more engaged than wanted.")


def _map_loader(info: Info) -> DataLoader[int, list[stakeholder_service.MapEntry]]:
    """Each project's map by project id: one statement per batch."""
    def build() -> DataLoader[int, list[stakeholder_service.MapEntry]]:
        async def load(ids: list[int]) -> list[list[stakeholder_service.MapEntry]]:
            async with info.context.sessions() as session:
                maps = await stakeholder_service.maps_of(session, ids)
            return [maps[i] for i in ids]
        return DataLoader(load_fn=load)
    return info.context.loaders.keyed(("stakeholders.map",), build)  # type: ignore[no-any-return]


@strawberry.type
class StakeholderProjectFields:
    row: strawberry.Private[Any]

    @strawberry.field(description=(
        "The power/interest grid of the project's stakeholders: each one's quadrant (influence "
        f"and interest on their 1-5 scales are high from {_HIGH} up: MANAGE_CLOSELY high/high, "
        "KEEP_SATISFIED high influence and low interest, KEEP_INFORMED low influence and high "
        "interest, MONITOR low/low) and engagement gap (desired minus current engagement). "
        "Ordered by engagement gap, largest first (so those most below their desired "
        "engagement lead and the over-engaged come last), then by influence, highest first, "
        "then by when they were added."))
    async def stakeholder_map(self, info: Info) -> list[StakeholderMapEntry]:
        info.context.require("read", Resource("stakeholder"))
        entries = await _map_loader(info).load(self.row.id)
        return [StakeholderMapEntry(stakeholder=Stakeholder.from_row(e.stakeholder),
                                    quadrant=e.quadrant, engagement_gap=e.engagement_gap)
                for e in entries]


# --- inputs -------------------------------------------------------------------------------

def _opt(description: str) -> Any:
    """An optional input field: leave it out to keep (or default) the value."""
    return strawberry.field(default=strawberry.UNSET, description=description)


_PERSON = ("Global id of the person, when the stakeholder works here (active, on the "
           "project's register at most once); then leave externalName and organisation out.")
_EXTERNAL = "The outside party's name, when the stakeholder is not a person here."
_ORGANISATION = "The outside party's organisation; only with externalName."
_ROLE = "Their role towards the project (e.g. Business owner, Regulator); not blank."
_INFLUENCE = f"Influence (power) over the project, 1 (little) to 5 (decisive); {_HIGH}+ is high."
_INTEREST = f"Interest in the project, 1 (little) to 5 (high); {_HIGH}+ is high."
_NOTES = "How to engage them, in Markdown."


@strawberry.input(description="A new stakeholder of a project: a person here (personId) or an "
                              "outside party (externalName), not both.")
class CreateStakeholderInput:
    project_id: strawberry.ID = strawberry.field(description="The project's global id.")
    person_id: strawberry.ID | None = _opt(_PERSON)
    external_name: str | None = _opt(_EXTERNAL)
    organisation: str | None = _opt(_ORGANISATION)
    role: str = strawberry.field(description=_ROLE)
    influence: int = strawberry.field(description=_INFLUENCE)
    interest: int = strawberry.field(description=_INTEREST)
    engagement_current: Engagement | None = _opt("How engaged they are now (default NEUTRAL).")  # type: ignore[valid-type]
    engagement_desired: Engagement | None = _opt(  # type: ignore[valid-type]
        "How engaged they should be (default SUPPORTIVE).")
    notes: str | None = _opt(_NOTES)


@strawberry.input(description="A partial update of a stakeholder; omitted fields are kept. To "
                              "turn an outside party into a person, give personId and set "
                              "externalName and organisation to null; the other way round, "
                              "give externalName and set personId to null. The project "
                              "cannot be changed.")
class UpdateStakeholderInput:
    id: strawberry.ID = strawberry.field(description="The stakeholder's global id.")
    person_id: strawberry.ID | None = _opt(
        "Global id of the person, when the stakeholder works here (active, on the project's "
        "register at most once); externalName and organisation must then be null. Null clears "
        "it.")
    external_name: str | None = _opt(_EXTERNAL + " Null clears it.")
    organisation: str | None = _opt(_ORGANISATION + " Null clears it.")
    role: str | None = _opt(_ROLE)
    influence: int | None = _opt(_INFLUENCE)
    interest: int | None = _opt(_INTEREST)
    engagement_current: Engagement | None = _opt("How engaged they are now.")  # type: ignore[valid-type]
    engagement_desired: Engagement | None = _opt("How engaged they should be.")  # type: ignore[valid-type]
    notes: str | None = _opt(_NOTES + " Null clears them.")


@strawberry.input(description="The stakeholder to delete.")
class DeleteStakeholderInput:
    id: strawberry.ID = strawberry.field(description="The stakeholder's global id.")


def _values(data: Any) -> dict[str, Any]:
    """The input's given fields as service values, global ids decoded (UNSET left out)."""
    return input_values(data, ID_FIELDS, skip=("id",))


def _row_id(value: str) -> int:
    row_id = input_id(value, expected="Stakeholder", field="id")
    if row_id is None:
        raise DomainError.one("id", "required", ErrorCode.REQUIRED)
    return row_id


# --- payloads -----------------------------------------------------------------------------

@strawberry.type(description="The result of createStakeholder.")
class CreateStakeholderPayload:
    stakeholder: Stakeholder | None = strawberry.field(
        description="The new stakeholder, if created.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of updateStakeholder.")
class UpdateStakeholderPayload:
    stakeholder: Stakeholder | None = strawberry.field(
        description="The stakeholder after the update.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type(description="The result of deleteStakeholder.")
class DeleteStakeholderPayload:
    stakeholder: Stakeholder | None = strawberry.field(
        description="The stakeholder as it was before deletion.")
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The deleted stakeholder's global id (to evict it from client caches).")
    project: LazyProject | None = strawberry.field(
        description="The project it belonged to, as it is now.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


def _project(row: ProjectRow | None) -> Project | None:
    from schema.project.types import Project

    return Project.from_row(row) if row is not None else None


# --- mutations ----------------------------------------------------------------------------

@strawberry.type
class StakeholderMutations:
    @strawberry.mutation(description="Add a stakeholder to a project's register (its manager "
                                     "or the PMO).")
    async def create_stakeholder(
        self, info: Info,
        input: Annotated[CreateStakeholderInput, strawberry.argument(
            description="The stakeholder to add.")],
    ) -> CreateStakeholderPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await stakeholder_service.create(session, actor=actor, data=_values(input))

        row, errors = await info.context.mutate(work)
        return CreateStakeholderPayload(
            stakeholder=Stakeholder.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Change a stakeholder's party, role, influence, interest, "
                                     "engagement or notes (the project's manager or the PMO).")
    async def update_stakeholder(
        self, info: Info,
        input: Annotated[UpdateStakeholderInput, strawberry.argument(
            description="The stakeholder and its changes.")],
    ) -> UpdateStakeholderPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await stakeholder_service.update(
                session, actor=actor, stakeholder_id=_row_id(input.id), changes=_values(input))

        row, errors = await info.context.mutate(work)
        return UpdateStakeholderPayload(
            stakeholder=Stakeholder.from_row(row) if row else None, user_errors=errors)

    @strawberry.mutation(description="Remove a stakeholder from a project's register (the "
                                     "project's manager or the PMO).")
    async def delete_stakeholder(
        self, info: Info,
        input: Annotated[DeleteStakeholderInput, strawberry.argument(
            description="The stakeholder to delete.")],
    ) -> DeleteStakeholderPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            row = await stakeholder_service.delete(session, actor=actor,
                                                   stakeholder_id=_row_id(input.id))
            return row, await session.get(ProjectRow, row.project_id)

        result, errors = await info.context.mutate(work)
        if result is None:
            return DeleteStakeholderPayload(stakeholder=None, deleted_id=None, project=None,
                                            user_errors=errors)
        row, project = result
        return DeleteStakeholderPayload(stakeholder=Stakeholder.from_row(row),
                                        deleted_id=to_global_id("Stakeholder", row.id),
                                        project=_project(project), user_errors=errors)
