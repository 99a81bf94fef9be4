"""Project snapshots: one row per project per day, the figures trend reports plot.

Taken when a status report is submitted (for its period end, in the report's transaction) and
by ``pmo snapshot`` (for a day, every project still running). A snapshot describes the project
at the end of its day where there is a history to tell it: earned value (costs incurred by
then, planned value on that day) and the risks and issues open at the end of the day, with
the statuses and scores they had then, read back from the audit trail (``audit.history``;
items recorded later are left out). Status, BAC and percent complete are the project's now,
and EV uses the percent complete now, as docs/domain.md defines EV.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.audit.history import values_at
from server.domain.audit.models import ProjectSnapshot
from server.domain.enums import EvmMetric, ProjectStatus
from server.domain.metrics import evm
from server.domain.project.models import Project
from server.domain.raid.models import OPEN_ISSUE_STATUSES, OPEN_RISK_STATUSES, Issue, Risk

# Projects ``pmo snapshot`` leaves alone: nothing about them moves any more.
FINISHED = (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)


def end_of(day: date) -> datetime:
    """The first moment after ``day`` (UTC)."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


async def _as_of(session: AsyncSession, model: Any, project_id: int, day: date,
                 fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The project's rows of ``model`` that existed at the end of ``day``, each as the values
    of ``fields`` it had then."""
    rows = (await session.exec(sa.select(model).where(  # type: ignore[call-overload]
        model.project_id == project_id, model.created_at < end_of(day)))).scalars().all()
    return list((await values_at(session, rows, fields, end_of(day))).values())


async def raid_at_end_of(session: AsyncSession, project_id: int, day: date,
                         ) -> tuple[list[int], int]:
    """The scores of the project's risks open at the end of ``day`` and the number of its
    issues open then."""
    risks = await _as_of(session, Risk, project_id, day, ("status", "probability", "impact"))
    issues = await _as_of(session, Issue, project_id, day, ("status",))
    scores = [r["probability"] * r["impact"] for r in risks if r["status"] in OPEN_RISK_STATUSES]
    return scores, sum(1 for i in issues if i["status"] in OPEN_ISSUE_STATUSES)


async def record(session: AsyncSession, project: Project, day: date,
                 figures: evm.EarnedValue, thresholds: dict[EvmMetric, evm.Band],
                 open_risks: int, open_issues: int) -> ProjectSnapshot:
    """Upsert the project's snapshot for ``day`` from figures already computed."""
    r = figures.rounded()
    values = {
        "status": project.status,
        "health": evm.health(figures, thresholds, project.health_override),
        "bac": r.bac, "pv": r.pv if r.pv is not None else evm.ZERO, "ev": r.ev, "ac": r.ac,
        "percent_complete": project.percent_complete, "open_risks": open_risks,
        "open_issues": open_issues,
    }
    row = (await session.exec(sa.select(ProjectSnapshot).where(  # type: ignore[call-overload]
        ProjectSnapshot.project_id == project.id,
        ProjectSnapshot.taken_on == day))).scalars().first()
    if row is None:
        row = ProjectSnapshot(project_id=project.id, taken_on=day, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    await session.flush()
    return row


async def take_all(session: AsyncSession, day: date, *, chunk: int = 500) -> int:
    """Snapshot every project that is not completed or cancelled for ``day``; returns how
    many. Costs and plans are read ``chunk`` projects per statement."""
    thresholds = await evm.rag_thresholds(session)
    projects = (await session.exec(sa.select(Project).where(  # type: ignore[call-overload]
        Project.status.not_in(FINISHED)).order_by(Project.id))).scalars().all()  # type: ignore[attr-defined]
    for start in range(0, len(projects), chunk):
        batch: Sequence[Project] = projects[start:start + chunk]
        ids = [p.id for p in batch]
        costs = await evm.actual_costs(session, ids, day)  # type: ignore[arg-type]
        plans = await evm.milestone_plans(session, ids)  # type: ignore[arg-type]
        for project in batch:
            pid: int = project.id  # type: ignore[assignment]
            figures = evm.project_earned_value(project, costs[pid], day, plans[pid])
            scores, open_issues = await raid_at_end_of(session, pid, day)
            await record(session, project, day, figures, thresholds, len(scores), open_issues)
    return len(projects)


__all__ = ["end_of", "raid_at_end_of", "record", "take_all"]
