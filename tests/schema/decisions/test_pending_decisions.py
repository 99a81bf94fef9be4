"""pendingDecisions: the submitted gates and change requests waiting for the viewer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.domain.enums import ChangeRequestStatus, GateStatus
from server.domain.models import ChangeRequest, Project
from tests.schema.conftest import Api, World
from tests.schema.decisions.conftest import Sessions, set_gates

APPLY = """
mutation($input: ApplyGovernanceTemplateInput!) {
  applyGovernanceTemplate(input: $input) { userErrors { code } }
}"""

PENDING = """
{
  pendingDecisions {
    gates { totalCount nodes { name project { code } viewerCanDecide } }
    changeRequests { totalCount nodes { title project { code } viewerCanDecide } }
  }
}"""


@pytest.fixture
async def waiting(api: Api, world: World, sessions: Sessions, template: int) -> None:
    """Alpha (sponsor Carol): executive gate 1 submitted, change request "A" submitted.
    Beta (sponsor Dave; portfolio owner Carol): PMO gate 2 submitted, "B" submitted,
    "B draft" a draft."""
    for who, project_id in [("alice", world.alice_project), ("bob", world.bob_project)]:
        result = await api(who, APPLY, input={
            "projectId": world.gid("Project", project_id),
            "governanceTemplateId": world.gid("GovernanceTemplate", template)})
        assert result["data"]["applyGovernanceTemplate"]["userErrors"] == []
    await set_gates(sessions, world.alice_project, GateStatus.SUBMITTED)
    await set_gates(sessions, world.bob_project, GateStatus.APPROVED, GateStatus.SUBMITTED)
    async with sessions() as s, s.begin():
        beta = await s.get(Project, world.bob_project)
        assert beta is not None
        beta.sponsor_id = world.people["dave"]
        for project_id, title, status in [
            (world.alice_project, "A", ChangeRequestStatus.SUBMITTED),
            (world.bob_project, "B", ChangeRequestStatus.SUBMITTED),
            (world.bob_project, "B draft", ChangeRequestStatus.DRAFT),
        ]:
            s.add(ChangeRequest(project_id=project_id, title=title, status=status,
                                cost_impact=Decimal("1.00")))


@pytest.mark.parametrize(("who", "gates", "change_requests"), [
    ("pmo", [("Business case", "PRJ-0001"), ("Design", "PRJ-0002")],
     [("A", "PRJ-0001"), ("B", "PRJ-0002")]),
    ("carol", [("Business case", "PRJ-0001")], [("A", "PRJ-0001"), ("B", "PRJ-0002")]),
    ("dave", [], [("B", "PRJ-0002")]),  # a PMO gate is not an executive's
    ("alice", [], []),  # a PM never decides, not even on their own project
    ("ana", [], []),
])
async def test_pending_decisions_are_those_the_viewer_may_take(
    api: Api, waiting: None, who: str, gates: list[tuple[str, str]],
    change_requests: list[tuple[str, str]],
) -> None:
    # when the viewer asks what waits for them
    result = await api(who, PENDING)
    # then they see exactly the submitted items they may decide
    assert "errors" not in result, result
    pending = result["data"]["pendingDecisions"]
    assert pending["gates"]["totalCount"] == len(gates)
    assert [(g["name"], g["project"]["code"]) for g in pending["gates"]["nodes"]] == gates
    assert all(g["viewerCanDecide"] for g in pending["gates"]["nodes"])
    assert pending["changeRequests"]["totalCount"] == len(change_requests)
    assert sorted((c["title"], c["project"]["code"])
                  for c in pending["changeRequests"]["nodes"]) == change_requests
    assert all(c["viewerCanDecide"] for c in pending["changeRequests"]["nodes"])
