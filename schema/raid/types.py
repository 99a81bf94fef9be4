"""GraphQL types for risks, and the loaders children use to reach their project and people."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from policies.resources import Resource
from schema.context import Info
from schema.enums import RiskResponse, RiskStatus
from server.domain.organisation.models import Person as PersonRow
from server.domain.project.models import Project as ProjectRow
from server.domain.raid.models import Risk as RiskRow

if TYPE_CHECKING:
    from schema.organisation.types import Person
    from schema.project.types import Project

LazyProject = Annotated["Project", strawberry.lazy("schema.project.types")]
LazyPerson = Annotated["Person", strawberry.lazy("schema.organisation.types")]


async def load_project(info: Info, project_id: int) -> Project | None:
    """The parent project of a row, through the per-request loader."""
    from schema.project.types import Project

    info.context.require("read", Resource("project"))
    row = await info.context.loaders.by_id(ProjectRow).load(project_id)
    return Project.from_row(row) if row else None


async def load_person(info: Info, person_id: int | None) -> Person | None:
    """A person by id (owner, submitter, ...), through the per-request loader."""
    from schema.organisation.types import Person

    if person_id is None:
        return None
    info.context.require("read", Resource("person"))
    row = await info.context.loaders.by_id(PersonRow).load(person_id)
    return Person.from_row(row) if row else None


@strawberry.type(description="A possible event that would hurt a project, scored 1-25.")
class Risk(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="Short statement of the risk.")
    description: str | None = strawberry.field(description="Details, cause and effect.")
    probability: int = strawberry.field(description="1 (rare) to 5 (almost certain).")
    impact: int = strawberry.field(description="1 (minor) to 5 (severe).")
    score: int = strawberry.field(description="probability x impact, 1 to 25.")
    status: RiskStatus = strawberry.field(description="OPEN, MITIGATING, CLOSED or OCCURRED.")  # type: ignore[valid-type]
    response: RiskResponse = strawberry.field(description="The chosen response strategy.")  # type: ignore[valid-type]
    response_plan: str | None = strawberry.field(description="What will be done.")
    due_date: date | None = strawberry.field(description="When the response is due.")
    version: int = strawberry.field(description="Send back with updates (optimistic locking).")
    created_at: datetime = strawberry.field(description="When it was raised (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[RiskRow]

    @strawberry.field(description="The project the risk belongs to.")
    async def project(self, info: Info) -> LazyProject | None:
        return await load_project(info, self.row.project_id)

    @strawberry.field(description="Who owns the response.")
    async def owner(self, info: Info) -> LazyPerson | None:
        return await load_person(info, self.row.owner_id)

    @classmethod
    def from_row(cls, row: RiskRow) -> Risk:
        return cls(id=row.id, title=row.title, description=row.description,  # type: ignore[arg-type]
                   probability=row.probability, impact=row.impact,
                   score=row.score if row.score is not None else row.probability * row.impact,
                   status=row.status, response=row.response, response_plan=row.response_plan,
                   due_date=row.due_date, version=row.version, created_at=row.created_at,
                   updated_at=row.updated_at, row=row)
