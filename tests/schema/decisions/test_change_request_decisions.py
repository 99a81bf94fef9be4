"""Deciding change requests through the live API: the sponsor, the portfolio owner or the PMO
approve or reject; approval moves BAC and baseline finish and records the next baseline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from server.domain.enums import ChangeRequestStatus
from server.domain.models import ChangeRequest, Project
from server.domain.project.models import Milestone, ProjectBaseline
from tests.schema.conftest import Api, World, codes
from tests.schema.decisions.conftest import Sessions, audits, outbox, rows

DECIDE = """
mutation($input: DecideChangeRequestInput!) {
  decideChangeRequest(input: $input) {
    changeRequest { status version decidedAt decisionNote decidedBy { fullName } }
    project { budgetAtCompletion baselineFinish
      baselines { nodes { number bac finish reason
                          milestones { name date milestone { id name } } } } }
    userErrors { field message code }
  }
}"""


async def change_request(sessions: Sessions, project_id: int, *,
                         status: ChangeRequestStatus = ChangeRequestStatus.SUBMITTED) -> int:
    """A change request (+25,000.00, +14 days) on a project finishing 2027-03-31."""
    async with sessions() as s, s.begin():
        project = await s.get(Project, project_id)
        assert project is not None
        project.planned_start, project.planned_finish = date(2026, 1, 1), date(2027, 3, 31)
        s.add(Milestone(project_id=project_id, name="Go-live", planned_date=date(2027, 3, 1)))
        request = ChangeRequest(project_id=project_id, title="More scope",
                                cost_impact=Decimal("25000.00"), schedule_impact_days=14,
                                status=status)
        s.add(request)
        await s.flush()
        return request.id  # type: ignore[return-value]


async def state(sessions: Sessions, project_id: int, request_id: int,
                ) -> tuple[ChangeRequestStatus, Decimal, date | None, int]:
    """(request status, BAC, baseline finish, baselines)."""
    async with sessions() as s:
        request = await s.get(ChangeRequest, request_id)
        project = await s.get(Project, project_id)
        assert request is not None and project is not None
        baselines = await rows(sessions, ProjectBaseline, ProjectBaseline.project_id == project_id)
        return request.status, project.budget_at_completion, project.baseline_finish, len(
            baselines)


def decide(world: World, request_id: int, decision: str = "APPROVED", version: int = 1) -> dict:
    return {"id": world.gid("ChangeRequest", request_id), "version": version,
            "decision": decision, "note": "agreed"}


@pytest.mark.parametrize(("who", "project"), [("carol", "alice_project"),  # sponsor
                                              ("carol", "bob_project"),  # portfolio owner
                                              ("pmo", "alice_project")])
async def test_approval_moves_bac_and_baseline_in_one_transaction(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    # given a submitted change request
    project_id = getattr(world, project)
    request_id = await change_request(sessions, project_id)
    # when an allowed decider approves it
    result = await api(who, DECIDE, input=decide(world, request_id))
    # then BAC and baseline finish move by its impacts and baseline 1 records them
    payload = result["data"]["decideChangeRequest"]
    assert payload["userErrors"] == []
    assert payload["changeRequest"]["status"] == "APPROVED"
    assert payload["changeRequest"]["version"] == 2
    assert payload["changeRequest"]["decisionNote"] == "agreed"
    assert payload["changeRequest"]["decidedBy"]["fullName"] == who.title()
    bac = Decimal("100000.00") if project == "alice_project" else Decimal("200000.00")
    assert Decimal(str(payload["project"]["budgetAtCompletion"])) == bac + 25000
    assert payload["project"]["baselineFinish"] == "2027-04-14"
    assert [(b["number"], Decimal(str(b["bac"])), b["finish"])
            for b in payload["project"]["baselines"]["nodes"]] == [(1, bac + 25000, "2027-04-14")]
    assert await state(sessions, project_id, request_id) == (
        ChangeRequestStatus.APPROVED, bac + 25000, date(2027, 4, 14), 1)
    # its milestones as typed objects: name, baselined date and the Milestone itself
    [go_live] = payload["project"]["baselines"]["nodes"][0]["milestones"]
    milestone_id = (await rows(sessions, Milestone, Milestone.project_id == project_id))[0].id
    assert go_live == {"name": "Go-live", "date": "2027-03-01", "milestone": {
        "id": world.gid("Milestone", milestone_id), "name": "Go-live"}}
    # and both the request and the project show it in the audit trail
    assert [a.action for a in await audits(sessions, "ChangeRequest", request_id)] == ["decide"]
    project_trail = await audits(sessions, "Project", project_id)
    assert [a.action for a in project_trail] == ["approve_change_request"]
    assert project_trail[0].changes["budget_at_completion"]["after"] in ("125000.00", "225000.00")
    assert project_trail[0].changes["change_request_id"]["after"] == request_id
    events = await outbox(sessions, "change_request.decided")
    assert [(e.payload["entity_id"], e.payload["decision"], e.payload["portfolio_id"])
            for e in events] == [(request_id, "APPROVED", world.portfolio)]


async def test_second_approval_adds_the_next_baseline(
    api: Api, world: World, sessions: Sessions
) -> None:
    first = await change_request(sessions, world.alice_project)
    await api("carol", DECIDE, input=decide(world, first))
    second = await change_request(sessions, world.alice_project)
    result = await api("carol", DECIDE, input=decide(world, second))
    nodes = result["data"]["decideChangeRequest"]["project"]["baselines"]["nodes"]
    assert [(b["number"], b["finish"]) for b in nodes] == [(1, "2027-04-14"), (2, "2027-04-28")]
    assert (await state(sessions, world.alice_project, second))[1] == Decimal("150000.00")


async def test_rejection_moves_nothing(api: Api, world: World, sessions: Sessions) -> None:
    request_id = await change_request(sessions, world.alice_project)
    result = await api("carol", DECIDE, input=decide(world, request_id, "REJECTED"))
    payload = result["data"]["decideChangeRequest"]
    assert payload["userErrors"] == [] and payload["changeRequest"]["status"] == "REJECTED"
    assert await state(sessions, world.alice_project, request_id) == (
        ChangeRequestStatus.REJECTED, Decimal("100000.00"), None, 0)
    assert [a.action for a in await audits(sessions, "ChangeRequest", request_id)] == ["decide"]
    assert await audits(sessions, "Project", world.alice_project) == []


@pytest.mark.parametrize("who", ["alice", "bob", "dave", "ana"])
async def test_decide_change_request_forbidden(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    # given a submitted request on Alice's project (sponsor and owner: Carol)
    request_id = await change_request(sessions, world.alice_project)
    # when the PM, another PM, an unrelated executive or an analyst decides it
    result = await api(who, DECIDE, input=decide(world, request_id))
    # then it is FORBIDDEN and nothing moved
    assert codes(result) == ["FORBIDDEN"]
    assert await state(sessions, world.alice_project, request_id) == (
        ChangeRequestStatus.SUBMITTED, Decimal("100000.00"), None, 0)
    assert await audits(sessions, "ChangeRequest", request_id) == []


async def test_deciding_a_draft_is_an_invalid_transition(
    api: Api, world: World, sessions: Sessions
) -> None:
    request_id = await change_request(sessions, world.alice_project,
                                      status=ChangeRequestStatus.DRAFT)
    result = await api("carol", DECIDE, input=decide(world, request_id))
    assert result["data"]["decideChangeRequest"]["userErrors"] == [{
        "field": ["input", "id"], "code": "INVALID_TRANSITION",
        "message": "the change request is DRAFT, not SUBMITTED"}]
    assert (await state(sessions, world.alice_project, request_id))[0] == \
        ChangeRequestStatus.DRAFT


async def test_deciding_twice_is_an_invalid_transition(
    api: Api, world: World, sessions: Sessions
) -> None:
    request_id = await change_request(sessions, world.alice_project)
    await api("carol", DECIDE, input=decide(world, request_id))
    result = await api("pmo", DECIDE, input=decide(world, request_id, "REJECTED", version=2))
    errors = result["data"]["decideChangeRequest"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "INVALID_TRANSITION")]
    assert await state(sessions, world.alice_project, request_id) == (
        ChangeRequestStatus.APPROVED, Decimal("125000.00"), date(2027, 4, 14), 1)


async def test_stale_version_is_a_conflict(api: Api, world: World, sessions: Sessions) -> None:
    request_id = await change_request(sessions, world.alice_project)
    result = await api("carol", DECIDE, input=decide(world, request_id, version=7))
    errors = result["data"]["decideChangeRequest"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "version"],
                                                          "VERSION_CONFLICT")]
    assert (await state(sessions, world.alice_project, request_id))[0] == \
        ChangeRequestStatus.SUBMITTED


async def test_unknown_change_request_is_not_found(api: Api, world: World) -> None:
    result = await api("pmo", DECIDE, input=decide(world, 999))
    errors = result["data"]["decideChangeRequest"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "NOT_FOUND")]


async def test_a_saving_below_zero_bac_is_out_of_range(
    api: Api, world: World, sessions: Sessions
) -> None:
    request_id = await change_request(sessions, world.alice_project)
    async with sessions() as s, s.begin():
        request = await s.get(ChangeRequest, request_id)
        assert request is not None
        request.cost_impact = Decimal("-100000.01")
    result = await api("carol", DECIDE, input=decide(world, request_id, version=2))
    errors = result["data"]["decideChangeRequest"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "OUT_OF_RANGE")]
    assert await state(sessions, world.alice_project, request_id) == (
        ChangeRequestStatus.SUBMITTED, Decimal("100000.00"), None, 0)
