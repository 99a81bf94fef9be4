"""viewerCan* agrees with the mutation: for each role and each state of a gate or a change
request, the flag is true exactly when the mutation would succeed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from server.domain.enums import ChangeRequestStatus, GateStatus
from server.domain.governance.models import ProjectChecklistItem, ProjectGate
from server.domain.raid.models import ChangeRequest, Issue, Risk
from tests.schema.conftest import Api, World
from tests.schema.decisions.conftest import Sessions
from tests.schema.decisions.test_change_request_decisions import change_request
from tests.schema.decisions.test_gates import apply

# the PMO, the project's manager, its sponsor (who owns the portfolio), another executive, an
# analyst
ROLES = ["pmo", "alice", "carol", "dave", "ana"]

GATE_FLAGS = """query($id: ID!) { node(id: $id) { ... on ProjectGate {
  viewerCanSubmit viewerCanDecide } } }"""
# Tried in this order on one gate: a gate that may be decided (SUBMITTED) may not be
# submitted, before or after, so the second answer is the one its first state would give.
GATE_ACTIONS = {
    "viewerCanDecide": """mutation($id: ID!) { decideGate(input: {id: $id, decision: GO}) {
      userErrors { code } } }""",
    "viewerCanSubmit": """mutation($id: ID!) { submitGate(input: {id: $id}) {
      userErrors { code } } }""",
}
# (gate sequence: 1 is decided by an executive, 2 by the PMO; its state; mandatory items done)
GATE_STATES = [(1, GateStatus.PENDING, False), (1, GateStatus.PENDING, True),
               (1, GateStatus.SUBMITTED, True), (1, GateStatus.APPROVED, True),
               (2, GateStatus.PENDING, True), (2, GateStatus.SUBMITTED, True),
               (2, GateStatus.REJECTED, True)]


def succeeded(result: dict[str, Any]) -> bool:
    return not result.get("errors") and not next(iter(result["data"].values()))["userErrors"]


async def gate_in(sessions: Sessions, project_id: int, sequence: int, status: GateStatus,
                  items_done: bool) -> int:
    async with sessions() as s, s.begin():
        gates = sorted((await s.exec(sa_select(ProjectGate, ProjectGate.project_id == project_id))
                        ).scalars().all(), key=lambda g: g.sequence)
        for gate in gates:
            if gate.sequence < sequence:
                gate.status = GateStatus.APPROVED
            elif gate.sequence == sequence:
                gate.status = status
        items = (await s.exec(sa_select(ProjectChecklistItem,
                                        ProjectChecklistItem.project_gate_id == gates[
                                            sequence - 1].id))).scalars().all()
        for item in items:
            item.done = items_done
        return gates[sequence - 1].id  # type: ignore[return-value]


def sa_select(model: Any, *where: Any) -> Any:
    return sa.select(model).where(*where)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("sequence", "status", "items_done"), GATE_STATES,
                         ids=[f"gate{q}-{s.value}-{'done' if d else 'open'}"
                              for q, s, d in GATE_STATES])
async def test_gate_flags_agree_with_the_mutations(
    api: Api, world: World, sessions: Sessions, template: int, who: str, sequence: int,
    status: GateStatus, items_done: bool,
) -> None:
    # given a gate in this state
    await apply(api, world, template)
    gid = world.gid("ProjectGate", await gate_in(sessions, world.alice_project, sequence,
                                                 status, items_done))
    # when the viewer reads the flags, then tries the mutations
    shown = (await api(who, GATE_FLAGS, id=gid))["data"]["node"]
    done = {flag: succeeded(await api(who, action, id=gid))
            for flag, action in GATE_ACTIONS.items()}
    # then the flags said what the mutations did
    assert shown == done


CR_FLAGS = """query($id: ID!) { node(id: $id) { ... on ChangeRequest {
  viewerCanUpdate viewerCanSubmit viewerCanDecide version } } }"""
# Tried in this order on one request (the version read again before each): deciding needs
# SUBMITTED, where updating and submitting are refused anyway; updating a DRAFT leaves it one.
CR_ACTIONS = {
    "viewerCanDecide": """mutation($id: ID!, $version: Int!) {
      decideChangeRequest(input: {id: $id, version: $version, decision: APPROVED}) {
        userErrors { code } } }""",
    "viewerCanUpdate": """mutation($id: ID!, $version: Int!) {
      updateChangeRequest(input: {id: $id, version: $version, title: "Retitled"}) {
        userErrors { code } } }""",
    "viewerCanSubmit": """mutation($id: ID!, $version: Int!) {
      submitChangeRequest(input: {id: $id, version: $version}) { userErrors { code } } }""",
}
CR_STATES = list(ChangeRequestStatus)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("status", CR_STATES, ids=[s.value for s in CR_STATES])
async def test_change_request_flags_agree_with_the_mutations(
    api: Api, world: World, sessions: Sessions, who: str, status: ChangeRequestStatus,
) -> None:
    request_id = await change_request(sessions, world.alice_project)
    async with sessions() as session, session.begin():
        row = await session.get(ChangeRequest, request_id)
        assert row is not None
        row.status = status
        if status in (ChangeRequestStatus.APPROVED, ChangeRequestStatus.REJECTED):
            row.decided_at, row.decided_by_id = datetime.now(UTC), world.people["pmo"]
    gid = world.gid("ChangeRequest", request_id)
    flags = (await api(who, CR_FLAGS, id=gid))["data"]["node"]
    done = {}
    for flag, action in CR_ACTIONS.items():
        version = (await api("pmo", CR_FLAGS, id=gid))["data"]["node"]["version"]
        done[flag] = succeeded(await api(who, action, id=gid, version=version))
    assert {flag: flags[flag] for flag in CR_ACTIONS} == done


RISK_FLAGS = """query($id: ID!) { node(id: $id) { ... on Risk { viewerCanDelete version } } }"""
DELETE_RISK = """mutation($id: ID!, $version: Int!) {
  deleteRisk(input: {id: $id, version: $version}) { userErrors { code } } }"""


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("escalated", [False, True], ids=["open", "escalated"])
async def test_risk_delete_flag_agrees_with_delete_risk(
    api: Api, world: World, sessions: Sessions, who: str, escalated: bool,
) -> None:
    async with sessions() as session, session.begin():
        risk = Risk(project_id=world.alice_project, title="Vendor late", probability=3,
                    impact=4)
        session.add(risk)
        await session.flush()
        if escalated:
            session.add(Issue(project_id=world.alice_project, title="Vendor is late",
                              source_risk_id=risk.id))
        risk_id = risk.id
    gid = world.gid("Risk", risk_id)  # type: ignore[arg-type]
    flags = (await api(who, RISK_FLAGS, id=gid))["data"]["node"]
    done = succeeded(await api(who, DELETE_RISK, id=gid, version=flags["version"]))
    assert flags["viewerCanDelete"] == done
