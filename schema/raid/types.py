"""GraphQL types for the RAID log (risks, issues, assumptions, dependencies) and the loaders
children use to reach their project and people."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from policies.resources import Resource
from schema.context import Info
from schema.dataloaders import state_allows
from schema.enums import RiskResponse, RiskStatus, described
from schema.listing import Reference, plan
from server.domain import enums
from server.domain.governance.models import RiskCategory as RiskCategoryRow
from server.domain.organisation.models import Person as PersonRow
from server.domain.portfolio.models import Portfolio as PortfolioRow
from server.domain.project.models import Project as ProjectRow
from server.domain.raid import risk_service
from server.domain.raid.models import Assumption as AssumptionRow
from server.domain.raid.models import Dependency as DependencyRow
from server.domain.raid.models import Issue as IssueRow
from server.domain.raid.models import Risk as RiskRow

if TYPE_CHECKING:
    from schema.organisation.types import Person
    from schema.project.types import Project

LazyProject = Annotated["Project", strawberry.lazy("schema.project.types")]
LazyPerson = Annotated["Person", strawberry.lazy("schema.organisation.types")]

IssueSeverity = described(enums.IssueSeverity, "How badly an issue hurts.", {
    "LOW": "A nuisance; no deadline or budget at stake.",
    "MEDIUM": "Hurts a deliverable if left alone.",
    "HIGH": "Threatens a milestone or the budget.",
    "CRITICAL": "Stops the project until it is resolved.",
})
IssueStatus = described(enums.IssueStatus, "Where an issue stands.", {
    "OPEN": "Raised; nobody is working on it yet. Counts as open.",
    "IN_PROGRESS": "Being worked on. Counts as open.",
    "RESOLVED": "Fixed; waiting to be closed.",
    "CLOSED": "Done with.",
})
DependencyStatus = described(enums.DependencyStatus, "Whether a dependency is on track.", {
    "OPEN": "Expected; not yet delivered.",
    "AT_RISK": "May not arrive by the date needed.",
    "MET": "Delivered.",
    "BROKEN": "Will not be delivered as needed.",
})


def _project(row: ProjectRow) -> Project:
    from schema.project.types import Project

    return Project.from_row(row)


def _person(row: PersonRow) -> Person:
    from schema.organisation.types import Person

    return Person.from_row(row)


@cache  # one declaration per column, shared by the field's metadata and its resolver
def project_of(fk: str = "project_id") -> Reference[Project]:
    """The parent project a row names in ``fk``."""
    return Reference(ProjectRow, fk, "project", _project)


@cache
def person_of(fk: str) -> Reference[Person]:
    """The person a row names in ``fk`` (owner, submitter, ...)."""
    return Reference(PersonRow, fk, "person", _person)


async def child_resource(info: Info, resource_type: str, project_id: int,
                         row_id: int | None) -> Resource:
    """The policy resource for a row of ``project_id``, for ``viewerCan*`` answers."""
    loaders = info.context.loaders
    project = await loaders.by_id(ProjectRow).load(project_id)
    portfolio = await loaders.by_id(PortfolioRow).load(project.portfolio_id) if project else None
    return Resource(resource_type, id=row_id,
                    manager_id=project.manager_id if project else None,
                    sponsor_id=project.sponsor_id if project else None,
                    portfolio_owner_id=portfolio.owner_id if portfolio else None)


@strawberry.type(description="Reference data: a kind of risk (technical, financial, ...).")
class RiskCategory(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Short unique code, e.g. TECH.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="What belongs in this category.")
    active: bool = strawberry.field(description="Whether new risks may use it.")

    @classmethod
    def from_row(cls, row: RiskCategoryRow) -> RiskCategory:
        return cls(id=row.id, code=row.code, name=row.name,  # type: ignore[arg-type]
                   description=row.description, active=row.active)


PROJECT = project_of()
OWNER = person_of("owner_id")
RISK_CATEGORY = Reference(RiskCategoryRow, "category_id", "reference_data",
                          RiskCategory.from_row)


@strawberry.type(description="A possible event that would hurt a project, scored 1-25.")
class Risk(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="Short statement of the risk.")
    description: str | None = strawberry.field(description="Details, cause and effect.")
    probability: int = strawberry.field(description="1 (rare) to 5 (almost certain).")
    impact: int = strawberry.field(description="1 (minor) to 5 (severe).")
    score: int = strawberry.field(description="Probability x impact, 1 to 25.")
    status: RiskStatus = strawberry.field(description="OPEN, MITIGATING, CLOSED or OCCURRED.")  # type: ignore[valid-type]
    response: RiskResponse = strawberry.field(description="The chosen response strategy.")  # type: ignore[valid-type]
    response_plan: str | None = strawberry.field(description="What will be done.")
    due_date: date | None = strawberry.field(description="When the response is due.")
    version: int = strawberry.field(description="Send back with updates (optimistic locking).")
    created_at: datetime = strawberry.field(description="When it was raised (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[RiskRow]

    @strawberry.field(description="The project the risk belongs to.", metadata=plan(PROJECT))
    async def project(self, info: Info) -> LazyProject | None:
        return await PROJECT.resolve(info, self.row)

    @strawberry.field(description="Who owns the response.", metadata=plan(OWNER))
    async def owner(self, info: Info) -> LazyPerson | None:
        return await OWNER.resolve(info, self.row)

    @strawberry.field(description="The kind of risk, from the PMO's reference data.",
                      metadata=plan(RISK_CATEGORY))
    async def category(self, info: Info) -> RiskCategory | None:
        return await RISK_CATEGORY.resolve(info, self.row)

    @strawberry.field(description="Whether the viewer may edit, close or escalate this risk.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await child_resource(
            info, "risk", self.row.project_id, self.row.id))

    @strawberry.field(description="Whether deleteRisk would accept this risk from the viewer "
                                  "now (never once it was escalated to an issue).")
    async def viewer_can_delete(self, info: Info) -> bool:
        if not info.context.can("delete", await child_resource(
                info, "risk", self.row.project_id, self.row.id)):
            return False
        allows = state_allows(info.context.loaders, "risk.delete", info.context.sessions,
                              lambda session, row: risk_service.delete_refusal(session, row.id))
        return await allows.load(self.row)  # type: ignore[no-any-return]

    @classmethod
    def from_row(cls, row: RiskRow) -> Risk:
        return cls(id=row.id, title=row.title, description=row.description,  # type: ignore[arg-type]
                   probability=row.probability, impact=row.impact,
                   score=row.score if row.score is not None else row.probability * row.impact,
                   status=row.status, response=row.response, response_plan=row.response_plan,
                   due_date=row.due_date, version=row.version, created_at=row.created_at,
                   updated_at=row.updated_at, row=row)


@strawberry.type(description="Something that has happened and needs resolving.")
class Issue(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="Short statement of the issue.")
    description: str | None = strawberry.field(description="Details and effect.")
    severity: IssueSeverity = strawberry.field(description="LOW, MEDIUM, HIGH or CRITICAL.")  # type: ignore[valid-type]
    status: IssueStatus = strawberry.field(  # type: ignore[valid-type]
        description="OPEN, IN_PROGRESS, RESOLVED or CLOSED.")
    due_date: date | None = strawberry.field(description="When it must be resolved by.")
    resolved_on: date | None = strawberry.field(description="When it was resolved.")
    resolution: str | None = strawberry.field(description="How it was resolved.")
    version: int = strawberry.field(description="Send back with updates (optimistic locking).")
    created_at: datetime = strawberry.field(description="When it was logged (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[IssueRow]

    @strawberry.field(description="The project the issue belongs to.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Who is resolving it.", metadata=plan(person_of("owner_id")))
    async def owner(self, info: Info) -> LazyPerson | None:
        return await person_of("owner_id").resolve(info, self.row)

    @strawberry.field(description="The risk this issue was escalated from, if any.")
    async def source_risk(self, info: Info) -> Risk | None:
        if self.row.source_risk_id is None:
            return None
        info.context.require("read", Resource("risk"))
        row = await info.context.loaders.by_id(RiskRow).load(self.row.source_risk_id)
        return Risk.from_row(row) if row else None

    @strawberry.field(description="Whether the viewer may edit or resolve this issue.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await child_resource(
            info, "issue", self.row.project_id, self.row.id))

    @strawberry.field(description="Whether the viewer may delete this issue.")
    async def viewer_can_delete(self, info: Info) -> bool:
        return info.context.can("delete", await child_resource(
            info, "issue", self.row.project_id, self.row.id))

    @classmethod
    def from_row(cls, row: IssueRow) -> Issue:
        return cls(id=row.id, title=row.title, description=row.description,  # type: ignore[arg-type]
                   severity=row.severity, status=row.status, due_date=row.due_date,
                   resolved_on=row.resolved_on, resolution=row.resolution, version=row.version,
                   created_at=row.created_at, updated_at=row.updated_at, row=row)


@strawberry.type(description="Something a project's plan takes as true until validated.")
class Assumption(relay.Node):
    id: relay.NodeID[int]
    text: str = strawberry.field(description="What is assumed.")
    validated: bool = strawberry.field(description="Whether it has been confirmed.")
    created_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[AssumptionRow]

    @strawberry.field(description="The project the assumption belongs to.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Whether the viewer may edit this assumption.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await child_resource(
            info, "assumption", self.row.project_id, self.row.id))

    @strawberry.field(description="Whether the viewer may delete this assumption.")
    async def viewer_can_delete(self, info: Info) -> bool:
        return info.context.can("delete", await child_resource(
            info, "assumption", self.row.project_id, self.row.id))

    @classmethod
    def from_row(cls, row: AssumptionRow) -> Assumption:
        return cls(id=row.id, text=row.text, validated=row.validated,  # type: ignore[arg-type]
                   created_at=row.created_at, updated_at=row.updated_at, row=row)


@strawberry.type(description="What a project needs from another project or an external party.")
class Dependency(relay.Node):
    id: relay.NodeID[int]
    external_name: str | None = strawberry.field(
        description="The external party depended on (null when it is a project).")
    description: str | None = strawberry.field(description="What is needed.")
    needed_by: date | None = strawberry.field(description="When it is needed.")
    status: DependencyStatus = strawberry.field(  # type: ignore[valid-type]
        description="OPEN, AT_RISK, MET or BROKEN.")
    created_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[DependencyRow]

    @strawberry.field(description="The project that depends.",
                      metadata=plan(project_of("from_project_id")))
    async def from_project(self, info: Info) -> LazyProject | None:
        return await project_of("from_project_id").resolve(info, self.row)

    @strawberry.field(description="The project depended on (null when it is external).",
                      metadata=plan(project_of("to_project_id")))
    async def to_project(self, info: Info) -> LazyProject | None:
        return await project_of("to_project_id").resolve(info, self.row)

    @strawberry.field(description="Whether the viewer may edit this dependency.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await child_resource(
            info, "dependency", self.row.from_project_id, self.row.id))

    @strawberry.field(description="Whether the viewer may delete this dependency.")
    async def viewer_can_delete(self, info: Info) -> bool:
        return info.context.can("delete", await child_resource(
            info, "dependency", self.row.from_project_id, self.row.id))

    @classmethod
    def from_row(cls, row: DependencyRow) -> Dependency:
        return cls(id=row.id, external_name=row.external_name,  # type: ignore[arg-type]
                   description=row.description, needed_by=row.needed_by, status=row.status,
                   created_at=row.created_at, updated_at=row.updated_at, row=row)
