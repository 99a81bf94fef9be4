"""GraphQL types for project gates."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from policies.resources import Resource
from schema.context import Info
from schema.dataloaders import state_allows
from schema.enums import ApproverRole, GateDecision, GateStatus
from schema.listing import Children, plan
from schema.pagination import After, Before, Connection, First, Last
from schema.raid.types import (
    LazyPerson,
    LazyProject,
    person_of,
    project_of,
)
from server.domain.governance import service as governance_service
from server.domain.governance.models import ProjectChecklistItem as ChecklistItemRow
from server.domain.governance.models import ProjectGate as ProjectGateRow

if TYPE_CHECKING:
    from schema.governance.reference import ProjectChecklistItem
from server.domain.portfolio.models import Portfolio as PortfolioRow
from server.domain.project.models import Project as ProjectRow


@cache  # built on first use: the checklist item type imports this module
def _checklist() -> Children[Any]:
    from schema.governance.reference import CHECKLIST_ITEMS

    return Children(CHECKLIST_ITEMS, ChecklistItemRow.project_gate_id)


@strawberry.type(description="A stage gate of a project, copied from its governance template.")
class ProjectGate(relay.Node):
    id: relay.NodeID[int]
    sequence: int = strawberry.field(description="Order of the gate in the lifecycle (1..n).")
    name: str = strawberry.field(description="Gate name, e.g. 'Business case approved'.")
    description: str | None = strawberry.field(description="What the gate checks.")
    approver_role: ApproverRole = strawberry.field(description="Who decides it.")  # type: ignore[valid-type]
    takes_baseline: bool = strawberry.field(
        description="Whether its GO takes the project's first baseline (see baselineProject).")
    status: GateStatus = strawberry.field(description="PENDING, SUBMITTED, APPROVED, REJECTED.")  # type: ignore[valid-type]
    decision: GateDecision | None = strawberry.field(description="The decision, once taken.")  # type: ignore[valid-type]
    submitted_at: datetime | None = strawberry.field(description="When it was submitted.")
    decided_at: datetime | None = strawberry.field(description="When it was decided.")
    note: str | None = strawberry.field(description="The decision note.")
    row: strawberry.Private[ProjectGateRow]

    @strawberry.field(description="The project the gate belongs to.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Who decided it.", metadata=plan(person_of("decided_by_id")))
    async def decided_by(self, info: Info) -> LazyPerson | None:
        return await person_of("decided_by_id").resolve(info, self.row)

    async def _resource(self, info: Info) -> Resource:
        loaders = info.context.loaders
        project = await loaders.by_id(ProjectRow).load(self.row.project_id)
        portfolio = await loaders.by_id(PortfolioRow).load(project.portfolio_id) \
            if project else None
        return Resource("project_gate", id=self.row.id,
                        manager_id=project.manager_id if project else None,
                        sponsor_id=project.sponsor_id if project else None,
                        portfolio_owner_id=portfolio.owner_id if portfolio else None,
                        approver_role=self.row.approver_role.value)

    @strawberry.field(description="The gate's checklist, in order.", metadata=plan(_checklist))
    async def checklist(self, info: Info, first: First = None, after: After = None,
                        last: Last = None, before: Before = None,
                        ) -> Connection[Annotated[ProjectChecklistItem,
                                                  strawberry.lazy("schema.governance.reference")]]:
        return await _checklist().resolve(info, self.row.id, None, None, first, after, last,
                                          before)

    @strawberry.field(description="Whether submitGate would accept this gate from the viewer "
                                  "now: their rights and the gate's state (PENDING, earlier "
                                  "gates approved, mandatory items done, project open).")
    async def viewer_can_submit(self, info: Info) -> bool:
        if not info.context.can("submit", await self._resource(info)):
            return False
        allows = state_allows(info.context.loaders, "gate.submit", info.context.sessions,
                              governance_service.submit_refusal)
        return await allows.load(self.row)  # type: ignore[no-any-return]

    @strawberry.field(description="Whether decideGate would accept this gate from the viewer "
                                  "now: their rights and the gate's state (SUBMITTED, earlier "
                                  "gates approved, project open).")
    async def viewer_can_decide(self, info: Info) -> bool:
        if not info.context.can("decide", await self._resource(info)):
            return False
        allows = state_allows(info.context.loaders, "gate.decide", info.context.sessions,
                              governance_service.decide_refusal)
        return await allows.load(self.row)  # type: ignore[no-any-return]

    @classmethod
    def from_row(cls, row: ProjectGateRow) -> ProjectGate:
        return cls(id=row.id, sequence=row.sequence, name=row.name,  # type: ignore[arg-type]
                   description=row.description, approver_role=row.approver_role,
                   takes_baseline=row.takes_baseline,
                   status=row.status, decision=row.decision, submitted_at=row.submitted_at,
                   decided_at=row.decided_at, note=row.note, row=row)
