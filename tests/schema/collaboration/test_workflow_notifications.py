"""Workflow notifications: the right people hear about gates, change requests, escalated
risks, over-allocations and overdue status reports, in the change's own transaction, as
their preferences allow; the one who acted and everybody else do not.

The world (tests/schema/conftest.py): Alice manages Alpha, sponsored by Carol, who also owns
the portfolio; Bob manages Beta (no sponsor); Dave is an executive with no tie to either;
Ana is an analyst; Pmo is the PMO.
"""
# ruff: noqa: F811 - the fixture imported below is a parameter of the live test

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient
from typer.testing import CliRunner

from server.cli import app
from server.domain.enums import (
    ApproverRole,
    GateStatus,
    ProjectStatus,
    Rag,
)
from server.domain.governance.models import ProjectGate
from server.domain.models import ChangeRequest, Notification, OutboxEvent, Project, Risk
from server.domain.raid.models import StatusReport
from tests.schema.collaboration.test_notification_subscription import live  # noqa: F401
from tests.schema.conftest import Api, World
from tests.schema.decisions.conftest import Sessions
from tests.schema.test_subscriptions import bearer, wait_for_subscriber

EVERYONE = ["pmo", "alice", "bob", "carol", "dave", "ana"]
SUBMIT_GATE = """mutation($id: ID!) { submitGate(input: {id: $id}) { userErrors { message } } }"""
DECIDE_GATE = """mutation($id: ID!, $decision: GateDecision!) {
  decideGate(input: {id: $id, decision: $decision}) { userErrors { message } } }"""
SUBMIT_CR = """mutation($id: ID!, $version: Int!) {
  submitChangeRequest(input: {id: $id, version: $version}) { userErrors { message } } }"""
DECIDE_CR = """mutation($id: ID!, $version: Int!) {
  decideChangeRequest(input: {id: $id, version: $version, decision: APPROVED}) {
    userErrors { message } } }"""
ESCALATE = """mutation($id: ID!, $version: Int!) {
  escalateRisk(input: {id: $id, version: $version}) { userErrors { message } } }"""
ALLOCATE = """mutation($input: CreateAllocationInput!) {
  createAllocation(input: $input) { userErrors { message } } }"""
PREFERENCE = """mutation($kind: NotificationKind!, $channel: NotificationChannel!) {
  setNotificationPreference(input: {kind: $kind, channel: $channel, enabled: false}) {
    userErrors { message } } }"""
INBOX = """{ notifications(first: 50) { nodes { kind message entityType } } }"""


def ok(result: dict[str, Any]) -> None:
    assert "errors" not in result, result["errors"]
    [payload] = result["data"].values()
    assert payload["userErrors"] == [], payload["userErrors"]


async def inboxes(api: Api, kind: str) -> dict[str, list[str]]:
    """Each person's notifications of ``kind`` (messages), read through the API as them."""
    found = {}
    for who in EVERYONE:
        result = await api(who, INBOX)
        assert "errors" not in result, result["errors"]
        found[who] = [n["message"] for n in result["data"]["notifications"]["nodes"]
                      if n["kind"] == kind]
    return found


def who_heard(boxes: dict[str, list[str]]) -> list[str]:
    return sorted(who for who, messages in boxes.items() if messages)


async def gate(sessions: Sessions, world: World, role: ApproverRole,
               status: GateStatus = GateStatus.PENDING) -> int:
    async with sessions() as s, s.begin():
        row = ProjectGate(project_id=world.alice_project, sequence=1, name="Business case",
                          approver_role=role, status=status)
        s.add(row)
        await s.flush()
        return row.id  # type: ignore[return-value]


async def outbox(sessions: Sessions, event_type: str) -> list[OutboxEvent]:
    async with sessions() as s:
        return list((await s.exec(sa.select(OutboxEvent).where(  # type: ignore[call-overload]
            OutboxEvent.event_type == event_type))).scalars().all())


@pytest.mark.parametrize(("role", "deciders"), [
    (ApproverRole.EXECUTIVE, ["carol", "pmo"]),  # the sponsor (and owner), and the PMO
    (ApproverRole.PMO, ["pmo"]),
])
async def test_a_submitted_gate_reaches_the_people_who_may_decide_it(
    api: Api, world: World, sessions: Sessions, role: ApproverRole, deciders: list[str],
) -> None:
    # given
    gate_id = await gate(sessions, world, role)

    # when Alice submits it
    ok(await api("alice", SUBMIT_GATE, id=world.gid("ProjectGate", gate_id)))

    # then the deciders hear (never Dave, Bob, the analyst, nor Alice herself)
    boxes = await inboxes(api, "GATE_SUBMITTED")
    assert who_heard(boxes) == deciders
    assert boxes[deciders[0]] == [
        "Gate 1 'Business case' of PRJ-0001 Alpha waits for your decision"]
    [event] = await outbox(sessions, "gate.submitted")
    assert event.payload["entity_id"] == gate_id


@pytest.mark.parametrize(("decider", "told"), [
    ("carol", ["alice"]),  # the sponsor decided: only the manager hears
    ("pmo", ["alice", "carol"]),
])
async def test_a_decided_gate_reaches_the_manager_and_sponsor(
    api: Api, world: World, sessions: Sessions, decider: str, told: list[str],
) -> None:
    # given
    gate_id = await gate(sessions, world, ApproverRole.EXECUTIVE, GateStatus.SUBMITTED)

    # when
    ok(await api(decider, DECIDE_GATE, id=world.gid("ProjectGate", gate_id), decision="GO"))

    # then
    boxes = await inboxes(api, "GATE_DECIDED")
    assert who_heard(boxes) == told
    assert boxes["alice"] == ["Gate 1 'Business case' of PRJ-0001 was decided: GO"]


async def test_a_change_request_reaches_its_approvers_then_its_project(
    api: Api, world: World, sessions: Sessions,
) -> None:
    # given a draft on Alpha
    async with sessions() as s, s.begin():
        request = ChangeRequest(project_id=world.alice_project, title="More scope",
                                requested_by_id=world.people["alice"])
        s.add(request)
        await s.flush()
    gid = world.gid("ChangeRequest", request.id)  # type: ignore[arg-type]

    # when Alice submits it, then the PMO approves it
    ok(await api("alice", SUBMIT_CR, id=gid, version=1))
    submitted = await inboxes(api, "CHANGE_REQUEST_SUBMITTED")
    ok(await api("pmo", DECIDE_CR, id=gid, version=2))
    decided = await inboxes(api, "CHANGE_REQUEST_DECIDED")

    # then its approvers (the sponsor and portfolio owner, the PMO), then manager and sponsor
    assert who_heard(submitted) == ["carol", "pmo"]
    assert submitted["carol"] == ["Change request 'More scope' on PRJ-0001 waits for your "
                                  "decision"]
    assert who_heard(decided) == ["alice", "carol"]
    assert decided["alice"] == ["Change request 'More scope' on PRJ-0001 was approved"]
    assert len(await outbox(sessions, "change_request.submitted")) == 1


@pytest.mark.parametrize(("who", "told"), [
    ("alice", ["carol"]),  # the manager escalates: the sponsor, who owns the portfolio too
    ("pmo", ["alice", "carol"]),
])
async def test_an_escalated_risk_reaches_manager_sponsor_and_portfolio_owner(
    api: Api, world: World, sessions: Sessions, who: str, told: list[str],
) -> None:
    # given
    async with sessions() as s, s.begin():
        risk = Risk(project_id=world.alice_project, title="Vendor late", probability=4,
                    impact=4)
        s.add(risk)
        await s.flush()

    # when
    ok(await api(who, ESCALATE, id=world.gid("Risk", risk.id), version=1))  # type: ignore[arg-type]

    # then
    boxes = await inboxes(api, "RISK_ESCALATED")
    assert who_heard(boxes) == told
    assert boxes["carol"] == ["Risk 'Vendor late' on PRJ-0001 happened: issue 'Vendor late' "
                              "is open"]


async def test_an_over_allocation_reaches_the_person_and_the_manager(
    api: Api, world: World, sessions: Sessions,
) -> None:
    # given Bob at 60 % on his own project in March
    allocation = {"personId": world.gid("Person", world.people["bob"]), "roleName": "Dev",
                  "startDate": "2027-03-01", "endDate": "2027-03-14", "percent": 60}
    ok(await api("bob", ALLOCATE, input={**allocation,
                                         "projectId": world.gid("Project", world.bob_project)}))
    assert who_heard(await inboxes(api, "OVER_ALLOCATED")) == []

    # when the PMO gives him 50 % more on Alpha for the second week
    ok(await api("pmo", ALLOCATE, input={
        **allocation, "projectId": world.gid("Project", world.alice_project),
        "startDate": "2027-03-08", "percent": 50}))

    # then Bob and Alpha's manager hear of the one week at 110 %
    boxes = await inboxes(api, "OVER_ALLOCATED")
    assert who_heard(boxes) == ["alice", "bob"]
    assert boxes["bob"] == ["Bob is over-allocated with the allocation to PRJ-0001: 2027-W10: "
                            "110% allocated (week of 2027-03-08)"]
    [event] = await outbox(sessions, "allocation.over_allocated")
    assert event.payload["person_id"] == world.people["bob"]


async def test_a_kind_turned_off_in_the_inbox_is_not_delivered_there(
    api: Api, world: World, sessions: Sessions,
) -> None:
    # given Carol wants no GATE_SUBMITTED in the app (emails untouched)
    ok(await api("carol", PREFERENCE, kind="GATE_SUBMITTED", channel="IN_APP"))
    gate_id = await gate(sessions, world, ApproverRole.EXECUTIVE)

    # when
    ok(await api("alice", SUBMIT_GATE, id=world.gid("ProjectGate", gate_id)))

    # then the PMO still hears, Carol does not
    assert who_heard(await inboxes(api, "GATE_SUBMITTED")) == ["pmo"]


async def pmo_cli(db_url: str, *args: str) -> tuple[int, str, str]:
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args),
                                     env={"PMO_DATABASE_URL": db_url})
    return result.exit_code, result.stdout, result.stderr


async def test_overdue_status_reports_reach_the_manager_once_per_period(
    clean_env: Path, api: Api, world: World, sessions: Sessions, db_url: str,
) -> None:
    # given Alpha active, last reported for the week ending 2027-02-21; Beta active and
    # reported for the week ending 2027-02-28; a third project on hold
    async with sessions() as s, s.begin():
        for pid in (world.alice_project, world.bob_project):
            project = await s.get(Project, pid)
            assert project is not None
            project.status = ProjectStatus.ACTIVE
        s.add_all([StatusReport(project_id=pid, period_end=end, overall=Rag.GREEN,
                                schedule=Rag.GREEN, cost=Rag.GREEN, scope=Rag.GREEN,
                                risk=Rag.GREEN)
                   for pid, end in ((world.alice_project, date(2027, 2, 21)),
                                    (world.bob_project, date(2027, 2, 28)))])
        s.add(Project(code="PRJ-0003", name="Paused", portfolio_id=world.portfolio,
                      manager_id=world.people["bob"], status=ProjectStatus.ON_HOLD))

    # when run on Wednesday 3 March (the week ending 28 Feb is due), twice, then next week
    first = await pmo_cli(db_url, "notify", "overdue", "--on", "2027-03-03")
    again = await pmo_cli(db_url, "notify", "overdue", "--on", "2027-03-05")
    after_first = await inboxes(api, "STATUS_REPORT_OVERDUE")
    later = await pmo_cli(db_url, "notify", "overdue", "--on", "2027-03-10")

    # then Alice hears once for the week ending 28 Feb, and again for the next week; Bob
    # (reported) and the paused project's manager do not
    assert first[0] == 0, first[2]
    assert "notified 1 manager(s)" in first[1] and "2027-02-28" in first[1]
    assert "notified 0 manager(s)" in again[1]
    assert who_heard(after_first) == ["alice"]
    assert after_first["alice"] == ["The status report of PRJ-0001 Alpha for the week ending "
                                    "2027-02-28 is overdue"]
    assert "notified 2 manager(s)" in later[1]  # Alice's second week; Bob's first
    boxes = await inboxes(api, "STATUS_REPORT_OVERDUE")
    assert len(boxes["alice"]) == 2 and len(boxes["bob"]) == 1
    assert len(await outbox(sessions, "status_report.overdue")) == 3
    async with sessions() as s:
        count = (await s.exec(sa.select(sa.func.count()).select_from(Notification))).one()  # type: ignore[call-overload]
    assert count[0] == 3


# --- live ---------------------------------------------------------------------------------

CREATE_RISK = """mutation($input: CreateRiskInput!) {
  createRisk(input: $input) { userErrors { message } risk { id version } } }"""
HEARD = "subscription { notificationReceived { kind message } }"


def test_a_workflow_notification_is_heard_live_by_its_recipient_only(
    live: tuple[TestClient, Any], world: World,
) -> None:
    client, server = live

    def call(who: str, query: str, **variables: Any) -> dict[str, Any]:
        response = client.post("/graphql", headers={"Authorization": bearer(world, who)},
                               json={"query": query, "variables": variables})
        body = response.json()
        [payload] = body["data"].values()
        assert payload["userErrors"] == [], payload
        return payload  # type: ignore[no-any-return]

    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        # given Carol (Alpha's sponsor, the portfolio's owner) listening
        ws.send_json({"type": "connection_init",
                      "payload": {"Authorization": bearer(world, "carol")}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "w1", "type": "subscribe", "payload": {"query": HEARD}})
        wait_for_subscriber(server)

        # when the PMO over-allocates Bob on his own project (Carol is not told), then Alice
        # escalates a risk of Alpha (Carol is)
        person, project = world.gid("Person", world.people["bob"]), world.gid(
            "Project", world.bob_project)
        for percent in (70, 60):
            call("pmo", ALLOCATE, input={"personId": person, "projectId": project,
                                         "roleName": f"Dev {percent}",
                                         "startDate": f"2027-05-0{percent // 10 - 5}",
                                         "endDate": "2027-05-20", "percent": percent})
        risk = call("alice", CREATE_RISK, input={
            "projectId": world.gid("Project", world.alice_project), "title": "Vendor late",
            "probability": 4, "impact": 4})["risk"]
        call("alice", ESCALATE, id=risk["id"], version=risk["version"])

        # then the first thing Carol hears is the escalation
        message = ws.receive_json()
        assert message["type"] == "next" and message["id"] == "w1"
        assert message["payload"]["data"]["notificationReceived"] == {
            "kind": "RISK_ESCALATED",
            "message": "Risk 'Vendor late' on PRJ-0001 happened: issue 'Vendor late' is open"}
