"""``reports { deletedRows }``: what was deleted since a time, for incremental BI loads.

Backed by the ``deleted_row`` tombstones that ``server.domain.reporting.changes`` writes in
the deleting transaction, kept ``PMO_DELETED_ROWS_RETENTION_DAYS`` days.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from policies.resources import Resource
from schema.base import to_global_id
from schema.context import Info
from schema.enums import described
from schema.listing import ListSpec, as_utc, ids_of, root_connection
from schema.pagination import (
    Connection,
    OrderSpec,
    SortField,
    bad_input,
)
from server.domain.base import snake
from server.domain.reporting.changes import TRACKED_DELETIONS, DeletedRow, horizon

_Entities = Enum("DeletedEntity",  # type: ignore[misc]
                 {snake(name).upper(): name for name in sorted(TRACKED_DELETIONS)})
DeletedEntity = described(
    _Entities, "What kind of object was deleted (the name of its type: COST_ENTRY is CostEntry).",
    {member.name: f"A deleted {member.value}." for member in _Entities})

RESOURCE_OF = {
    "Allocation": "allocation", "Assumption": "assumption", "Benefit": "benefit",
    "CostEntry": "cost_entry", "Department": "department", "Dependency": "dependency",
    "DocumentTemplate": "document_template", "GovernanceTemplate": "governance_template",
    "Issue": "issue", "Lesson": "lesson", "Milestone": "milestone",
    "ProjectObjective": "project_objective", "ProjectType": "reference_data",
    "Risk": "risk", "RiskCategory": "reference_data", "Stakeholder": "stakeholder",
    "StrategicObjective": "objective", "Webhook": "webhook",
}
"""The policy resource type whose read permission lists an entity's deletions."""


@strawberry.type(name="DeletedRow",
                 description="An object that was deleted. An incremental load removes the row "
                             "whose id (riskId, costEntryId...) is deletedId.")
class DeletedRowInfo:
    entity: DeletedEntity = strawberry.field(description="What kind of object it was.")  # type: ignore[valid-type]
    deleted_id: strawberry.ID = strawberry.field(
        description="The deleted object's global id (as its `id` was).")
    project_id: strawberry.ID | None = strawberry.field(
        description="The global id of the project it belonged to, if any.")
    deleted_at: datetime = strawberry.field(description="When it was deleted (UTC).")

    @classmethod
    def from_row(cls, row: DeletedRow) -> DeletedRowInfo:
        return cls(entity=DeletedEntity(row.entity),  # type: ignore[operator]
                   deleted_id=strawberry.ID(to_global_id(row.entity, row.entity_id)),
                   project_id=(None if row.project_id is None
                               else strawberry.ID(to_global_id("Project", row.project_id))),
                   deleted_at=row.deleted_at)


DELETED_ROWS = ListSpec(DeletedRow, "deleted_row", OrderSpec(
    {"DELETED_AT": SortField("DELETED_AT", DeletedRow.deleted_at)},
    default=[("DELETED_AT", False)]), DeletedRowInfo.from_row)


async def deleted_rows(info: Info, entity: Any, since: datetime,
                       project_ids: list[strawberry.ID] | None, first: int | None,
                       after: str | None, last: int | None,
                       before: str | None) -> Connection[DeletedRowInfo]:
    """The deletions of ``entity`` at or after ``since``, oldest first."""
    name = entity.value
    info.context.require("read", Resource(RESOURCE_OF[name]))
    days = info.context.deleted_rows_retention_days
    since = as_utc(since)
    if since < horizon(days):
        raise bad_input(f"since is older than the {days} days deletions are kept "
                        "(PMO_DELETED_ROWS_RETENTION_DAYS): reload the report in full")
    d: Any = DeletedRow
    where = [d.entity == name, d.deleted_at >= since,
             *ids_of(d.project_id, project_ids, "Project", "projectIds")]
    return await root_connection(info, DELETED_ROWS, where, None, first, after, last, before,
                                 resource=Resource(RESOURCE_OF[name]),
                                 sessions=info.context.report_sessions)


EntityArg = Annotated[DeletedEntity, strawberry.argument(  # type: ignore[valid-type]
    description="Which kind of object.")]
SinceArg = Annotated[datetime, strawberry.argument(
    description="Deleted at or after this time (UTC when no offset is given); at most the "
                "retention period ago (90 days unless configured).")]
ProjectIdsArg = Annotated[list[strawberry.ID] | None, strawberry.argument(
    description="Only deletions of rows of these projects.")]
