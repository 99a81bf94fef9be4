"""Deciding change requests: approval moves the project's BAC and baseline finish.

Authorized by the one enforcer (the sponsor, the portfolio owner or the PMO), audited on both
the request and the project, published, never committed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.base import utcnow
from server.domain.collaboration import workflow
from server.domain.common import flush
from server.domain.enums import ChangeRequestStatus
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.project.access import project_resource
from server.domain.project.baselines import next_baseline
from server.domain.project.models import Project
from server.domain.raid.models import ChangeRequest

DECISIONS = (ChangeRequestStatus.APPROVED, ChangeRequestStatus.REJECTED)


async def decide(session: AsyncSession, *, actor: Actor, change_request_id: int, version: int,
                 decision: ChangeRequestStatus, note: str | None = None) -> ChangeRequest:
    """Approve or reject a submitted change request read at ``version``.

    Approval adds the cost impact to the project's BAC, moves its baseline finish (or, without
    one, its planned finish) by the schedule impact and records the next ProjectBaseline.
    Raises DomainError or Forbidden.
    """
    if decision not in DECISIONS:
        raise DomainError.one("decision", "APPROVED or REJECTED", ErrorCode.INVALID)
    change_request = await session.get(ChangeRequest, change_request_id)
    if change_request is None:
        raise DomainError.one("id", "no change request with this id", ErrorCode.NOT_FOUND)
    actor.require("decide", await project_resource(
        session, change_request.project_id, "change_request", field="id",
        row_id=change_request.id))
    if change_request.version != version:
        raise DomainError.one(
            "version", f"the change request is at version {change_request.version}, "
            f"not {version}; reload it", ErrorCode.VERSION_CONFLICT)
    if change_request.status != ChangeRequestStatus.SUBMITTED:
        raise DomainError.one("id", f"the change request is {change_request.status.value}, "
                              "not SUBMITTED", ErrorCode.INVALID_TRANSITION)
    project = await session.get(Project, change_request.project_id)
    assert project is not None
    request_before = audit.snapshot(change_request)
    change_request.status = decision
    change_request.decided_by_id, change_request.decided_at = actor.person_id, utcnow()
    change_request.decision_note = note
    baseline = None
    project_before = audit.snapshot(project)
    if decision == ChangeRequestStatus.APPROVED:
        new_bac = project.budget_at_completion + change_request.cost_impact
        if new_bac < 0:
            raise DomainError.one("id", "the cost impact would make the BAC negative",
                                  ErrorCode.OUT_OF_RANGE)
        project.budget_at_completion = new_bac
        finish = project.baseline_finish or project.planned_finish
        if finish is not None:
            project.baseline_finish = finish + timedelta(days=change_request.schedule_impact_days)
        baseline = await next_baseline(session, project,
                                        f"Change request {change_request.id}: "
                                        f"{change_request.title}")
        session.add(baseline)
    await flush(session, "change request", invalid=DomainError.one(
        "id", "the impacts break a data rule of the project", ErrorCode.INVALID))
    await audit.record(session, actor=actor, action="decide", entity_type="ChangeRequest",
                       entity_id=change_request_id,
                       changes=audit.diff(request_before, audit.snapshot(change_request)))
    if baseline is not None:
        changes = audit.diff(project_before, audit.snapshot(project))
        changes["baseline_number"] = {"before": baseline.number - 1 or None,
                                      "after": baseline.number}
        changes["change_request_id"] = {"before": None, "after": change_request_id}
        await audit.record(session, actor=actor, action="approve_change_request",
                           entity_type="Project", entity_id=project.id,  # type: ignore[arg-type]
                           changes=changes)
    events.stage(session, DomainEvent(
        "change_request.decided", "ChangeRequest", change_request_id, project.portfolio_id,
        {"project_id": project.id, "decision": decision.value}))
    await workflow.change_request_decided(session, actor, change_request)
    return change_request
