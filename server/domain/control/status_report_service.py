"""Status report rules: one report per project and period, submitted once and then immutable.

Authorized by the one enforcer against the project's relationships, audited, announced as a
``status_report.submitted`` event, never committed.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.base import utcnow
from server.domain.control.schemas import StatusReportSubmit
from server.domain.errors import DomainError, ErrorCode, from_validation_error
from server.domain.events import DomainEvent
from server.domain.project.access import project_resource
from server.domain.project.models import Project
from server.domain.raid.models import StatusReport

ENTITY_TYPE = "StatusReport"
RESOURCE_TYPE = "status_report"
SUBMITTED = "status_report.submitted"

# Model field -> API input name, so errors point at what the caller sent.
API_NAMES = {"project_id": "projectId", "period_end": "periodEnd", "next_steps": "nextSteps",
             "__root__": "input"}


def _duplicate() -> DomainError:
    return DomainError.one("periodEnd", "the project already has a report for this period",
                           ErrorCode.DUPLICATE)


async def get(session: AsyncSession, *, status_report_id: int) -> StatusReport | None:
    """The status report, or None."""
    return await session.get(StatusReport, status_report_id)


async def submit(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> StatusReport:
    """Submit a project's report for a period, by the actor, now. Raises DomainError or
    Forbidden."""
    project_id = data.get("project_id")
    if project_id is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    resource = await project_resource(session, project_id, RESOURCE_TYPE)
    # Submitting creates the report and submits it in one step: both rights are needed.
    actor.require("create", resource)
    actor.require("submit", resource)
    try:
        validated = StatusReportSubmit.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(exc, to_field=API_NAMES) from None
    taken = (await session.exec(sa.select(StatusReport.id).where(  # type: ignore[call-overload]
        StatusReport.project_id == project_id,
        StatusReport.period_end == validated.period_end))).first()
    if taken is not None:
        raise _duplicate()
    report = StatusReport(**validated.model_dump(), submitted_by_id=actor.person_id,
                          submitted_at=utcnow())
    session.add(report)
    try:
        await session.flush()
    except IntegrityError as exc:
        # A concurrent submission for the same period loses on the unique constraint.
        text = str(exc.orig).lower()
        if "unique" in text or "duplicate" in text:
            raise _duplicate() from None
        raise DomainError.one("input", "the report breaks a data rule", ErrorCode.INVALID) from None
    await audit.record(session, actor=actor, action="submit", entity_type=ENTITY_TYPE,
                       entity_id=report.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(report)))
    project = await session.get(Project, project_id)
    events.stage(session, DomainEvent(
        SUBMITTED, ENTITY_TYPE, report.id,  # type: ignore[arg-type]
        project.portfolio_id if project else None,
        {"project_id": project_id, "period_end": report.period_end.isoformat(),
         "overall": report.overall.value}))
    return report
