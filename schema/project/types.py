"""GraphQL types for projects."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from policies.resources import Resource
from schema.analytics.fields import AnalyticsProjectFields
from schema.context import Info
from schema.control.project_fields import ControlProjectFields
from schema.decisions.fields import DecisionProjectFields
from schema.enums import ProjectStatus, Rag
from schema.governance.filters import PROJECT_GATES, ProjectGateOrderArg
from schema.governance.reference import ProjectType
from schema.governance.templates import GovernanceTemplate
from schema.governance.types import ProjectGate
from schema.listing import Children, Reference, plan
from schema.metrics.fields import MetricsProjectFields
from schema.organisation.lists import Department, Program
from schema.organisation.types import Person
from schema.pagination import After, Before, Connection, First, Last
from schema.portfolio.types import Portfolio
from schema.project.history import HistoryProjectFields
from schema.project.stakeholders import StakeholderProjectFields
from schema.raid.project_fields import RaidProjectFields
from schema.resource.project_fields import ResourceProjectFields
from server.domain.governance.models import GovernanceTemplate as GovernanceTemplateRow
from server.domain.governance.models import ProjectGate as ProjectGateRow
from server.domain.governance.models import ProjectType as ProjectTypeRow
from server.domain.organisation.models import Department as DepartmentRow
from server.domain.organisation.models import Person as PersonRow
from server.domain.portfolio.models import Portfolio as PortfolioRow
from server.domain.portfolio.models import Program as ProgramRow
from server.domain.project.models import Project as ProjectRow

PORTFOLIO = Reference(PortfolioRow, "portfolio_id", "portfolio", Portfolio.from_row)
PROGRAM = Reference(ProgramRow, "program_id", "program", Program.from_row)
DEPARTMENT = Reference(DepartmentRow, "department_id", "department", Department.from_row)
PROJECT_TYPE = Reference(ProjectTypeRow, "project_type_id", "reference_data", ProjectType.from_row)
GOVERNANCE_TEMPLATE = Reference(GovernanceTemplateRow, "governance_template_id",
                                "governance_template", GovernanceTemplate.from_row)
MANAGER = Reference(PersonRow, "manager_id", "person", Person.from_row)
SPONSOR = Reference(PersonRow, "sponsor_id", "person", Person.from_row)
GATES = Children(PROJECT_GATES, ProjectGateRow.project_id)


@strawberry.type(description="A project under PMO governance.")
class Project(RaidProjectFields, ControlProjectFields, ResourceProjectFields,
              HistoryProjectFields, StakeholderProjectFields, MetricsProjectFields,
              DecisionProjectFields, AnalyticsProjectFields,
              relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Unique code such as PRJ-0042.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="What the project delivers.")
    status: ProjectStatus = strawberry.field(description="Lifecycle status.")  # type: ignore[valid-type]
    priority: int = strawberry.field(description="1 (highest) to 5.")
    budget_at_completion: Decimal = strawberry.field(description="BAC, the approved budget.")
    planned_start: date | None = strawberry.field(description="Planned start date.")
    planned_finish: date | None = strawberry.field(description="Planned finish date.")
    baseline_start: date | None = strawberry.field(description="Start in the latest baseline.")
    baseline_finish: date | None = strawberry.field(description="Finish in the latest baseline.")
    actual_start: date | None = strawberry.field(description="When work actually started.")
    actual_finish: date | None = strawberry.field(description="When work actually finished.")
    forecast_finish: date | None = strawberry.field(description="Forecast finish date.")
    percent_complete: int = strawberry.field(description="Progress, 0 to 100.")
    health_override: Rag | None = strawberry.field(  # type: ignore[valid-type]
        description="A RAG set by hand that replaces the computed health.")
    version: int = strawberry.field(description="Send back with updates (optimistic locking).")
    created_at: datetime = strawberry.field(description="When the project was created (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[ProjectRow]

    async def _portfolio_row(self, info: Info) -> PortfolioRow | None:
        return await info.context.loaders.by_id(PortfolioRow).load(self.row.portfolio_id)

    async def _resource(self, info: Info) -> Resource:
        portfolio = await self._portfolio_row(info)
        return Resource("project", id=self.row.id, manager_id=self.row.manager_id,
                        sponsor_id=self.row.sponsor_id,
                        portfolio_owner_id=portfolio.owner_id if portfolio else None)

    @strawberry.field(description="The portfolio the project belongs to.",
                      metadata=plan(PORTFOLIO))
    async def portfolio(self, info: Info) -> Portfolio | None:
        return await PORTFOLIO.resolve(info, self.row)

    @strawberry.field(description="The program the project belongs to, if any.",
                      metadata=plan(PROGRAM))
    async def program(self, info: Info) -> Program | None:
        return await PROGRAM.resolve(info, self.row)

    @strawberry.field(description="The owning department.", metadata=plan(DEPARTMENT))
    async def department(self, info: Info) -> Department | None:
        return await DEPARTMENT.resolve(info, self.row)

    @strawberry.field(description="The kind of project (reference data).",
                      metadata=plan(PROJECT_TYPE))
    async def project_type(self, info: Info) -> ProjectType | None:
        return await PROJECT_TYPE.resolve(info, self.row)

    @strawberry.field(description="The governance template whose gates the project follows.",
                      metadata=plan(GOVERNANCE_TEMPLATE))
    async def governance_template(self, info: Info) -> GovernanceTemplate | None:
        return await GOVERNANCE_TEMPLATE.resolve(info, self.row)

    @strawberry.field(description="The project manager.", metadata=plan(MANAGER))
    async def manager(self, info: Info) -> Person | None:
        return await MANAGER.resolve(info, self.row)

    @strawberry.field(description="The executive sponsor.", metadata=plan(SPONSOR))
    async def sponsor(self, info: Info) -> Person | None:
        return await SPONSOR.resolve(info, self.row)

    @strawberry.field(description="The project's stage gates (default: in sequence).",
                      metadata=plan(GATES))
    async def gates(self, info: Info, order_by: ProjectGateOrderArg = None,
                    first: First = None, after: After = None,
                    last: Last = None, before: Before = None,
                    ) -> Connection[ProjectGate]:
        return await GATES.resolve(info, self.row.id, None, order_by, first, after, last,
                                   before)

    @strawberry.field(description="Whether the viewer may edit this project.")
    async def viewer_can_update(self, info: Info) -> bool:
        return info.context.can("update", await self._resource(info))

    @strawberry.field(description="Always false: projects are not deleted.",
                      deprecation_reason="No mutation deletes a project: cancel it instead "
                                         "(updateProject with status CANCELLED).")
    def viewer_can_delete(self) -> bool:
        return False

    @classmethod
    def from_row(cls, row: ProjectRow) -> Project:
        return cls(
            id=row.id, code=row.code, name=row.name, description=row.description,  # type: ignore[arg-type]
            status=row.status, priority=row.priority,
            budget_at_completion=row.budget_at_completion, planned_start=row.planned_start,
            planned_finish=row.planned_finish, baseline_start=row.baseline_start,
            baseline_finish=row.baseline_finish, actual_start=row.actual_start,
            actual_finish=row.actual_finish, forecast_finish=row.forecast_finish,
            percent_complete=row.percent_complete, health_override=row.health_override,
            version=row.version, created_at=row.created_at, updated_at=row.updated_at, row=row)
