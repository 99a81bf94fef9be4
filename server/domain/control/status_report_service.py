"""Status report rules: one report per project and period, submitted once and then immutable.

Authorized by the one enforcer against the project's relationships, audited, announced as a
``status_report.submitted`` event, never committed. A RAG the caller leaves out is suggested
from the metrics as of ``period_end`` (see ``suggest``), and the project's figures for that
day are kept as a ``ProjectSnapshot`` in the same transaction.

"As of the period end" means what ``metrics.snapshots`` says: earned value, and the risks
and issues open at the end of that day as the audit trail tells them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.base import utcnow
from server.domain.common import flush
from server.domain.control.schemas import StatusReportSubmit
from server.domain.enums import EvmMetric, Rag
from server.domain.errors import DomainError, ErrorCode, from_validation_error
from server.domain.events import DomainEvent
from server.domain.metrics import evm, snapshots
from server.domain.project.access import project_resource
from server.domain.project.models import Project
from server.domain.raid.models import HIGH_RISK_SCORE, StatusReport

ENTITY_TYPE = "StatusReport"
RESOURCE_TYPE = "status_report"
SUBMITTED = "status_report.submitted"

# Model field -> API input name, so errors point at what the caller sent.
API_NAMES = {"project_id": "projectId", "period_end": "periodEnd", "next_steps": "nextSteps",
             "__root__": "input"}


RAGS = ("schedule", "cost", "scope", "risk")
RED_RISK_SCORE, AMBER_RISK_SCORE = HIGH_RISK_SCORE, 8
_SEVERITY = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


def _duplicate() -> DomainError:
    return DomainError.one("periodEnd", "the project already has a report for this period",
                           ErrorCode.DUPLICATE)


async def get(session: AsyncSession, *, status_report_id: int) -> StatusReport | None:
    """The status report, or None."""
    return await session.get(StatusReport, status_report_id)


def risk_rag(scores: list[int]) -> Rag:
    """RED if an open risk scores 15 or more, AMBER if one scores 8 or more, else GREEN."""
    top = max(scores, default=0)
    return Rag.RED if top >= RED_RISK_SCORE else Rag.AMBER if top >= AMBER_RISK_SCORE \
        else Rag.GREEN


def suggest(figures: evm.EarnedValue, thresholds: dict[EvmMetric, evm.Band],
            override: Rag | None, risk_scores: list[int]) -> dict[str, Rag]:
    """The RAGs the metrics tell: schedule = the SPI band, cost = the CPI band (an unknown
    index or band falls back to the project's health override, else GREEN), risk from the open
    risks' scores, scope GREEN (nothing measures it yet), overall the worst of the four."""
    fallback = override or Rag.GREEN
    rags = {
        "schedule": evm.band(figures.spi, thresholds.get(EvmMetric.SPI)) or fallback,
        "cost": evm.band(figures.cpi, thresholds.get(EvmMetric.CPI)) or fallback,
        "scope": Rag.GREEN,
        "risk": risk_rag(risk_scores),
    }
    rags["overall"] = min(rags.values(), key=_SEVERITY.__getitem__)
    return rags


async def _metrics(session: AsyncSession, project: Project, day: date,
                   ) -> tuple[evm.EarnedValue, dict[EvmMetric, evm.Band]]:
    ac = (await evm.actual_costs(session, [project.id], day))[project.id]  # type: ignore[list-item]
    plan = (await evm.milestone_plans(session, [project.id]))[project.id]  # type: ignore[list-item]
    return evm.project_earned_value(project, ac, day, plan), await evm.rag_thresholds(session)


TEXTS = ("summary", "accomplishments", "next_steps")


def _cleaned(data: dict[str, Any]) -> dict[str, Any]:
    """The texts trimmed; a blank optional text is none, a blank summary REQUIRED."""
    values = dict(data)
    for name in TEXTS:
        if isinstance(values.get(name), str):
            values[name] = values[name].strip() or None
    if values.get("summary") is None:
        raise DomainError.one("summary", "a status report needs a summary", ErrorCode.REQUIRED)
    return values


async def submit(session: AsyncSession, *, actor: Actor, data: dict[str, Any],
                 grace_days: int = 7) -> StatusReport:
    """Submit a project's report for a period, by the actor, now. The period may end at most
    ``grace_days`` after today (UTC). Raises DomainError or Forbidden."""
    project_id = data.get("project_id")
    if project_id is None:
        raise DomainError.one("projectId", "required", ErrorCode.REQUIRED)
    resource = await project_resource(session, project_id, RESOURCE_TYPE)
    # Submitting creates the report and submits it in one step: both rights are needed.
    actor.require("create", resource)
    actor.require("submit", resource)
    try:
        validated = StatusReportSubmit.model_validate(_cleaned(data))
    except ValidationError as exc:
        raise from_validation_error(exc, to_field=API_NAMES) from None
    latest = datetime.now(UTC).date() + timedelta(days=grace_days)
    if validated.period_end > latest:
        raise DomainError.one("periodEnd", f"the period cannot end after {latest.isoformat()}: "
                              "report on a period once it (nearly) ended",
                              ErrorCode.OUT_OF_RANGE)
    taken = (await session.exec(sa.select(StatusReport.id).where(  # type: ignore[call-overload]
        StatusReport.project_id == project_id,
        StatusReport.period_end == validated.period_end))).first()
    if taken is not None:
        raise _duplicate()
    project = await session.get(Project, project_id)
    assert project is not None  # project_resource raised NOT_FOUND otherwise
    figures, thresholds = await _metrics(session, project, validated.period_end)
    scores, open_issues = await snapshots.raid_at_end_of(session, project_id,
                                                         validated.period_end)
    values = validated.model_dump()
    suggested = suggest(figures, thresholds, project.health_override, scores)
    for rag in RAGS:
        if values[rag] is None:
            values[rag] = suggested[rag]
    if values["overall"] is None:
        values["overall"] = min((values[rag] for rag in RAGS), key=_SEVERITY.__getitem__)
    report = StatusReport(**values, submitted_by_id=actor.person_id, submitted_at=utcnow())
    session.add(report)
    # A concurrent submission for the same period loses on the unique constraint.
    await flush(session, "status report", on_unique=_duplicate(), invalid=DomainError.one(
        "input", "the report breaks a data rule", ErrorCode.INVALID))
    await audit.record(session, actor=actor, action="submit", entity_type=ENTITY_TYPE,
                       entity_id=report.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(report)))
    await snapshots.record(session, project, report.period_end, figures, thresholds,
                           len(scores), open_issues)
    events.stage(session, DomainEvent(
        SUBMITTED, ENTITY_TYPE, report.id,  # type: ignore[arg-type]
        project.portfolio_id if project else None,
        {"project_id": project_id, "period_end": report.period_end.isoformat(),
         "overall": report.overall.value}))
    return report
