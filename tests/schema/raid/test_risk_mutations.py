"""createRisk, updateRisk, closeRisk and escalateRisk through the live GraphQL API.

Each is one audited transaction; a refusal (user error or FORBIDDEN) writes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from schema.base import to_global_id
from server.domain.enums import IssueSeverity, RiskStatus
from server.domain.models import AuditEvent, Issue, OutboxEvent, Risk
from tests.schema.conftest import Api, World, codes
from tests.schema.raid.conftest import OUTSIDERS, Raid, errors_of

NO_PROJECT, NO_PERSON = str(to_global_id("Project", 9999)), str(to_global_id("Person", 9999))
NO_CATEGORY, NO_RISK = str(to_global_id("RiskCategory", 9999)), str(to_global_id("Risk", 9999))

RISK_FIELDS = """
  id title description probability impact score status response responsePlan dueDate version
  owner { fullName } category { code name } project { code } viewerCanUpdate viewerCanDelete
"""

CREATE = f"""
mutation($input: CreateRiskInput!) {{
  createRisk(input: $input) {{ risk {{ {RISK_FIELDS} }} userErrors {{ field message code }} }}
}}"""

UPDATE = f"""
mutation($input: UpdateRiskInput!) {{
  updateRisk(input: $input) {{ risk {{ {RISK_FIELDS} }} userErrors {{ field message code }} }}
}}"""

CLOSE = """
mutation($input: CloseRiskInput!) {
  closeRisk(input: $input) { risk { id status version } userErrors { field message code } }
}"""

ESCALATE = """
mutation($input: EscalateRiskInput!) {
  escalateRisk(input: $input) {
    risk { id status version }
    issue {
      id title description severity status dueDate version owner { fullName }
      sourceRisk { id status } project { code }
    }
    userErrors { field message code }
  }
}"""


def _new_risk(world: World, **extra: Any) -> dict[str, Any]:
    return {"projectId": world.gid("Project", world.alice_project), "title": "Vendor late",
            "probability": 3, "impact": 4, **extra}


# --- createRisk ---------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_create_risk_succeeds_and_is_audited(
    api: Api, world: World, raid: Raid, who: str, project: str
) -> None:
    # given a project the caller may edit and a risk category
    category = await raid.category("TECH")
    # when they raise a risk on it
    result = await api(who, CREATE, input={
        "projectId": world.gid("Project", getattr(world, project)), "title": "  Vendor late  ",
        "probability": 3, "impact": 4, "categoryId": world.gid("RiskCategory", category),
        "ownerId": world.gid("Person", world.people["alice"]), "responsePlan": "Second source",
        "dueDate": "2026-12-01"})
    # then it exists, OPEN, scored, with the defaults filled in
    payload = result["data"]["createRisk"]
    assert payload["userErrors"] == []
    risk = payload["risk"]
    assert (risk["title"], risk["score"], risk["status"], risk["response"], risk["version"]) == (
        "Vendor late", 12, "OPEN", "MITIGATE", 1)
    assert risk["owner"] == {"fullName": "Alice"}
    assert risk["category"] == {"code": "TECH", "name": "Tech"}
    assert risk["viewerCanUpdate"] is True
    [row] = await raid.all(Risk)
    assert (row.project_id, row.score, row.due_date.isoformat()) == (  # type: ignore[union-attr]
        getattr(world, project), 12, "2026-12-01")
    # and an audit event records who created what
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "create", "Risk", row.id, world.people[who])
    assert audit.changes["title"] == {"before": None, "after": "Vendor late"}
    assert audit.changes["probability"] == {"before": None, "after": 3}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"title": ""}, "title", "REQUIRED"),
     ({"title": "   "}, "title", "REQUIRED"),
     ({"title": "x" * 201}, "title", "TOO_LONG"),
     ({"probability": 0}, "probability", "OUT_OF_RANGE"),
     ({"impact": 6}, "impact", "OUT_OF_RANGE"),
     ({"projectId": NO_PROJECT}, "projectId", "NOT_FOUND"),
     ({"projectId": "not-an-id"}, "projectId", "INVALID"),
     ({"ownerId": NO_PERSON}, "ownerId", "NOT_FOUND"),  # Person:9999
     ({"categoryId": NO_CATEGORY}, "categoryId", "NOT_FOUND")],
)
async def test_invalid_create_risk_is_a_user_error_and_writes_nothing(
    api: Api, world: World, raid: Raid, changes: dict[str, Any], field: str, code: str
) -> None:
    result = await api("alice", CREATE, input=_new_risk(world, **changes))
    payload = result["data"]["createRisk"]
    assert payload["risk"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.all(Risk) == [] and await raid.audits() == []


async def test_create_risk_refuses_an_inactive_owner_and_a_retired_category(
    api: Api, world: World, raid: Raid
) -> None:
    # given a person who left and a category no longer in use
    await raid.deactivate("bob")
    retired = await raid.category("OLD", active=False)
    # when a risk names them
    owner = await api("alice", CREATE, input=_new_risk(
        world, ownerId=world.gid("Person", world.people["bob"])))
    category = await api("alice", CREATE, input=_new_risk(
        world, categoryId=world.gid("RiskCategory", retired)))
    # then each is INVALID on its field and nothing is written
    assert errors_of(owner["data"]["createRisk"]) == [(["input", "ownerId"], "INVALID")]
    assert errors_of(category["data"]["createRisk"]) == [(["input", "categoryId"], "INVALID")]
    assert await raid.all(Risk) == [] and await raid.audits() == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_create_risk_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    result = await api(who, CREATE, input=_new_risk(world))
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None
    assert await raid.all(Risk) == [] and await raid.audits() == []


# --- updateRisk ---------------------------------------------------------------------------

async def test_update_risk_changes_the_given_fields_and_is_audited(
    api: Api, world: World, raid: Raid
) -> None:
    # given an OPEN risk scored 3 x 4
    risk_id = await raid.risk(description="Supplier capacity")
    # when Alice raises its probability, starts mitigating it and clears nothing else
    result = await api("alice", UPDATE, input={
        "id": world.gid("Risk", risk_id), "version": 1, "probability": 5,
        "status": "MITIGATING", "response": "TRANSFER"})
    # then only those fields change, the score follows, the version moves
    payload = result["data"]["updateRisk"]
    assert payload["userErrors"] == []
    risk = payload["risk"]
    assert (risk["probability"], risk["score"], risk["status"], risk["response"]) == (
        5, 20, "MITIGATING", "TRANSFER")
    assert (risk["description"], risk["version"]) == ("Supplier capacity", 2)
    row = await raid.get(Risk, risk_id)
    assert row is not None and (row.score, row.status, row.version) == (20, "MITIGATING", 2)
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id) == ("update", "Risk", risk_id)
    assert audit.changes == {
        "probability": {"before": 3, "after": 5}, "score": {"before": 12, "after": 20},
        "status": {"before": "OPEN", "after": "MITIGATING"},
        "response": {"before": "MITIGATE", "after": "TRANSFER"}}


async def test_update_risk_can_clear_optional_fields_and_reopen_a_closed_risk(
    api: Api, world: World, raid: Raid
) -> None:
    category = await raid.category()
    risk_id = await raid.risk(status=RiskStatus.CLOSED, owner_id=world.people["alice"],
                              category_id=category)
    result = await api("alice", UPDATE, input={
        "id": world.gid("Risk", risk_id), "version": 1, "status": "OPEN", "ownerId": None,
        "categoryId": None})
    risk = result["data"]["updateRisk"]["risk"]
    assert (risk["status"], risk["owner"], risk["category"]) == ("OPEN", None, None)


@pytest.mark.parametrize(
    ("status", "changes", "field", "code"),
    [(RiskStatus.OPEN, {"title": ""}, "title", "REQUIRED"),
     (RiskStatus.OPEN, {"title": None}, "title", "REQUIRED"),
     (RiskStatus.OPEN, {"probability": None}, "probability", "REQUIRED"),
     (RiskStatus.OPEN, {"impact": 9}, "impact", "OUT_OF_RANGE"),
     (RiskStatus.OPEN, {"ownerId": NO_PERSON}, "ownerId", "NOT_FOUND"),
     (RiskStatus.OPEN, {"id": NO_RISK}, "id", "NOT_FOUND"),
     (RiskStatus.OPEN, {"id": str(to_global_id("Issue", 1))}, "id", "INVALID"),
     # moves with their own mutation
     (RiskStatus.OPEN, {"status": "CLOSED"}, "status", "INVALID"),
     (RiskStatus.MITIGATING, {"status": "OCCURRED"}, "status", "INVALID"),
     # illegal moves
     (RiskStatus.CLOSED, {"status": "MITIGATING"}, "status", "INVALID"),
     (RiskStatus.OCCURRED, {"status": "OPEN"}, "status", "INVALID")],
)
async def test_invalid_update_risk_is_a_user_error_and_changes_nothing(
    api: Api, world: World, raid: Raid, status: RiskStatus, changes: dict[str, Any],
    field: str, code: str,
) -> None:
    risk_id = await raid.risk(status=status)
    before = await raid.state(Risk)
    result = await api("alice", UPDATE, input={
        "id": world.gid("Risk", risk_id), "version": 1, **changes})
    payload = result["data"]["updateRisk"]
    assert payload["risk"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.state(Risk) == before and await raid.audits() == []


async def test_illegal_risk_move_says_which_moves_are_allowed(
    api: Api, world: World, raid: Raid
) -> None:
    risk_id = await raid.risk(status=RiskStatus.CLOSED)
    result = await api("alice", UPDATE, input={
        "id": world.gid("Risk", risk_id), "version": 1, "status": "MITIGATING"})
    [error] = result["data"]["updateRisk"]["userErrors"]
    assert error["message"] == ("a risk cannot move from CLOSED to MITIGATING; "
                                "it may only move to OPEN")


async def test_update_risk_with_a_stale_version_is_a_version_conflict(
    api: Api, world: World, raid: Raid
) -> None:
    # given a risk someone else already changed (version 2)
    risk_id = await raid.risk()
    gid = world.gid("Risk", risk_id)
    first = await api("pmo", UPDATE, input={"id": gid, "version": 1, "title": "First"})
    assert first["data"]["updateRisk"]["userErrors"] == []
    # when Alice saves her edit of version 1
    stale = await api("alice", UPDATE, input={"id": gid, "version": 1, "title": "Second"})
    # then it is refused and the first edit stands
    payload = stale["data"]["updateRisk"]
    assert payload["risk"] is None
    assert errors_of(payload) == [(["input", "version"], "VERSION_CONFLICT")]
    row = await raid.get(Risk, risk_id)
    assert row is not None and (row.title, row.version) == ("First", 2)
    assert len(await raid.audits()) == 1


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_update_risk_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    risk_id = await raid.risk()
    before = await raid.state(Risk)
    result = await api(who, UPDATE, input={"id": world.gid("Risk", risk_id), "version": 1,
                                           "title": "Hijacked"})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(Risk) == before and await raid.audits() == []


# --- closeRisk ----------------------------------------------------------------------------

@pytest.mark.parametrize("status", [RiskStatus.OPEN, RiskStatus.MITIGATING])
async def test_close_risk_closes_a_live_risk_and_is_audited(
    api: Api, world: World, raid: Raid, status: RiskStatus
) -> None:
    risk_id = await raid.risk(status=status)
    result = await api("alice", CLOSE, input={"id": world.gid("Risk", risk_id), "version": 1})
    payload = result["data"]["closeRisk"]
    assert payload["userErrors"] == []
    assert payload["risk"] == {"id": world.gid("Risk", risk_id), "status": "CLOSED",
                               "version": 2}
    row = await raid.get(Risk, risk_id)
    assert row is not None and row.status == RiskStatus.CLOSED
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "close", "Risk", risk_id, world.people["alice"])
    assert audit.changes == {"status": {"before": status.value, "after": "CLOSED"}}


@pytest.mark.parametrize(
    ("status", "changes", "field", "code"),
    [(RiskStatus.CLOSED, {}, "id", "INVALID"),
     (RiskStatus.OCCURRED, {}, "id", "INVALID"),
     (RiskStatus.OPEN, {"id": NO_RISK}, "id", "NOT_FOUND"),
     (RiskStatus.OPEN, {"version": 7}, "version", "VERSION_CONFLICT")],
)
async def test_close_risk_refusals_change_nothing(
    api: Api, world: World, raid: Raid, status: RiskStatus, changes: dict[str, Any],
    field: str, code: str,
) -> None:
    risk_id = await raid.risk(status=status)
    before = await raid.state(Risk)
    result = await api("alice", CLOSE, input={"id": world.gid("Risk", risk_id), "version": 1,
                                              **changes})
    payload = result["data"]["closeRisk"]
    assert payload["risk"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.state(Risk) == before and await raid.audits() == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_close_risk_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    risk_id = await raid.risk()
    before = await raid.state(Risk)
    result = await api(who, CLOSE, input={"id": world.gid("Risk", risk_id), "version": 1})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(Risk) == before and await raid.audits() == []


# --- escalateRisk -------------------------------------------------------------------------

async def test_escalate_risk_opens_an_issue_marks_it_occurred_and_publishes(
    api: Api, world: World, raid: Raid
) -> None:
    # given a MITIGATING risk with impact 4, owned by Alice
    risk_id = await raid.risk(status=RiskStatus.MITIGATING, description="Supplier capacity",
                              owner_id=world.people["alice"])
    risk_gid = world.gid("Risk", risk_id)
    # when it happens and Alice escalates it
    result = await api("alice", ESCALATE, input={"id": risk_gid, "version": 1})
    # then the risk is OCCURRED and an issue carries the risk's title, description and owner,
    # with a severity from its impact, pointing back at the risk
    payload = result["data"]["escalateRisk"]
    assert payload["userErrors"] == []
    assert payload["risk"] == {"id": risk_gid, "status": "OCCURRED", "version": 2}
    issue = payload["issue"]
    assert (issue["title"], issue["description"], issue["severity"], issue["status"]) == (
        "Vendor late", "Supplier capacity", "HIGH", "OPEN")
    assert issue["owner"] == {"fullName": "Alice"}
    assert issue["sourceRisk"] == {"id": risk_gid, "status": "OCCURRED"}
    assert issue["project"] == {"code": "PRJ-0001"}
    [row] = await raid.all(Issue)
    assert (row.source_risk_id, row.project_id, row.severity) == (
        risk_id, world.alice_project, IssueSeverity.HIGH)
    # and both changes are audited
    audits = await raid.audits()
    assert [(a.action, a.entity_type, a.entity_id) for a in audits] == [
        ("escalate", "Risk", risk_id), ("create", "Issue", row.id)]
    assert audits[0].changes == {"status": {"before": "MITIGATING", "after": "OCCURRED"}}
    assert audits[1].changes["source_risk_id"] == {"before": None, "after": risk_id}
    # and a risk.escalated event for the portfolio is in the outbox
    [event] = await raid.outbox()
    assert event.event_type == "risk.escalated"
    assert event.payload == {"entity_type": "Risk", "entity_id": risk_id,
                             "portfolio_id": world.portfolio, "issue_id": row.id,
                             "project_id": world.alice_project}


async def test_escalate_risk_takes_the_issue_fields_given(
    api: Api, world: World, raid: Raid
) -> None:
    risk_id = await raid.risk(impact=1, owner_id=world.people["alice"])
    result = await api("pmo", ESCALATE, input={
        "id": world.gid("Risk", risk_id), "version": 1, "title": "Vendor missed delivery",
        "severity": "CRITICAL", "ownerId": world.gid("Person", world.people["bob"]),
        "dueDate": "2026-12-24"})
    issue = result["data"]["escalateRisk"]["issue"]
    assert (issue["title"], issue["severity"], issue["dueDate"]) == (
        "Vendor missed delivery", "CRITICAL", "2026-12-24")
    assert issue["owner"] == {"fullName": "Bob"}
    [audit_risk, audit_issue] = await raid.audits()
    assert audit_risk.actor_id == audit_issue.actor_id == world.people["pmo"]


@pytest.mark.parametrize(("impact", "severity"), [(1, "LOW"), (2, "LOW"), (3, "MEDIUM"),
                                                  (5, "CRITICAL")])
async def test_escalated_issue_severity_follows_the_risk_impact(
    api: Api, world: World, raid: Raid, impact: int, severity: str
) -> None:
    risk_id = await raid.risk(impact=impact)
    result = await api("alice", ESCALATE, input={"id": world.gid("Risk", risk_id), "version": 1})
    assert result["data"]["escalateRisk"]["issue"]["severity"] == severity


@pytest.mark.parametrize(
    ("status", "changes", "field", "code"),
    [(RiskStatus.OPEN, {"title": ""}, "title", "REQUIRED"),
     (RiskStatus.OPEN, {"title": "x" * 201}, "title", "TOO_LONG"),
     (RiskStatus.OPEN, {"ownerId": NO_PERSON}, "ownerId", "NOT_FOUND"),
     (RiskStatus.OPEN, {"id": NO_RISK}, "id", "NOT_FOUND"),
     (RiskStatus.OPEN, {"version": 3}, "version", "VERSION_CONFLICT"),
     (RiskStatus.CLOSED, {}, "id", "INVALID"),
     (RiskStatus.OCCURRED, {}, "id", "INVALID")],
)
async def test_escalate_risk_refusals_write_nothing_and_publish_nothing(
    api: Api, world: World, raid: Raid, status: RiskStatus, changes: dict[str, Any],
    field: str, code: str,
) -> None:
    risk_id = await raid.risk(status=status)
    before = await raid.state(Risk)
    result = await api("alice", ESCALATE, input={"id": world.gid("Risk", risk_id), "version": 1,
                                                 **changes})
    payload = result["data"]["escalateRisk"]
    assert (payload["risk"], payload["issue"]) == (None, None)
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.state(Risk) == before
    assert await raid.all(Issue) == [] and await raid.audits() == []
    assert await raid.all(OutboxEvent) == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_escalate_risk_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    risk_id = await raid.risk()
    before = await raid.state(Risk)
    result = await api(who, ESCALATE, input={"id": world.gid("Risk", risk_id), "version": 1})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(Risk) == before
    assert await raid.all(Issue) == [] and await raid.all(AuditEvent) == []
    assert await raid.all(OutboxEvent) == []
