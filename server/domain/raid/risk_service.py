"""Risk rules: create, update, close and escalate to an issue; authorized, audited, not committed.

Status moves: OPEN and MITIGATING move between each other; either may be closed
(``close``) or, when the risk happens, escalated to an issue (``escalate``, status OCCURRED);
a CLOSED risk may be reopened; an OCCURRED risk stays so (its issue carries the work on).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.collaboration import workflow
from server.domain.enums import IssueSeverity, RiskStatus
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.project.models import Project
from server.domain.raid import common
from server.domain.raid.models import OPEN_RISK_STATUSES, Issue, Risk
from server.domain.raid.schemas import IssueCreate, RiskCreate, RiskUpdate

LIVE = frozenset(OPEN_RISK_STATUSES)
MOVES: dict[RiskStatus, frozenset[RiskStatus]] = {
    RiskStatus.OPEN: frozenset({RiskStatus.MITIGATING, RiskStatus.CLOSED, RiskStatus.OCCURRED}),
    RiskStatus.MITIGATING: frozenset({RiskStatus.OPEN, RiskStatus.CLOSED, RiskStatus.OCCURRED}),
    RiskStatus.CLOSED: frozenset({RiskStatus.OPEN}),
    RiskStatus.OCCURRED: frozenset(),
}
# Moves with their own operation, so what goes with them (an issue) cannot be skipped.
_DEDICATED = {RiskStatus.CLOSED: "use closeRisk", RiskStatus.OCCURRED: "use escalateRisk"}

# An escalated risk's issue is as severe as the risk's impact, unless the caller says.
SEVERITY_BY_IMPACT = {1: IssueSeverity.LOW, 2: IssueSeverity.LOW, 3: IssueSeverity.MEDIUM,
                      4: IssueSeverity.HIGH, 5: IssueSeverity.CRITICAL}


async def get(session: AsyncSession, *, risk_id: int) -> Risk | None:
    """The risk, or None."""
    return await session.get(Risk, risk_id)


async def _written(session: AsyncSession, risk: Risk) -> None:
    await common.flush(session, "risk")
    # The database computes the score; read it back instead of leaving it expired.
    await session.refresh(risk)


async def create(session: AsyncSession, *, actor: Actor, data: dict[str, Any]) -> Risk:
    """Raise a risk on a project the actor may edit. Raises DomainError or Forbidden."""
    data = {k: v for k, v in data.items() if v is not None}
    if "project_id" not in data:
        raise DomainError.one("projectId", "projectId is required", ErrorCode.REQUIRED)
    actor.require("create", await common.resource_of(session, "risk", data["project_id"]))
    values = common.validate(RiskCreate, data).model_dump()
    await common.check_owner(session, values["owner_id"])
    await common.check_category(session, values["category_id"])
    risk = Risk(**values)
    session.add(risk)
    await _written(session, risk)
    await common.record(session, actor=actor, action="create", row=risk, before={})
    return risk


async def _editable(session: AsyncSession, actor: Actor, risk_id: int, version: int) -> Risk:
    risk = await common.get_or_raise(session, Risk, risk_id, "risk")
    actor.require("update", await common.resource_of(session, "risk", risk.project_id, risk.id))
    common.check_version(risk, version, "risk")
    return risk


async def update(session: AsyncSession, *, actor: Actor, risk_id: int, version: int,
                 changes: dict[str, Any]) -> Risk:
    """Apply a partial update read at ``version``. Raises DomainError or Forbidden."""
    risk = await _editable(session, actor, risk_id, version)
    values = common.validate(RiskUpdate, changes).model_dump(exclude_unset=True)
    target = values.get("status", risk.status)
    if target != risk.status:
        if target in _DEDICATED and target in MOVES[risk.status]:
            raise DomainError.one("status", f"{_DEDICATED[target]} to make a risk "
                                  f"{target.value}", ErrorCode.INVALID)
        common.refuse_move("risk", risk.status, target, MOVES[risk.status] - set(_DEDICATED))
    if "owner_id" in values:
        await common.check_owner(session, values["owner_id"])
    if "category_id" in values:
        await common.check_category(session, values["category_id"])
    before = audit.snapshot(risk)
    common.apply(risk, values)
    await _written(session, risk)
    await common.record(session, actor=actor, action="update", row=risk, before=before)
    return risk


async def delete(session: AsyncSession, *, actor: Actor, risk_id: int, version: int) -> Risk:
    """Delete a risk recorded by mistake, read at ``version``; returns it as it was. A risk
    that was escalated cannot be deleted: its issue refers to it (close it instead)."""
    risk = await common.deletable(session, actor, Risk, risk_id, version, "risk")
    refusal = await delete_refusal(session, risk_id)
    if refusal is not None:
        raise refusal
    await common.remove(session, actor=actor, row=risk, label="risk")
    return risk


async def delete_refusal(session: AsyncSession, risk_id: int) -> DomainError | None:
    """Why the risk may not be deleted whoever asks, or None: the rule of ``deleteRisk`` and
    of ``Risk.viewerCanDelete`` alike."""
    escalated = (await session.exec(sa.select(Issue.id).where(  # type: ignore[call-overload]
        Issue.source_risk_id == risk_id))).first()
    if escalated is not None:
        return DomainError.one("id", "an escalated risk cannot be deleted: the issue opened "
                               "from it refers to it", ErrorCode.INVALID)
    return None


def _require_live(risk: Risk, doing: str) -> None:
    if risk.status not in LIVE:
        raise DomainError.one(
            "id", f"a {risk.status.value} risk cannot be {doing}; only OPEN or MITIGATING ones",
            ErrorCode.INVALID)


async def close(session: AsyncSession, *, actor: Actor, risk_id: int, version: int) -> Risk:
    """Close an OPEN or MITIGATING risk read at ``version``."""
    risk = await _editable(session, actor, risk_id, version)
    _require_live(risk, "closed")
    before = audit.snapshot(risk)
    risk.status = RiskStatus.CLOSED
    await _written(session, risk)
    await common.record(session, actor=actor, action="close", row=risk, before=before)
    return risk


async def escalate(session: AsyncSession, *, actor: Actor, risk_id: int, version: int,
                   issue: dict[str, Any]) -> tuple[Risk, Issue]:
    """The risk happened: mark it OCCURRED and open an issue from it, in one transaction.

    ``issue`` may set the issue's title, description, severity, owner and due date; by
    default they come from the risk (severity from its impact). Stages ``risk.escalated``.
    """
    risk = await _editable(session, actor, risk_id, version)
    actor.require("create", await common.resource_of(session, "issue", risk.project_id))
    _require_live(risk, "escalated")
    given = {k: v for k, v in issue.items() if v is not None}
    if "owner_id" in given:
        await common.check_owner(session, given["owner_id"])
    values = common.validate(IssueCreate, {
        "project_id": risk.project_id, "title": risk.title, "description": risk.description,
        "severity": SEVERITY_BY_IMPACT[risk.impact], "owner_id": risk.owner_id, **given,
    }).model_dump()

    before = audit.snapshot(risk)
    risk.status = RiskStatus.OCCURRED
    await _written(session, risk)
    created = Issue(**values, source_risk_id=risk.id)
    session.add(created)
    await common.flush(session, "issue")
    await common.record(session, actor=actor, action="escalate", row=risk, before=before)
    await common.record(session, actor=actor, action="create", row=created, before={})

    project = await session.get(Project, risk.project_id)
    events.stage(session, DomainEvent(
        "risk.escalated", "Risk", risk.id,  # type: ignore[arg-type]
        project.portfolio_id if project else None,
        {"issue_id": created.id, "project_id": risk.project_id}))
    await workflow.risk_escalated(session, actor, risk, created)
    return risk, created
