"""Project baselines: the plan frozen as a numbered ProjectBaseline, the reference that
planned value, SPI, schedule variance and milestone slip are measured against.

``take`` is the PMO's or sponsor's explicit act (``baselineProject``); ``next_baseline`` is
also what an approved change request records. Authorized by the one enforcer, audited,
published, never committed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.common import flush
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.project.access import project_resource
from server.domain.project.models import Milestone, Project, ProjectBaseline

MAX_REASON = 500


async def next_baseline(session: AsyncSession, project: Project, reason: str,
                        ) -> ProjectBaseline:
    """The project's next numbered baseline as it stands: BAC, baseline start and finish (the
    planned ones where no baseline is set), and each milestone's baseline date (else its
    planned date), by date. Added to the session by the caller."""
    highest = (await session.exec(
        sa.select(sa.func.max(ProjectBaseline.number))  # type: ignore[call-overload]
        .where(ProjectBaseline.project_id == project.id))).scalar_one()
    milestones = (await session.exec(
        sa.select(Milestone).where(Milestone.project_id == project.id)  # type: ignore[call-overload]
        .order_by(Milestone.planned_date, Milestone.id))).scalars().all()
    return ProjectBaseline(
        project_id=project.id, number=(highest or 0) + 1, reason=reason,  # type: ignore[arg-type]
        bac=project.budget_at_completion,
        start=project.baseline_start or project.planned_start,
        finish=project.baseline_finish,
        milestones=[{"milestone_id": m.id, "name": m.name,
                     "date": (m.baseline_date or m.planned_date).isoformat()}
                    for m in milestones])


async def take(session: AsyncSession, *, actor: Actor, project_id: int, version: int,
               reason: str | None, action: str = "baseline") -> ProjectBaseline:
    """Freeze the project's plan as read at ``version``: its planned start and finish become
    its baseline dates, each milestone's planned date its baseline date, and the whole the
    next numbered ProjectBaseline (with the BAC). Raises DomainError or Forbidden."""
    project = await session.get(Project, project_id)
    if project is None:
        raise DomainError.one("id", "no project with this id", ErrorCode.NOT_FOUND)
    actor.require("create", await project_resource(session, project_id, "project_baseline",
                                                   field="id"))
    if project.version != version:
        raise DomainError.one(
            "version", f"the project is at version {project.version}, not {version}; reload it",
            ErrorCode.VERSION_CONFLICT)
    text = (reason or "").strip()
    if len(text) > MAX_REASON:
        raise DomainError.one("reason", f"at most {MAX_REASON} characters", ErrorCode.TOO_LONG)
    return await freeze(session, actor=actor, project=project, reason=text or "Baseline",
                        action=action, field="id")


async def freeze(session: AsyncSession, *, actor: Actor, project: Project, reason: str,
                 action: str, field: str) -> ProjectBaseline:
    """Take the baseline (authorization and version are the caller's business): the planned
    start and finish become the baseline dates, each milestone's planned date its baseline
    date, and all of it the next ProjectBaseline; audited as ``action`` on the project.
    A project without planned dates is a REQUIRED error on ``field``."""
    project_id: int = project.id  # type: ignore[assignment]
    missing = [name for name, value in (("plannedStart", project.planned_start),
                                        ("plannedFinish", project.planned_finish))
               if value is None]
    if missing:
        raise DomainError.one(field, f"the project has no {' or '.join(missing)}: plan it "
                              "before baselining it", ErrorCode.REQUIRED)
    before = audit.snapshot(project)
    project.baseline_start, project.baseline_finish = project.planned_start, project.planned_finish
    milestones = (await session.exec(
        sa.select(Milestone).where(Milestone.project_id == project_id))).scalars().all()  # type: ignore[call-overload]
    for milestone in milestones:
        milestone.baseline_date = milestone.planned_date
    baseline = await next_baseline(session, project, reason)
    session.add(baseline)
    await flush(session, "project")
    changes = audit.diff(before, audit.snapshot(project))
    changes["baseline_number"] = {"before": baseline.number - 1 or None,
                                  "after": baseline.number}
    await audit.record(session, actor=actor, action=action, entity_type="Project",
                       entity_id=project_id, changes=changes)
    events.stage(session, DomainEvent("project.changed", "Project", project_id,
                                      project.portfolio_id, {"action": action}))
    return baseline


async def has_baseline(session: AsyncSession, project_id: int) -> bool:
    return (await session.exec(sa.select(sa.func.count()).select_from(ProjectBaseline)  # type: ignore[call-overload]
                               .where(ProjectBaseline.project_id == project_id))).scalar_one() > 0
