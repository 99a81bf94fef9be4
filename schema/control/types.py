"""GraphQL types for status reports."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import Rag
from schema.raid.types import LazyPerson, LazyProject, load_person, load_project
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

    @strawberry.field(description="The project reported on.")
    async def project(self, info: Info) -> LazyProject | None:
        return await load_project(info, self.row.project_id)

    @strawberry.field(description="Who submitted it.")
    async def submitted_by(self, info: Info) -> LazyPerson | None:
        return await load_person(info, self.row.submitted_by_id)

    @classmethod
    def from_row(cls, row: StatusReportRow) -> StatusReport:
        return cls(id=row.id, period_end=row.period_end, overall=row.overall,  # type: ignore[arg-type]
                   schedule=row.schedule, cost=row.cost, scope=row.scope, risk=row.risk,
                   summary=row.summary, accomplishments=row.accomplishments,
                   next_steps=row.next_steps, submitted_at=row.submitted_at, row=row)
