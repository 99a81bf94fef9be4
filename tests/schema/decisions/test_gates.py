"""Stage gates through the live API: a template copied onto a project, checklists ticked off,
gates submitted by the PM and decided by their approver; decisions drive the project status."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from server.domain.enums import GateStatus, ProjectStatus
from server.domain.governance.models import GateTemplate, ProjectChecklistItem
from server.domain.models import Project
from tests.schema.conftest import Api, World, codes
from tests.schema.decisions.conftest import (
    Sessions,
    audits,
    gates_of,
    items_of,
    outbox,
    rows,
    set_gates,
)

APPLY = """
mutation($input: ApplyGovernanceTemplateInput!) {
  applyGovernanceTemplate(input: $input) {
    project { code governanceTemplate { name } gates { nodes { sequence name approverRole status
      checklist { nodes { text mandatory done } } } } }
    userErrors { field message code }
  }
}"""

COMPLETE = """
mutation($input: CompleteChecklistItemInput!) {
  completeChecklistItem(input: $input) {
    checklistItem { text done evidenceUrl doneBy { fullName } }
    userErrors { field message code }
  }
}"""

SUBMIT = """
mutation($input: SubmitGateInput!) {
  submitGate(input: $input) {
    gate { sequence status submittedAt }
    userErrors { field message code }
  }
}"""

DECIDE = """
mutation($input: DecideGateInput!) {
  decideGate(input: $input) {
    gate { sequence status decision note decidedBy { fullName } }
    project { status }
    userErrors { field message code }
  }
}"""


async def apply(api: Api, world: World, template: int, who: str = "alice") -> dict:
    return await api(who, APPLY, input={
        "projectId": world.gid("Project", world.alice_project),
        "governanceTemplateId": world.gid("GovernanceTemplate", template)})


async def status_of(sessions: Sessions, project_id: int) -> ProjectStatus:
    async with sessions() as s:
        project = await s.get(Project, project_id)
        assert project is not None
        return project.status


# --- applyGovernanceTemplate ---------------------------------------------------------------

@pytest.mark.parametrize("who", ["alice", "pmo"])
async def test_apply_template_copies_gates_and_checklists(
    api: Api, world: World, sessions: Sessions, template: int, who: str
) -> None:
    # given a project without gates
    # when its PM (or the PMO) applies the template
    result = await apply(api, world, template, who)
    # then the project has its own copy of every gate and checklist item, audited and published
    payload = result["data"]["applyGovernanceTemplate"]
    assert payload["userErrors"] == []
    project = payload["project"]
    assert project["governanceTemplate"]["name"] == "Stage-Gate"
    assert [(g["sequence"], g["name"], g["approverRole"], g["status"])
            for g in project["gates"]["nodes"]] == [
        (1, "Business case", "EXECUTIVE", "PENDING"), (2, "Design", "PMO", "PENDING"),
        (3, "Closure", "EXECUTIVE", "PENDING")]
    assert project["gates"]["nodes"][0]["checklist"]["nodes"] == [
        {"text": "Charter signed", "mandatory": True, "done": False},
        {"text": "Lessons read", "mandatory": False, "done": False}]
    trail = await audits(sessions, "Project", world.alice_project)
    assert [a.action for a in trail] == ["apply_governance_template"]
    assert trail[0].actor_id == world.people[who]
    assert [e.payload["action"] for e in await outbox(sessions, "project.changed")] == [
        "apply_governance_template"]


async def test_later_template_edits_never_change_the_project(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    # given a project that follows the template
    await apply(api, world, template)
    # when the template's gate is renamed
    async with sessions() as s, s.begin():
        gate = (await rows(sessions, GateTemplate, GateTemplate.sequence == 1))[0]
        gate = await s.get(GateTemplate, gate.id)
        gate.name = "Renamed"
    # then the project's copy keeps the old name
    assert (await gates_of(sessions, world.alice_project))[0].name == "Business case"


async def test_apply_template_twice_is_an_invalid_transition(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    # given a project that already follows a template
    await apply(api, world, template)
    # when the template is applied again
    result = await apply(api, world, template)
    # then it is refused and the project keeps exactly one copy
    assert result["data"]["applyGovernanceTemplate"]["userErrors"] == [{
        "field": ["input", "projectId"], "code": "INVALID_TRANSITION",
        "message": "the project already follows a governance template"}]
    assert len(await gates_of(sessions, world.alice_project)) == 3


async def test_apply_unknown_template_is_not_found(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    result = await apply(api, world, template + 99)
    errors = result["data"]["applyGovernanceTemplate"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "governanceTemplateId"], "NOT_FOUND")]
    assert await gates_of(sessions, world.alice_project) == []


@pytest.mark.parametrize("who", ["bob", "carol", "ana"])
async def test_apply_template_forbidden(
    api: Api, world: World, sessions: Sessions, template: int, who: str
) -> None:
    # when someone who does not manage the project applies a template
    result = await apply(api, world, template, who)
    # then it is FORBIDDEN and nothing is copied
    assert codes(result) == ["FORBIDDEN"]
    assert await gates_of(sessions, world.alice_project) == []
    assert await audits(sessions, "Project", world.alice_project) == []


# --- completeChecklistItem -----------------------------------------------------------------

async def test_complete_checklist_item(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    # given the project's first gate with an open item
    await apply(api, world, template)
    gate = (await gates_of(sessions, world.alice_project))[0]
    item = (await items_of(sessions, gate.id))[0]
    # when the PM ticks it off with evidence
    result = await api("alice", COMPLETE, input={
        "id": world.gid("ProjectChecklistItem", item.id), "evidenceUrl": "https://x/charter"})
    # then it is done, by Alice, audited and published
    payload = result["data"]["completeChecklistItem"]
    assert payload["userErrors"] == []
    assert payload["checklistItem"] == {"text": "Charter signed", "done": True,
                                        "evidenceUrl": "https://x/charter",
                                        "doneBy": {"fullName": "Alice"}}
    stored = (await items_of(sessions, gate.id))[0]
    assert stored.done and stored.done_by_id == world.people["alice"]
    assert [a.action for a in await audits(sessions, "ProjectChecklistItem", item.id)] == [
        "complete"]
    events = await outbox(sessions, "gate.changed")
    assert [(e.payload["action"], e.payload["portfolio_id"]) for e in events] == [
        ("complete_checklist_item", world.portfolio)]


@pytest.mark.parametrize("who", ["bob", "carol", "ana"])
async def test_complete_checklist_item_forbidden(
    api: Api, world: World, sessions: Sessions, template: int, who: str
) -> None:
    await apply(api, world, template)
    gate = (await gates_of(sessions, world.alice_project))[0]
    item = (await items_of(sessions, gate.id))[0]
    result = await api(who, COMPLETE, input={"id": world.gid("ProjectChecklistItem", item.id)})
    assert codes(result) == ["FORBIDDEN"]
    assert not (await items_of(sessions, gate.id))[0].done
    assert await audits(sessions, "ProjectChecklistItem", item.id) == []


REOPEN = """
mutation($input: ReopenChecklistItemInput!) {
  reopenChecklistItem(input: $input) {
    checklistItem { done evidenceUrl doneBy { fullName } }
    userErrors { field message code }
  }
}"""


async def first_item(api: Api, world: World, sessions: Sessions, template: int) -> int:
    await apply(api, world, template)
    gate = (await gates_of(sessions, world.alice_project))[0]
    return (await items_of(sessions, gate.id))[0].id  # type: ignore[no-any-return]


async def test_the_completer_corrects_the_evidence_and_the_same_again_writes_nothing(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    item_id = await first_item(api, world, sessions, template)
    gid = world.gid("ProjectChecklistItem", item_id)
    await api("alice", COMPLETE, input={"id": gid, "evidenceUrl": "https://wiki/old"})
    # when Alice corrects the link, then sends the same again
    corrected = await api("alice", COMPLETE, input={"id": gid,
                                                    "evidenceUrl": " https://wiki/new "})
    again = await api("alice", COMPLETE, input={"id": gid, "evidenceUrl": "https://wiki/new"})
    # then the link changed once (audited as a correction) and the repeat changed nothing
    for result in (corrected, again):
        payload = result["data"]["completeChecklistItem"]
        assert payload["userErrors"] == []
        assert payload["checklistItem"]["evidenceUrl"] == "https://wiki/new"
    assert [a.action for a in await audits(sessions, "ProjectChecklistItem", item_id)] == [
        "complete", "correct"]


@pytest.mark.parametrize("who", ["alice", "pmo"])  # the completer, the PMO
async def test_the_completer_or_the_pmo_reopens_a_done_item(
    api: Api, world: World, sessions: Sessions, template: int, who: str
) -> None:
    item_id = await first_item(api, world, sessions, template)
    gid = world.gid("ProjectChecklistItem", item_id)
    await api("alice", COMPLETE, input={"id": gid, "evidenceUrl": "https://wiki/charter"})
    result = await api(who, REOPEN, input={"id": gid})
    assert result["data"]["reopenChecklistItem"] == {
        "checklistItem": {"done": False, "evidenceUrl": None, "doneBy": None}, "userErrors": []}
    assert [a.action for a in await audits(sessions, "ProjectChecklistItem", item_id)] == [
        "complete", "reopen"]


async def test_the_manager_cannot_change_what_the_pmo_completed(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    item_id = await first_item(api, world, sessions, template)
    gid = world.gid("ProjectChecklistItem", item_id)
    await api("pmo", COMPLETE, input={"id": gid, "evidenceUrl": "https://wiki/charter"})
    assert codes(await api("alice", REOPEN, input={"id": gid})) == ["FORBIDDEN"]
    assert codes(await api("alice", COMPLETE, input={
        "id": gid, "evidenceUrl": "https://wiki/mine"})) == ["FORBIDDEN"]
    stored = next(i for i in await items_of(sessions, (await gates_of(
        sessions, world.alice_project))[0].id) if i.id == item_id)
    assert stored.done and stored.evidence_url == "https://wiki/charter"


async def test_reopening_an_open_item_is_an_invalid_transition(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    item_id = await first_item(api, world, sessions, template)
    result = await api("alice", REOPEN, input={"id": world.gid("ProjectChecklistItem", item_id)})
    errors = result["data"]["reopenChecklistItem"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "INVALID_TRANSITION")]


@pytest.mark.parametrize("url", ["ftp://files/charter", "not a url", "javascript:alert(1)",
                                 "https://", "x" * 2001])
async def test_evidence_must_be_an_http_url(
    api: Api, world: World, sessions: Sessions, template: int, url: str
) -> None:
    item_id = await first_item(api, world, sessions, template)
    result = await api("alice", COMPLETE, input={
        "id": world.gid("ProjectChecklistItem", item_id), "evidenceUrl": url})
    errors = result["data"]["completeChecklistItem"]["userErrors"]
    assert [e["field"] for e in errors] == [["input", "evidenceUrl"]]
    assert [e["code"] for e in errors] in (["INVALID"], ["TOO_LONG"])
    assert not (await items_of(sessions, (await gates_of(sessions, world.alice_project))[0].id)
                )[0].done


# --- submitGate ----------------------------------------------------------------------------

async def tick_mandatory(api: Api, world: World, sessions: Sessions, gate_id: int) -> None:
    for item in await items_of(sessions, gate_id):
        if item.mandatory:
            await api("alice", COMPLETE, input={"id": world.gid("ProjectChecklistItem", item.id)})


async def test_submit_with_open_mandatory_item_is_checklist_incomplete(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    # given the first gate with its mandatory item open
    await apply(api, world, template)
    gate = (await gates_of(sessions, world.alice_project))[0]
    # when the PM submits it
    result = await api("alice", SUBMIT, input={"id": world.gid("ProjectGate", gate.id)})
    # then it is refused and the gate stays PENDING
    assert result["data"]["submitGate"]["userErrors"] == [{
        "field": ["input", "id"], "code": "CHECKLIST_INCOMPLETE",
        "message": "1 mandatory checklist item(s) still open"}]
    assert (await gates_of(sessions, world.alice_project))[0].status == GateStatus.PENDING
    assert await audits(sessions, "ProjectGate", gate.id) == []


@pytest.mark.parametrize("who", ["alice", "pmo"])
async def test_submit_gate_once_mandatory_items_are_done(
    api: Api, world: World, sessions: Sessions, template: int, who: str
) -> None:
    # given the first gate with only its optional item open
    await apply(api, world, template)
    gate = (await gates_of(sessions, world.alice_project))[0]
    await tick_mandatory(api, world, sessions, gate.id)
    # when the PM (or the PMO) submits it
    result = await api(who, SUBMIT, input={"id": world.gid("ProjectGate", gate.id)})
    # then it is SUBMITTED, audited and published
    payload = result["data"]["submitGate"]
    assert payload["userErrors"] == []
    assert payload["gate"]["status"] == "SUBMITTED" and payload["gate"]["submittedAt"]
    stored = (await gates_of(sessions, world.alice_project))[0]
    assert stored.status == GateStatus.SUBMITTED and stored.submitted_by_id == world.people[who]
    assert [a.action for a in await audits(sessions, "ProjectGate", gate.id)] == ["submit"]
    assert [e.payload["action"] for e in await outbox(sessions, "gate.changed")][-1] == "submit"


@pytest.mark.parametrize("who", ["bob", "carol", "dave", "ana"])
async def test_submit_gate_forbidden(
    api: Api, world: World, sessions: Sessions, template: int, who: str
) -> None:
    await apply(api, world, template)
    gate = (await gates_of(sessions, world.alice_project))[0]
    await tick_mandatory(api, world, sessions, gate.id)
    result = await api(who, SUBMIT, input={"id": world.gid("ProjectGate", gate.id)})
    assert codes(result) == ["FORBIDDEN"]
    assert (await gates_of(sessions, world.alice_project))[0].status == GateStatus.PENDING
    assert await audits(sessions, "ProjectGate", gate.id) == []


async def test_submit_later_gate_before_earlier_approved_is_invalid(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    await apply(api, world, template)
    gate = (await gates_of(sessions, world.alice_project))[2]
    result = await api("alice", SUBMIT, input={"id": world.gid("ProjectGate", gate.id)})
    errors = result["data"]["submitGate"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "INVALID_TRANSITION")]


async def test_submit_unknown_gate_is_not_found(api: Api, world: World, template: int) -> None:
    result = await api("alice", SUBMIT, input={"id": world.gid("ProjectGate", 999)})
    errors = result["data"]["submitGate"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "NOT_FOUND")]


# --- decideGate ----------------------------------------------------------------------------

async def submitted(sessions: Sessions, world: World, api: Api, template: int,
                    sequence: int) -> int:
    """Alice's project with gates before ``sequence`` approved and that one submitted."""
    await apply(api, world, template)
    statuses = [GateStatus.APPROVED] * (sequence - 1) + [GateStatus.SUBMITTED]
    return (await set_gates(sessions, world.alice_project, *statuses))[sequence - 1]


@pytest.mark.parametrize(("sequence", "who", "decision", "gate_status", "project_status"), [
    (1, "carol", "GO", "APPROVED", "APPROVED"),
    (2, "pmo", "GO", "APPROVED", "ACTIVE"),
    (3, "carol", "GO", "APPROVED", "COMPLETED"),
    (1, "pmo", "HOLD", "SUBMITTED", "ON_HOLD"),
    (1, "carol", "NO_GO", "REJECTED", "CANCELLED"),
    (2, "pmo", "RECYCLE", "PENDING", "PROPOSED"),
])
async def test_decisions_drive_the_project_status(
    api: Api, world: World, sessions: Sessions, template: int, sequence: int, who: str,
    decision: str, gate_status: str, project_status: str,
) -> None:
    # given a submitted gate
    gate_id = await submitted(sessions, world, api, template, sequence)
    # when its approver decides it
    result = await api(who, DECIDE, input={"id": world.gid("ProjectGate", gate_id),
                                           "decision": decision, "note": "why"})
    # then the gate and the project move, both audited, and gate.decided is published
    payload = result["data"]["decideGate"]
    assert payload["userErrors"] == []
    assert payload["gate"]["status"] == gate_status
    assert payload["gate"]["decision"] == decision and payload["gate"]["note"] == "why"
    assert payload["project"]["status"] == project_status
    assert await status_of(sessions, world.alice_project) == ProjectStatus(project_status)
    gate = next(g for g in await gates_of(sessions, world.alice_project) if g.id == gate_id)
    assert gate.status == GateStatus(gate_status) and gate.decided_by_id == world.people[who]
    assert [a.action for a in await audits(sessions, "ProjectGate", gate_id)] == ["decide"]
    project_trail = [a.action for a in await audits(sessions, "Project", world.alice_project)]
    expected = ["apply_governance_template"] + (
        ["gate_decision"] if project_status != "PROPOSED" else [])
    assert project_trail == expected
    events = await outbox(sessions, "gate.decided")
    assert [(e.payload["entity_id"], e.payload["portfolio_id"], e.payload["decision"],
             e.payload["project_status"]) for e in events] == [
        (gate_id, world.portfolio, decision, project_status)]


async def test_recycled_gate_can_be_submitted_again(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    gate_id = await submitted(sessions, world, api, template, 3)
    await api("carol", DECIDE, input={"id": world.gid("ProjectGate", gate_id),
                                      "decision": "RECYCLE"})
    result = await api("alice", SUBMIT, input={"id": world.gid("ProjectGate", gate_id)})
    assert result["data"]["submitGate"]["gate"]["status"] == "SUBMITTED"


@pytest.mark.parametrize(("sequence", "who"), [
    (1, "alice"),  # a PM never decides, not even on their own project
    (2, "alice"),
    (1, "bob"),
    (1, "dave"),  # an executive who is neither sponsor nor portfolio owner
    (2, "carol"),  # an executive on a PMO gate
    (1, "ana"),
])
async def test_decide_gate_forbidden(
    api: Api, world: World, sessions: Sessions, template: int, sequence: int, who: str
) -> None:
    gate_id = await submitted(sessions, world, api, template, sequence)
    result = await api(who, DECIDE, input={"id": world.gid("ProjectGate", gate_id),
                                           "decision": "GO"})
    assert codes(result) == ["FORBIDDEN"]
    gate = next(g for g in await gates_of(sessions, world.alice_project) if g.id == gate_id)
    assert gate.status == GateStatus.SUBMITTED and gate.decision is None
    assert await status_of(sessions, world.alice_project) == ProjectStatus.PROPOSED
    assert await audits(sessions, "ProjectGate", gate_id) == []
    assert await outbox(sessions, "gate.decided") == []


async def test_deciding_a_pending_gate_is_invalid(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    await apply(api, world, template)
    gate = (await gates_of(sessions, world.alice_project))[0]
    result = await api("carol", DECIDE, input={"id": world.gid("ProjectGate", gate.id),
                                               "decision": "GO"})
    assert result["data"]["decideGate"]["userErrors"] == [{
        "field": ["input", "id"], "code": "INVALID_TRANSITION",
        "message": "the gate is PENDING, not SUBMITTED"}]
    assert (await gates_of(sessions, world.alice_project))[0].status == GateStatus.PENDING
    assert await outbox(sessions, "gate.decided") == []


async def test_deciding_a_later_gate_before_earlier_ones_is_invalid(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    # given gate 3 submitted while gate 2 is still pending (e.g. data migrated that way)
    await apply(api, world, template)
    gate_ids = await set_gates(sessions, world.alice_project, GateStatus.APPROVED,
                               GateStatus.PENDING, GateStatus.SUBMITTED)
    result = await api("pmo", DECIDE, input={"id": world.gid("ProjectGate", gate_ids[2]),
                                             "decision": "GO"})
    errors = result["data"]["decideGate"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "INVALID_TRANSITION")]
    assert await status_of(sessions, world.alice_project) == ProjectStatus.PROPOSED


async def test_deciding_on_a_cancelled_project_is_invalid(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    gate_id = await submitted(sessions, world, api, template, 1)
    await api("carol", DECIDE, input={"id": world.gid("ProjectGate", gate_id),
                                      "decision": "HOLD"})
    async with sessions() as s, s.begin():
        project = await s.get(Project, world.alice_project)
        project.status = ProjectStatus.CANCELLED
    result = await api("pmo", DECIDE, input={"id": world.gid("ProjectGate", gate_id),
                                             "decision": "GO"})
    errors = result["data"]["decideGate"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "INVALID_TRANSITION")]


async def test_go_after_hold_resumes(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    gate_id = await submitted(sessions, world, api, template, 2)
    await api("pmo", DECIDE, input={"id": world.gid("ProjectGate", gate_id), "decision": "HOLD"})
    assert await status_of(sessions, world.alice_project) == ProjectStatus.ON_HOLD
    result = await api("pmo", DECIDE, input={"id": world.gid("ProjectGate", gate_id),
                                             "decision": "GO"})
    assert result["data"]["decideGate"]["project"]["status"] == "ACTIVE"


async def test_checklist_items_of_a_submitted_gate_are_frozen(
    api: Api, world: World, sessions: Sessions, template: int
) -> None:
    gate_id = await submitted(sessions, world, api, template, 1)
    item = (await rows(sessions, ProjectChecklistItem,
                       ProjectChecklistItem.project_gate_id == gate_id))[1]
    result = await api("alice", COMPLETE, input={"id": world.gid("ProjectChecklistItem", item.id)})
    errors = result["data"]["completeChecklistItem"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "INVALID_TRANSITION")]


async def mark_baseline_gate(sessions: Sessions, template: int, sequence: int) -> None:
    async with sessions() as s, s.begin():
        gate = (await s.exec(sa.select(GateTemplate).where(  # type: ignore[call-overload]
            GateTemplate.governance_template_id == template,
            GateTemplate.sequence == sequence))).scalar_one()
        gate.takes_baseline = True


async def plan_dates(sessions: Sessions, project_id: int) -> None:
    async with sessions() as s, s.begin():
        project = await s.get(Project, project_id)
        assert project is not None
        project.planned_start, project.planned_finish = date(2026, 1, 1), date(2026, 6, 30)


DECIDE_WITH_BASELINES = """
mutation($input: DecideGateInput!) {
  decideGate(input: $input) {
    gate { takesBaseline status }
    project { status baselineStart baselineFinish baselines { nodes { number reason } } }
    userErrors { field code }
  }
}"""


async def test_the_baseline_gate_s_go_takes_the_first_baseline_in_the_same_transaction(
    api: Api, world: World, sessions: Sessions, template: int,
) -> None:
    # given a template whose Design gate (2) takes the baseline, applied to a planned project
    await mark_baseline_gate(sessions, template, 2)
    await plan_dates(sessions, world.alice_project)
    gate_id = await submitted(sessions, world, api, template, 2)
    # when the PMO says GO
    result = await api("pmo", DECIDE_WITH_BASELINES, input={
        "id": world.gid("ProjectGate", gate_id), "decision": "GO"})
    # then the project has its first baseline, named after the gate, and both are audited
    payload = result["data"]["decideGate"]
    assert payload["userErrors"] == []
    assert payload["gate"] == {"takesBaseline": True, "status": "APPROVED"}
    assert payload["project"]["baselineStart"] == "2026-01-01"
    assert payload["project"]["baselineFinish"] == "2026-06-30"
    assert payload["project"]["baselines"]["nodes"] == [{"number": 1, "reason": "Gate 2: Design"}]
    trail = [a.action for a in await audits(sessions, "Project", world.alice_project)]
    assert trail == ["apply_governance_template", "gate_decision", "baseline_at_gate"]


async def test_the_baseline_gate_of_an_unplanned_project_refuses_go_and_nothing_changes(
    api: Api, world: World, sessions: Sessions, template: int,
) -> None:
    # given the baseline gate submitted on a project without planned dates
    await mark_baseline_gate(sessions, template, 1)
    gate_id = await submitted(sessions, world, api, template, 1)
    # when its approver says GO
    result = await api("carol", DECIDE_WITH_BASELINES, input={
        "id": world.gid("ProjectGate", gate_id), "decision": "GO"})
    # then it is refused (plan first) and the gate and the project are as they were
    assert result["data"]["decideGate"]["userErrors"] == [
        {"field": ["input", "id"], "code": "REQUIRED"}]
    gate = next(g for g in await gates_of(sessions, world.alice_project) if g.id == gate_id)
    assert gate.status == GateStatus.SUBMITTED and gate.decision is None
    assert await status_of(sessions, world.alice_project) == ProjectStatus.PROPOSED


async def test_a_template_has_at_most_one_baseline_gate(sessions: Sessions,
                                                        template: int) -> None:
    await mark_baseline_gate(sessions, template, 1)
    with pytest.raises(sa.exc.IntegrityError):
        await mark_baseline_gate(sessions, template, 2)
