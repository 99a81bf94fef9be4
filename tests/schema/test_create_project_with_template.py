"""createProject with a governance template copies its gates and checklists onto the project."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import ApproverRole
from server.domain.models import (
    ChecklistItemTemplate,
    GateTemplate,
    GovernanceTemplate,
    Project,
    ProjectChecklistItem,
    ProjectGate,
)
from tests.schema.conftest import Api, World, codes

CREATE = """
mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    project { id governanceTemplate { name }
              gates { nodes { sequence name approverRole status checklist { nodes { text } } } } }
    userErrors { field code }
  }
}"""

Sessions = async_sessionmaker[AsyncSession]


async def make_template(sessions: Sessions) -> int:
    async with sessions() as s, s.begin():
        template = GovernanceTemplate(name="Stage-gate", methodology="Waterfall")
        s.add(template)
        await s.flush()
        idea = GateTemplate(governance_template_id=template.id, sequence=1, name="Idea",
                            approver_role=ApproverRole.PMO)
        case = GateTemplate(governance_template_id=template.id, sequence=2, name="Business case",
                            approver_role=ApproverRole.EXECUTIVE)
        s.add_all([idea, case])
        await s.flush()
        s.add(ChecklistItemTemplate(gate_template_id=case.id, text="Benefits quantified"))
        return template.id  # type: ignore[return-value]


async def test_project_created_with_a_template_gets_its_gates(
    api: Api, world: World, sessions: Sessions
) -> None:
    template_id = await make_template(sessions)
    result = await api("alice", CREATE, input={
        "name": "Gamma", "portfolioId": world.gid("Portfolio", world.portfolio),
        "governanceTemplateId": world.gid("GovernanceTemplate", template_id)})
    payload = result["data"]["createProject"]
    assert payload["userErrors"] == []
    project = payload["project"]
    assert project["governanceTemplate"] == {"name": "Stage-gate"}
    assert project["gates"]["nodes"] == [
        {"sequence": 1, "name": "Idea", "approverRole": "PMO", "status": "PENDING",
         "checklist": {"nodes": []}},
        {"sequence": 2, "name": "Business case", "approverRole": "EXECUTIVE",
         "status": "PENDING", "checklist": {"nodes": [{"text": "Benefits quantified"}]}},
    ]


async def test_an_unknown_template_creates_nothing(
    api: Api, world: World, sessions: Sessions
) -> None:
    async with sessions() as s:
        before = (await s.exec(sa.select(sa.func.count()).select_from(Project))).scalar_one()  # type: ignore[call-overload]
    result = await api("alice", CREATE, input={
        "name": "Gamma", "portfolioId": world.gid("Portfolio", world.portfolio),
        "governanceTemplateId": world.gid("GovernanceTemplate", 9999)})
    assert codes(result) == []
    assert [(e["field"], e["code"]) for e in result["data"]["createProject"]["userErrors"]] == [
        (["input", "governanceTemplateId"], "NOT_FOUND")]
    async with sessions() as s:
        projects = (await s.exec(sa.select(sa.func.count()).select_from(Project))).scalar_one()  # type: ignore[call-overload]
        assert projects == before
        assert (await s.exec(sa.select(sa.func.count()).select_from(ProjectGate))).scalar_one() == 0  # type: ignore[call-overload]
        assert (await s.exec(sa.select(sa.func.count()).select_from(  # type: ignore[call-overload]
            ProjectChecklistItem))).scalar_one() == 0
