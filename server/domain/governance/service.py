"""Stage gates: copying a template onto a project, checklists, submission and decisions.

Authorized by the one enforcer, audited, published through the outbox, never committed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import CHECKLIST_COMPLETION, Resource
from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.base import utcnow
from server.domain.collaboration import workflow
from server.domain.enums import GateDecision, GateStatus, ProjectStatus
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.governance.models import (
    ChecklistItemTemplate,
    GateTemplate,
    GovernanceTemplate,
    ProjectChecklistItem,
    ProjectGate,
)
from server.domain.project import baselines
from server.domain.project.access import project_resource
from server.domain.project.models import Project

_CLOSED = (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)


async def _gates(session: AsyncSession, project_id: int) -> list[ProjectGate]:
    return list((await session.exec(
        sa.select(ProjectGate).where(ProjectGate.project_id == project_id)  # type: ignore[call-overload]
        .order_by(ProjectGate.sequence))).scalars().all())


async def _project(session: AsyncSession, project_id: int) -> Project:
    project = await session.get(Project, project_id)
    if project is None:
        raise DomainError.one("projectId", "no project with this id", ErrorCode.NOT_FOUND)
    return project


async def gate_resource(session: AsyncSession, gate: ProjectGate) -> Resource:
    """What the policies are asked about a gate: it, its approver role and its project."""
    return await project_resource(session, gate.project_id, "project_gate", field="id",
                                  row_id=gate.id, approver_role=gate.approver_role.value)


async def _gate(session: AsyncSession, gate_id: int, action: str, actor: Actor) -> ProjectGate:
    gate = await session.get(ProjectGate, gate_id)
    if gate is None:
        raise DomainError.one("id", "no gate with this id", ErrorCode.NOT_FOUND)
    actor.require(action, await gate_resource(session, gate))
    return gate


def _publish(event_type: str, gate: ProjectGate, project: Project, **payload: Any) -> DomainEvent:
    return DomainEvent(event_type, "ProjectGate", gate.id, project.portfolio_id,  # type: ignore[arg-type]
                       {"project_id": project.id, "sequence": gate.sequence, **payload})


async def apply_template(session: AsyncSession, *, actor: Actor, project_id: int,
                         template_id: int) -> Project:
    """Copy a governance template's gates and checklists onto a project that has none.

    Later edits of the template never change the copy. Raises DomainError or Forbidden.
    """
    actor.require("update", await project_resource(session, project_id))
    project = await _project(session, project_id)
    template = await session.get(GovernanceTemplate, template_id)
    if template is None:
        raise DomainError.one("governanceTemplateId", "no governance template with this id",
                              ErrorCode.NOT_FOUND)
    if not template.active:
        raise DomainError.one("governanceTemplateId", "the governance template is inactive",
                              ErrorCode.INVALID)
    if await _gates(session, project_id):
        raise DomainError.one("projectId", "the project already follows a governance template",
                              ErrorCode.INVALID_TRANSITION)
    gate_templates = list((await session.exec(
        sa.select(GateTemplate).where(GateTemplate.governance_template_id == template_id)  # type: ignore[call-overload]
        .order_by(GateTemplate.sequence))).scalars().all())
    if not gate_templates:
        raise DomainError.one("governanceTemplateId", "the governance template has no gates",
                              ErrorCode.INVALID)
    before = audit.snapshot(project)
    for position, gate_template in enumerate(gate_templates, start=1):
        gate = ProjectGate(project_id=project_id, gate_template_id=gate_template.id,
                           sequence=position, name=gate_template.name,
                           description=gate_template.description,
                           approver_role=gate_template.approver_role,
                           takes_baseline=gate_template.takes_baseline)
        session.add(gate)
        await session.flush()
        items = (await session.exec(
            sa.select(ChecklistItemTemplate)  # type: ignore[call-overload]
            .where(ChecklistItemTemplate.gate_template_id == gate_template.id)
            .order_by(ChecklistItemTemplate.sequence, ChecklistItemTemplate.id))).scalars().all()
        for item in items:
            session.add(ProjectChecklistItem(project_gate_id=gate.id, sequence=item.sequence,
                                             text=item.text, mandatory=item.mandatory))
    project.governance_template_id = template_id
    await session.flush()
    await audit.record(session, actor=actor, action="apply_governance_template",
                       entity_type="Project", entity_id=project_id,
                       changes=audit.diff(before, audit.snapshot(project)))
    events.stage(session, DomainEvent("project.changed", "Project", project_id,
                                      project.portfolio_id,
                                      {"action": "apply_governance_template"}))
    return project


def _evidence(url: str | None) -> str | None:
    """An http(s) URL with a host, trimmed; blank is none."""
    text = (url or "").strip()
    if not text:
        return None
    if len(text) > 2000:
        raise DomainError.one("evidenceUrl", "at most 2000 characters", ErrorCode.TOO_LONG)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise DomainError.one("evidenceUrl", "an http(s) URL, e.g. https://wiki.example.com/x",
                              ErrorCode.INVALID)
    return text


async def _item_and_gate(session: AsyncSession, item_id: int,
                         ) -> tuple[ProjectChecklistItem, ProjectGate]:
    item = await session.get(ProjectChecklistItem, item_id)
    if item is None:
        raise DomainError.one("id", "no checklist item with this id", ErrorCode.NOT_FOUND)
    gate = await session.get(ProjectGate, item.project_gate_id)
    assert gate is not None
    return item, gate


def _check_pending(gate: ProjectGate) -> None:
    if gate.status != GateStatus.PENDING:
        raise DomainError.one("id", f"the gate is {gate.status.value}, not PENDING",
                              ErrorCode.INVALID_TRANSITION)


def _completion(item: ProjectChecklistItem) -> Resource:
    """What the policies are asked to change a completed item: its completer may."""
    return Resource(CHECKLIST_COMPLETION, id=item.id, author_id=item.done_by_id)


async def _item_changed(session: AsyncSession, *, actor: Actor, item: ProjectChecklistItem,
                        gate: ProjectGate, before: dict[str, Any], action: str) -> None:
    await session.flush()
    await audit.record(session, actor=actor, action=action, entity_type="ProjectChecklistItem",
                       entity_id=item.id,  # type: ignore[arg-type]
                       changes=audit.diff(before, audit.snapshot(item)))
    project = await _project(session, gate.project_id)
    events.stage(session, _publish("gate.changed", gate, project,
                                   action=f"{action}_checklist_item", checklist_item_id=item.id))


async def complete_checklist_item(session: AsyncSession, *, actor: Actor, item_id: int,
                                  evidence_url: str | None = None) -> ProjectChecklistItem:
    """Tick off a checklist item of a gate not yet submitted, with an http(s) link to the
    evidence. A done item's evidence is corrected the same way, by whoever completed it or
    the PMO. Raises DomainError or Forbidden."""
    item, gate = await _item_and_gate(session, item_id)
    actor.require("update", await project_resource(
        session, gate.project_id, "checklist_item", field="id", row_id=item.id))
    evidence = _evidence(evidence_url)
    _check_pending(gate)
    before = audit.snapshot(item)
    if item.done:
        actor.require("update", _completion(item))
        if evidence == item.evidence_url:
            return item
        item.evidence_url = evidence
        await _item_changed(session, actor=actor, item=item, gate=gate, before=before,
                            action="correct")
        return item
    item.done, item.done_by_id, item.done_at = True, actor.person_id, utcnow()
    item.evidence_url = evidence
    await _item_changed(session, actor=actor, item=item, gate=gate, before=before,
                        action="complete")
    return item


async def reopen_checklist_item(session: AsyncSession, *, actor: Actor,
                                item_id: int) -> ProjectChecklistItem:
    """Mark a done item of a gate not yet submitted as not done (its completer or the PMO).
    Raises DomainError or Forbidden."""
    item, gate = await _item_and_gate(session, item_id)
    actor.require("update", await project_resource(
        session, gate.project_id, "checklist_item", field="id", row_id=item.id))
    if not item.done:
        raise DomainError.one("id", "the item is not done", ErrorCode.INVALID_TRANSITION)
    actor.require("update", _completion(item))
    _check_pending(gate)
    before = audit.snapshot(item)
    item.done, item.done_by_id, item.done_at, item.evidence_url = False, None, None, None
    await _item_changed(session, actor=actor, item=item, gate=gate, before=before,
                        action="reopen")
    return item


async def _check_earlier_approved(session: AsyncSession, gate: ProjectGate) -> None:
    for earlier in await _gates(session, gate.project_id):
        if earlier.sequence < gate.sequence and earlier.status != GateStatus.APPROVED:
            raise DomainError.one("id", f"gate {earlier.sequence} ({earlier.name}) is not "
                                  "approved yet", ErrorCode.INVALID_TRANSITION)


def _check_open(project: Project) -> None:
    if project.status in _CLOSED:
        raise DomainError.one("id", f"the project is {project.status.value}",
                              ErrorCode.INVALID_TRANSITION)


async def submit_refusal(session: AsyncSession, gate: ProjectGate) -> DomainError | None:
    """Why the gate's state does not allow submitting it now, or None: the rule of
    ``submitGate`` and of ``ProjectGate.viewerCanSubmit`` alike."""
    try:
        _check_open(await _project(session, gate.project_id))
        if gate.status != GateStatus.PENDING:
            raise DomainError.one("id", f"the gate is {gate.status.value}, not PENDING",
                                  ErrorCode.INVALID_TRANSITION)
        await _check_earlier_approved(session, gate)
    except DomainError as error:
        return error
    open_items = (await session.exec(
        sa.select(sa.func.count()).select_from(ProjectChecklistItem).where(  # type: ignore[call-overload]
            ProjectChecklistItem.project_gate_id == gate.id,
            ProjectChecklistItem.mandatory.is_(True),  # type: ignore[attr-defined]
            ProjectChecklistItem.done.is_(False)))).scalar_one()  # type: ignore[attr-defined]
    if open_items:
        return DomainError.one("id", f"{open_items} mandatory checklist item(s) still open",
                               ErrorCode.CHECKLIST_INCOMPLETE)
    return None


async def decide_refusal(session: AsyncSession, gate: ProjectGate) -> DomainError | None:
    """Why the gate's state does not allow deciding it now, or None: the rule of
    ``decideGate`` and of ``ProjectGate.viewerCanDecide`` alike."""
    try:
        _check_open(await _project(session, gate.project_id))
        if gate.status != GateStatus.SUBMITTED:
            raise DomainError.one("id", f"the gate is {gate.status.value}, not SUBMITTED",
                                  ErrorCode.INVALID_TRANSITION)
        await _check_earlier_approved(session, gate)
    except DomainError as error:
        return error
    return None


async def submit_gate(session: AsyncSession, *, actor: Actor, gate_id: int) -> ProjectGate:
    """Submit a pending gate for decision once its mandatory checklist items are done.

    Only the project's manager or the PMO. Raises DomainError or Forbidden.
    """
    gate = await _gate(session, gate_id, "submit", actor)
    project = await _project(session, gate.project_id)
    refusal = await submit_refusal(session, gate)
    if refusal is not None:
        raise refusal
    before = audit.snapshot(gate)
    gate.status, gate.submitted_by_id, gate.submitted_at = (
        GateStatus.SUBMITTED, actor.person_id, utcnow())
    await session.flush()
    await audit.record(session, actor=actor, action="submit", entity_type="ProjectGate",
                       entity_id=gate_id, changes=audit.diff(before, audit.snapshot(gate)))
    events.stage(session, _publish("gate.changed", gate, project, action="submit"))
    await workflow.gate_submitted(session, actor, gate, await gate_resource(session, gate))
    return gate


def _status_after_go(gate: ProjectGate, count: int) -> ProjectStatus:
    if gate.sequence == 1:
        return ProjectStatus.APPROVED
    if gate.sequence == count:
        return ProjectStatus.COMPLETED
    return ProjectStatus.ACTIVE


async def decide_gate(session: AsyncSession, *, actor: Actor, gate_id: int,
                      decision: GateDecision, note: str | None = None) -> ProjectGate:
    """Decide a submitted gate and move the project's status accordingly.

    GO approves the gate: on the first gate the project is APPROVED, on a middle gate ACTIVE,
    on the last COMPLETED; a gate that takes the baseline also takes the project's first one
    (a project without planned dates cannot pass it). HOLD keeps the gate submitted and puts
    the project ON_HOLD; NO_GO rejects the gate and cancels the project; RECYCLE sends the
    gate back to PENDING.
    Only the gate's approver role within its scope (never a PM). Raises DomainError or
    Forbidden.
    """
    gate = await _gate(session, gate_id, "decide", actor)
    project = await _project(session, gate.project_id)
    refusal = await decide_refusal(session, gate)
    if refusal is not None:
        raise refusal
    gate_before, project_before = audit.snapshot(gate), audit.snapshot(project)
    gate.decision, gate.note = decision, note
    gate.decided_by_id, gate.decided_at = actor.person_id, utcnow()
    baseline_first = (decision == GateDecision.GO and gate.takes_baseline
                      and not await baselines.has_baseline(session, gate.project_id))
    if decision == GateDecision.GO:
        gate.status = GateStatus.APPROVED
        project.status = _status_after_go(gate, len(await _gates(session, project.id)))  # type: ignore[arg-type]
    elif decision == GateDecision.NO_GO:
        gate.status = GateStatus.REJECTED
        project.status = ProjectStatus.CANCELLED
    elif decision == GateDecision.HOLD:
        project.status = ProjectStatus.ON_HOLD
    else:
        gate.status = GateStatus.PENDING
        gate.submitted_by_id, gate.submitted_at = None, None
    await session.flush()
    await audit.record(session, actor=actor, action="decide", entity_type="ProjectGate",
                       entity_id=gate_id, changes=audit.diff(gate_before, audit.snapshot(gate)))
    project_changes = audit.diff(project_before, audit.snapshot(project))
    if project_changes:
        await audit.record(session, actor=actor, action="gate_decision", entity_type="Project",
                           entity_id=project.id,  # type: ignore[arg-type]
                           changes=project_changes)
    if baseline_first:  # this gate's GO takes the first baseline, in the same transaction
        await baselines.freeze(session, actor=actor, project=project,
                               reason=f"Gate {gate.sequence}: {gate.name}",
                               action="baseline_at_gate", field="id")
    events.stage(session, _publish("gate.decided", gate, project, decision=decision.value,
                                   project_status=project.status.value))
    await workflow.gate_decided(session, actor, gate)
    return gate
