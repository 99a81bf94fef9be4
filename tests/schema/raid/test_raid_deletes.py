"""deleteRisk and deleteIssue: a risk or issue recorded by mistake is deleted by the project's
manager or the PMO, at the version read, audited with everything it held; an escalated risk
stays (its issue refers to it). A refusal writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from schema.base import to_global_id
from server.domain.enums import RiskStatus
from server.domain.models import Issue, Risk
from tests.schema.conftest import Api, World, codes
from tests.schema.raid.conftest import OUTSIDERS, Raid, errors_of

DELETE_RISK = """
mutation($input: DeleteRiskInput!) {
  deleteRisk(input: $input) { risk { title score } deletedId userErrors { field message code } }
}"""
DELETE_ISSUE = """
mutation($input: DeleteIssueInput!) {
  deleteIssue(input: $input) { issue { title } deletedId userErrors { field message code } }
}"""
CAN_DELETE = """
query($id: ID!) {
  node(id: $id) { ... on Risk { viewerCanDelete } ... on Issue { viewerCanDelete } }
}"""
CASES = [("Risk", DELETE_RISK, "deleteRisk", "risk"),
         ("Issue", DELETE_ISSUE, "deleteIssue", "issue")]


async def _row(raid: Raid, type_name: str, **values: Any) -> int:
    return await (raid.risk(**values) if type_name == "Risk" else raid.issue(**values))


def _model(type_name: str) -> Any:
    return Risk if type_name == "Risk" else Issue


@pytest.mark.parametrize("who", ["alice", "pmo"])
@pytest.mark.parametrize(("type_name", "mutation", "name", "key"), CASES)
async def test_manager_or_pmo_deletes_it_at_its_version_audited(
    api: Api, world: World, raid: Raid, who: str, type_name: str, mutation: str, name: str,
    key: str,
) -> None:
    # given a row the viewer is told they may delete
    row_id = await _row(raid, type_name)
    gid = world.gid(type_name, row_id)
    allowed = await api(who, CAN_DELETE, id=gid)
    assert allowed["data"]["node"]["viewerCanDelete"] is True

    # when it is deleted at version 1
    result = await api(who, mutation, input={"id": gid, "version": 1})

    # then it is gone, returned as it was, and the audit trail keeps every field
    payload = result["data"][name]
    assert payload["userErrors"] == [] and payload["deletedId"] == gid
    assert payload[key]["title"] in ("Vendor late", "Build broken")
    assert await raid.get(_model(type_name), row_id) is None
    [audit] = await raid.audits(type_name)
    assert (audit.action, audit.entity_id, audit.actor_id) == (
        "delete", row_id, world.people[who])
    assert audit.changes["title"] == {"before": payload[key]["title"], "after": None}


@pytest.mark.parametrize(("type_name", "mutation", "name", "key"), CASES)
@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"version": 7}, "version", "VERSION_CONFLICT"),
    ({"id": "missing"}, "id", "NOT_FOUND"),
])
async def test_a_stale_version_or_unknown_id_deletes_nothing(
    api: Api, world: World, raid: Raid, type_name: str, mutation: str, name: str, key: str,
    changes: dict[str, Any], field: str, code: str,
) -> None:
    row_id = await _row(raid, type_name)
    before = await raid.state(_model(type_name))
    if changes.get("id") == "missing":
        changes = {"id": str(to_global_id(type_name, row_id + 100))}
    result = await api("alice", mutation, input={"id": world.gid(type_name, row_id),
                                                 "version": 1, **changes})
    payload = result["data"][name]
    assert payload[key] is None and payload["deletedId"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.state(_model(type_name)) == before and await raid.audits() == []


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("type_name", "mutation", "name", "key"), CASES)
async def test_deleting_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str, type_name: str, mutation: str, name: str,
    key: str,
) -> None:
    row_id = await _row(raid, type_name)
    before = await raid.state(_model(type_name))
    result = await api(who, mutation, input={"id": world.gid(type_name, row_id), "version": 1})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(_model(type_name)) == before and await raid.audits() == []


async def test_an_escalated_risk_cannot_be_deleted(api: Api, world: World, raid: Raid) -> None:
    # given a risk that happened and became an issue
    risk_id = await raid.risk(status=RiskStatus.OCCURRED)
    await raid.issue(source_risk_id=risk_id)
    before = await raid.state(Risk)

    # when the PMO tries to delete it
    result = await api("pmo", DELETE_RISK, input={"id": world.gid("Risk", risk_id),
                                                  "version": 1})

    # then it stays, and the refusal says why
    payload = result["data"]["deleteRisk"]
    assert errors_of(payload) == [(["input", "id"], "INVALID")]
    assert "escalated" in payload["userErrors"][0]["message"]
    assert await raid.state(Risk) == before and await raid.audits() == []
