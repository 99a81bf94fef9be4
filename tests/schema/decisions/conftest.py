"""Fixtures for the stage-gate and decision API tests: a three-gate governance template."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import ApproverRole, GateStatus
from server.domain.governance.models import (
    ChecklistItemTemplate,
    GateTemplate,
    GovernanceTemplate,
    ProjectChecklistItem,
    ProjectGate,
)
from server.domain.models import AuditEvent, OutboxEvent

Sessions = async_sessionmaker[AsyncSession]


async def rows(sessions: Sessions, model: Any, *where: Any) -> list[Any]:
    """Every row of ``model`` matching ``where``, by id."""
    async with sessions() as s:
        return list((await s.exec(sa.select(model).where(*where).order_by(model.id)))  # type: ignore[call-overload]
                    .scalars().all())


async def audits(sessions: Sessions, entity_type: str, entity_id: int) -> list[AuditEvent]:
    """The audit events about one entity, oldest first."""
    return await rows(sessions, AuditEvent, AuditEvent.entity_type == entity_type,
                      AuditEvent.entity_id == entity_id)


async def outbox(sessions: Sessions, event_type: str) -> list[OutboxEvent]:
    """The outbox events of one type, oldest first."""
    return await rows(sessions, OutboxEvent, OutboxEvent.event_type == event_type)


async def gates_of(sessions: Sessions, project_id: int) -> list[ProjectGate]:
    """The project's gates, in sequence."""
    async with sessions() as s:
        return list((await s.exec(sa.select(ProjectGate).where(  # type: ignore[call-overload]
            ProjectGate.project_id == project_id).order_by(ProjectGate.sequence))).scalars().all())


async def items_of(sessions: Sessions, gate_id: int) -> list[ProjectChecklistItem]:
    """A gate's checklist items, in sequence."""
    return await rows(sessions, ProjectChecklistItem,
                      ProjectChecklistItem.project_gate_id == gate_id)


@pytest.fixture
async def template(sessions: Sessions) -> int:
    """"Stage-Gate": 1 Business case (executive; one mandatory, one optional item),
    2 Design (PMO; one mandatory item), 3 Closure (executive; no items)."""
    async with sessions() as s, s.begin():
        tpl = GovernanceTemplate(name="Stage-Gate")
        s.add(tpl)
        await s.flush()
        specs = [("Business case", ApproverRole.EXECUTIVE, [("Charter signed", True),
                                                            ("Lessons read", False)]),
                 ("Design", ApproverRole.PMO, [("Design reviewed", True)]),
                 ("Closure", ApproverRole.EXECUTIVE, [])]
        for sequence, (name, role, items) in enumerate(specs, start=1):
            gate = GateTemplate(governance_template_id=tpl.id, sequence=sequence, name=name,
                                approver_role=role)
            s.add(gate)
            await s.flush()
            for number, (text, mandatory) in enumerate(items, start=1):
                s.add(ChecklistItemTemplate(gate_template_id=gate.id, sequence=number, text=text,
                                            mandatory=mandatory))
        return tpl.id  # type: ignore[return-value]


async def set_gates(sessions: Sessions, project_id: int, *statuses: GateStatus) -> list[int]:
    """Put the project's gates in the given statuses (first gates first); their ids."""
    async with sessions() as s, s.begin():
        gates = (await s.exec(sa.select(ProjectGate).where(  # type: ignore[call-overload]
            ProjectGate.project_id == project_id).order_by(ProjectGate.sequence))).scalars().all()
        for gate, status in zip(gates, statuses, strict=False):
            gate.status = status
        return [g.id for g in gates]
