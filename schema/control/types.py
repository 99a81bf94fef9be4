"""GraphQL types for change requests and status reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from schema.context import Info
from schema.control.enums import ChangeRequestStatus
from schema.enums import Rag
from schema.listing import plan
from schema.raid.types import (
    LazyPerson,
    LazyProject,
    child_resource,
    person_of,
    project_of,
)
from server.domain import enums
from server.domain.raid.models import ChangeRequest as ChangeRequestRow
from server.domain.raid.models import StatusReport as StatusReportRow


@strawberry.type(description="A project's status for one period; immutable once submitted.")
class StatusReport(relay.Node):
    id: relay.NodeID[int]
    period_end: date = strawberry.field(description="Last day of the period reported on.")
    overall: Rag = strawberry.field(description="Overall health.")  # type: ignore[valid-type]
    schedule: Rag = strawberry.field(description="Schedule health.")  # type: ignore[valid-type]
    cost: Rag = strawberry.field(description="Cost health.")  # type: ignore[valid-type]
    scope: Rag = strawberry.field(description="Scope health.")  # type: ignore[valid-type]
    risk: Rag = strawberry.field(description="Risk health.")  # type: ignore[valid-type]
    summary: str = strawberry.field(description="The headline, in Markdown.")
    accomplishments: str | None = strawberry.field(description="Done this period.")
    next_steps: str | None = strawberry.field(description="Planned for the next period.")
    submitted_at: datetime | None = strawberry.field(description="When it was submitted (UTC).")
    row: strawberry.Private[StatusReportRow]

    @strawberry.field(description="The project reported on.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Who submitted it.", metadata=plan(person_of("submitted_by_id")))
    async def submitted_by(self, info: Info) -> LazyPerson | None:
        return await person_of("submitted_by_id").resolve(info, self.row)

    @strawberry.field(description="Always false: a status report is immutable once submitted, "
                                  "and submitting is the only way to write one.",
                      deprecation_reason="No mutation edits a status report: submit the next "
                                         "period's instead.")
    def viewer_can_update(self) -> bool:
        return False

    @classmethod
    def from_row(cls, row: StatusReportRow) -> StatusReport:
        return cls(id=row.id, period_end=row.period_end, overall=row.overall,  # type: ignore[arg-type]
                   schedule=row.schedule, cost=row.cost, scope=row.scope, risk=row.risk,
                   summary=row.summary, accomplishments=row.accomplishments,
                   next_steps=row.next_steps, submitted_at=row.submitted_at, row=row)


@strawberry.type(description="A request to change a project's scope, cost or schedule; "
                             "drafted and submitted by its manager, decided by its sponsor, "
                             "its portfolio's owner or the PMO.")
class ChangeRequest(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="Short statement of the change.")
    description: str | None = strawberry.field(description="What changes and why, in Markdown.")
    cost_impact: Decimal = strawberry.field(
        description="Change to the budget at completion if approved (negative: a saving).")
    schedule_impact_days: int = strawberry.field(
        description="Days the baseline finish moves if approved (negative: earlier).")
    status: ChangeRequestStatus = strawberry.field(  # type: ignore[valid-type]
        description="DRAFT, SUBMITTED, APPROVED or REJECTED.")
    decided_at: datetime | None = strawberry.field(description="When it was decided (UTC).")
    decision_note: str | None = strawberry.field(description="Why it was decided so.")
    version: int = strawberry.field(description="Send back with updates (optimistic locking).")
    created_at: datetime = strawberry.field(description="When it was drafted (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[ChangeRequestRow]

    @strawberry.field(description="The project the change applies to.",
                      metadata=plan(project_of("project_id")))
    async def project(self, info: Info) -> LazyProject | None:
        return await project_of("project_id").resolve(info, self.row)

    @strawberry.field(description="Who drafted the request.",
                      metadata=plan(person_of("requested_by_id")))
    async def requested_by(self, info: Info) -> LazyPerson | None:
        return await person_of("requested_by_id").resolve(info, self.row)

    @strawberry.field(description="Who approved or rejected it.",
                      metadata=plan(person_of("decided_by_id")))
    async def decided_by(self, info: Info) -> LazyPerson | None:
        return await person_of("decided_by_id").resolve(info, self.row)

    async def _may(self, info: Info, action: str, status: enums.ChangeRequestStatus) -> bool:
        if self.row.status != status:
            return False
        return info.context.can(action, await child_resource(
            info, "change_request", self.row.project_id, self.row.id))

    @strawberry.field(description="Whether the viewer may edit it now: the policies allow it "
                                  "and it is still a DRAFT.")
    async def viewer_can_update(self, info: Info) -> bool:
        return await self._may(info, "update", enums.ChangeRequestStatus.DRAFT)

    @strawberry.field(description="Whether the viewer may submit it now: the policies allow it "
                                  "and it is still a DRAFT.")
    async def viewer_can_submit(self, info: Info) -> bool:
        return await self._may(info, "submit", enums.ChangeRequestStatus.DRAFT)

    @strawberry.field(description="Whether the viewer may approve or reject it now: the "
                                  "policies allow it (the project's sponsor, its portfolio's "
                                  "owner, the PMO) and it is SUBMITTED.")
    async def viewer_can_decide(self, info: Info) -> bool:
        return await self._may(info, "decide", enums.ChangeRequestStatus.SUBMITTED)

    @classmethod
    def from_row(cls, row: ChangeRequestRow) -> ChangeRequest:
        return cls(id=row.id, title=row.title, description=row.description,  # type: ignore[arg-type]
                   cost_impact=row.cost_impact, schedule_impact_days=row.schedule_impact_days,
                   status=row.status, decided_at=row.decided_at,
                   decision_note=row.decision_note, version=row.version,
                   created_at=row.created_at, updated_at=row.updated_at, row=row)
