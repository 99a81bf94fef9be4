"""What waits for the viewer's decision: submitted gates and change requests they may decide."""

from __future__ import annotations

import sqlalchemy as sa
import strawberry
from sqlalchemy.sql.elements import ColumnElement

from policies.resources import Resource
from schema.context import Info
from schema.control.filters import CHANGE_REQUESTS, ChangeRequestOrderArg
from schema.control.types import ChangeRequest
from schema.governance.filters import PROJECT_GATES, ProjectGateOrderArg
from schema.governance.types import ProjectGate
from schema.listing import root_connection
from schema.pagination import After, Before, Connection, First, Last
from server.domain.enums import ApproverRole, ChangeRequestStatus, GateStatus
from server.domain.governance.models import ProjectGate as ProjectGateRow
from server.domain.portfolio.models import Portfolio
from server.domain.project.models import Project
from server.domain.raid.models import ChangeRequest as ChangeRequestRow


def _projects_in_scope(person_id: int) -> sa.Select[tuple[int]]:
    """Ids of the projects ``person_id`` sponsors or whose portfolio they own."""
    return (sa.select(Project.id).join(Portfolio, Portfolio.id == Project.portfolio_id)  # type: ignore[arg-type]
            .where(sa.or_(Project.sponsor_id == person_id, Portfolio.owner_id == person_id)))


def _scope(info: Info, resource_type: str, project_column: object,
           approver_column: object | None = None) -> list[ColumnElement[bool]]:
    """Conditions for the rows of ``resource_type`` the viewer may decide, asked of the
    policies: any row (the PMO), rows of projects in their scope (sponsor or portfolio owner,
    executive gates only for gates), or none (``false``)."""
    viewer = info.context.viewer
    if viewer is None:
        return [sa.false()]
    me = viewer.subject.person_id
    for role in (ApproverRole.PMO, ApproverRole.EXECUTIVE):
        if info.context.can("decide", Resource(resource_type, approver_role=role.value)):
            return []
    in_scope = project_column.in_(_projects_in_scope(me))  # type: ignore[attr-defined]
    conditions: list[ColumnElement[bool]] = []
    roles = (ApproverRole.EXECUTIVE, ApproverRole.PMO) if approver_column is not None else (None,)
    for role in roles:
        value = role.value if role is not None else None
        as_sponsor = Resource(resource_type, sponsor_id=me, approver_role=value)
        as_owner = Resource(resource_type, portfolio_owner_id=me, approver_role=value)
        if info.context.can("decide", as_sponsor) and info.context.can("decide", as_owner):
            conditions.append(in_scope if role is None else sa.and_(
                in_scope, approver_column == value))  # type: ignore[operator]
    return [sa.or_(*conditions)] if conditions else [sa.false()]




@strawberry.type(description="What waits for the viewer's decision.")
class PendingDecisions:
    @strawberry.field(description="Submitted gates the viewer may decide: any for the PMO; "
                                  "executive gates of projects they sponsor or whose portfolio "
                                  "they own for an executive; none for others.")
    async def gates(self, info: Info, order_by: ProjectGateOrderArg = None,
                    first: First = None, after: After = None, last: Last = None,
                    before: Before = None) -> Connection[ProjectGate]:
        where = [ProjectGateRow.status == GateStatus.SUBMITTED,
                 *_scope(info, "project_gate", ProjectGateRow.project_id,
                         ProjectGateRow.approver_role)]
        return await root_connection(info, PROJECT_GATES, where, order_by, first, after, last,
                                     before)

    @strawberry.field(description="Submitted change requests the viewer may decide: any for "
                                  "the PMO; those of projects they sponsor or whose portfolio "
                                  "they own for an executive; none for others.")
    async def change_requests(self, info: Info,
                              order_by: ChangeRequestOrderArg = None,
                              first: First = None, after: After = None, last: Last = None,
                              before: Before = None) -> Connection[ChangeRequest]:
        where = [ChangeRequestRow.status == ChangeRequestStatus.SUBMITTED,
                 *_scope(info, "change_request", ChangeRequestRow.project_id)]
        return await root_connection(info, CHANGE_REQUESTS, where, order_by, first, after,
                                     last, before)


@strawberry.type
class DecisionQueries:
    @strawberry.field(description="The gates and change requests waiting for the viewer's "
                                  "decision.")
    def pending_decisions(self, info: Info) -> PendingDecisions:
        return PendingDecisions()
