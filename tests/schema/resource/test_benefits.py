"""Benefits through the live API: what a project should realise, tracked against its target;
added and updated by the project's manager or the PMO, audited and announced."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from server.domain.models import Benefit
from tests.schema.conftest import Api, World, codes
from tests.schema.resource.conftest import (
    OUTSIDERS,
    Sessions,
    add,
    audits,
    errors,
    outbox,
    payload,
    rows,
    state,
)

CREATE = """
mutation($input: CreateBenefitInput!) {
  createBenefit(input: $input) {
    benefit {
      id name targetValue realizedValue unit targetDate owner { fullName } project { code }
      viewerCanUpdate
    }
    userErrors { field message code }
  }
}"""

UPDATE = """
mutation($input: UpdateBenefitInput!) {
  updateBenefit(input: $input) {
    benefit { id name targetValue realizedValue unit targetDate owner { fullName } }
    userErrors { field message code }
  }
}"""

NESTED = """
query($id: ID!) {
  node(id: $id) {
    ... on Project { benefits(filter: {search: "cost"}) { totalCount nodes { name } } }
  }
}"""


def new(world: World, project: str = "alice_project", **fields: Any) -> dict[str, Any]:
    return {"projectId": world.gid("Project", getattr(world, project)),
            "name": "Lower support cost", "targetValue": "250000.00", "unit": "EUR", **fields}


async def existing(sessions: Sessions, world: World) -> int:
    [benefit_id] = await add(sessions, Benefit(
        project_id=world.alice_project, name="Faster onboarding", target_value=Decimal("30"),
        unit="days", target_date=date(2026, 12, 31)))
    return benefit_id


@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_manager_or_pmo_adds_a_benefit_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    result = await api(who, CREATE, input=new(world, project, targetDate="2027-06-30",
                                              ownerId=world.gid("Person", world.people["carol"])))
    created = payload(result, "createBenefit")
    assert created["userErrors"] == []
    benefit = created["benefit"]
    assert {k: v for k, v in benefit.items() if k not in ("id", "project")} == {
        "name": "Lower support cost", "targetValue": "250000.00", "realizedValue": "0.00",
        "unit": "EUR", "targetDate": "2027-06-30", "owner": {"fullName": "Carol"},
        "viewerCanUpdate": True}
    [row] = await rows(sessions, Benefit)
    assert (row.project_id, row.target_value, row.owner_id) == (
        getattr(world, project), Decimal("250000.00"), world.people["carol"])
    [audit] = await audits(sessions, "Benefit", row.id)
    assert (audit.action, audit.actor_id) == ("create", world.people[who])
    assert audit.changes["target_value"] == {"before": None, "after": "250000.00"}
    [event] = await outbox(sessions, "benefit.changed")
    assert (event.payload["entity_id"], event.payload["action"]) == (row.id, "create")


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [({"name": ""}, ["input", "name"], "REQUIRED"),
     ({"unit": ""}, ["input", "unit"], "REQUIRED"),
     ({"unit": "x" * 33}, ["input", "unit"], "TOO_LONG"),
     ({"targetValue": "1.005"}, ["input", "targetValue"], "INVALID"),
     ({"targetValue": "10000000000000000"}, ["input", "targetValue"], "OUT_OF_RANGE"),
     ({"ownerId": "UNKNOWN"}, ["input", "ownerId"], "NOT_FOUND"),
     ({"ownerId": "not-an-id"}, ["input", "ownerId"], "INVALID"),
     ({"projectId": "UNKNOWN"}, ["input", "projectId"], "NOT_FOUND")],
)
async def test_invalid_benefit_is_a_user_error_and_writes_nothing(
    api: Api, world: World, sessions: Sessions, fields: dict[str, Any], field: list[str],
    code: str,
) -> None:
    unknown = world.gid("Project" if "projectId" in fields else "Person", 999)
    fields = {k: unknown if v == "UNKNOWN" else v for k, v in fields.items()}
    before = await state(sessions, Benefit)
    result = await api("alice", CREATE, input=new(world, **fields))
    assert errors(result, "createBenefit") == [(field, code)]
    assert payload(result, "createBenefit")["benefit"] is None
    assert await state(sessions, Benefit) == before


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_add_or_update_a_benefit(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    benefit_id = await existing(sessions, world)
    before = await state(sessions, Benefit)
    created = await api(who, CREATE, input=new(world))
    updated = await api(who, UPDATE, input={"id": world.gid("Benefit", benefit_id),
                                            "realizedValue": "12"})
    assert codes(created) == codes(updated) == ["FORBIDDEN"]
    assert await state(sessions, Benefit) == before


async def test_manager_records_the_value_realised_audited_and_announced(
    api: Api, world: World, sessions: Sessions
) -> None:
    benefit_id = await existing(sessions, world)
    result = await api("alice", UPDATE, input={
        "id": world.gid("Benefit", benefit_id), "realizedValue": "12.50", "targetDate": None,
        "ownerId": world.gid("Person", world.people["alice"])})
    updated = payload(result, "updateBenefit")
    assert updated["userErrors"] == []
    assert updated["benefit"] == {
        "id": world.gid("Benefit", benefit_id), "name": "Faster onboarding",
        "targetValue": "30.00", "realizedValue": "12.50", "unit": "days", "targetDate": None,
        "owner": {"fullName": "Alice"}}
    [audit] = await audits(sessions, "Benefit", benefit_id)
    assert (audit.action, audit.changes) == ("update", {
        "owner_id": {"before": None, "after": world.people["alice"]},
        "realized_value": {"before": "0.00", "after": "12.50"},
        "target_date": {"before": "2026-12-31", "after": None}})
    [event] = await outbox(sessions, "benefit.changed")
    assert (event.payload["entity_id"], event.payload["action"]) == (benefit_id, "update")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"name": None}, ["input", "name"], "REQUIRED"),
     ({"realizedValue": None}, ["input", "realizedValue"], "REQUIRED"),
     ({"realizedValue": "0.001"}, ["input", "realizedValue"], "INVALID"),
     ({"ownerId": "UNKNOWN"}, ["input", "ownerId"], "NOT_FOUND"),
     ({"id": "UNKNOWN"}, ["input", "id"], "NOT_FOUND")],
)
async def test_invalid_benefit_update_is_a_user_error_and_changes_nothing(
    api: Api, world: World, sessions: Sessions, changes: dict[str, Any], field: list[str],
    code: str,
) -> None:
    benefit_id = await existing(sessions, world)
    unknown = world.gid("Benefit" if "id" in changes else "Person", 999)
    changes = {k: unknown if v == "UNKNOWN" else v for k, v in changes.items()}
    before = await state(sessions, Benefit)
    result = await api("alice", UPDATE, input={"id": world.gid("Benefit", benefit_id),
                                               **changes})
    assert errors(result, "updateBenefit") == [(field, code)]
    assert await state(sessions, Benefit) == before


async def test_project_lists_its_benefits(api: Api, world: World, sessions: Sessions) -> None:
    await existing(sessions, world)
    await add(sessions, Benefit(project_id=world.alice_project, name="Lower hosting cost",
                                target_value=Decimal("1000"), unit="EUR"))
    result = await api("ana", NESTED, id=world.gid("Project", world.alice_project))
    assert result["data"]["node"]["benefits"] == {"totalCount": 1,
                                                  "nodes": [{"name": "Lower hosting cost"}]}
