"""Recording actual costs through the live API: a positive Decimal amount incurred on a past
date, by the project's manager or the PMO; audited, announced, listed per project and flat."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from server.domain.enums import CostCategory
from server.domain.models import CostEntry
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
    today,
    tomorrow,
)

RECORD = """
mutation($input: RecordCostInput!) {
  recordCost(input: $input) {
    costEntry { id incurredOn amount category description project { code } }
    userErrors { field message code }
  }
}"""

NESTED = """
query($id: ID!) {
  node(id: $id) {
    ... on Project { costs(filter: {category: [VENDOR, LABOR]}) { totalCount nodes { amount } } }
  }
}"""

FLAT = """
query($filter: CostEntryFilter, $orderBy: [CostEntryOrder!]) {
  costEntries(filter: $filter, orderBy: $orderBy) {
    totalCount nodes { amount incurredOn project { code } }
  }
}"""


def cost(world: World, project: str = "alice_project", **fields: Any) -> dict[str, Any]:
    return {"projectId": world.gid("Project", getattr(world, project)),
            "incurredOn": "2026-01-31", "amount": "1234.50", "category": "VENDOR", **fields}


@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_manager_or_pmo_records_a_cost_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    # when a cost is recorded for today
    result = await api(who, RECORD, input=cost(world, project, amount="1234.5",
                                                incurredOn=today().isoformat(),
                                                description="Licences"))
    # then it comes back as a decimal string, in cents as stored
    recorded = payload(result, "recordCost")
    assert recorded["userErrors"] == []
    entry = recorded["costEntry"]
    assert (entry["amount"], entry["category"], entry["description"]) == (
        "1234.50", "VENDOR", "Licences")
    # and is stored as Decimal, audited and announced
    [row] = await rows(sessions, CostEntry)
    assert entry["id"] == world.gid("CostEntry", row.id)
    assert (row.amount, row.category, row.incurred_on) == (
        Decimal("1234.50"), CostCategory.VENDOR, today())
    [audit] = await audits(sessions, "CostEntry", row.id)
    assert (audit.action, audit.actor_id) == ("create", world.people[who])
    assert audit.changes["amount"] == {"before": None, "after": "1234.50"}
    [event] = await outbox(sessions, "cost_entry.recorded")
    assert event.payload == {"entity_type": "CostEntry", "entity_id": row.id,
                             "portfolio_id": world.portfolio,
                             "project_id": getattr(world, project), "amount": "1234.50"}


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [({"amount": "0"}, ["input", "amount"], "OUT_OF_RANGE"),
     ({"amount": "-5.00"}, ["input", "amount"], "OUT_OF_RANGE"),
     ({"amount": "1.234"}, ["input", "amount"], "INVALID"),
     ({"amount": "1000000000000.00"}, ["input", "amount"], "OUT_OF_RANGE"),
     ({"incurredOn": "FUTURE"}, ["input", "incurredOn"], "INVALID"),
     ({"description": "x" * 2001}, ["input", "description"], "TOO_LONG"),
     ({"projectId": "UNKNOWN"}, ["input", "projectId"], "NOT_FOUND"),
     ({"projectId": "PERSON"}, ["input", "projectId"], "INVALID")],
)
async def test_invalid_cost_is_a_user_error_and_writes_nothing(
    api: Api, world: World, sessions: Sessions, fields: dict[str, Any], field: list[str],
    code: str,
) -> None:
    replace = {"FUTURE": tomorrow().isoformat(), "UNKNOWN": world.gid("Project", 999),
               "PERSON": world.gid("Person", world.people["alice"])}
    fields = {k: replace.get(v, v) for k, v in fields.items()}
    before = await state(sessions, CostEntry)
    result = await api("alice", RECORD, input=cost(world, **fields))
    assert errors(result, "recordCost") == [(field, code)]
    assert payload(result, "recordCost")["costEntry"] is None
    assert await state(sessions, CostEntry) == before


async def test_an_unknown_category_is_refused_by_the_schema(
    api: Api, world: World, sessions: Sessions
) -> None:
    before = await state(sessions, CostEntry)
    result = await api("alice", RECORD, input=cost(world, category="BRIBES"))
    assert result["data"] is None and result["errors"]
    assert await state(sessions, CostEntry) == before


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_record_a_cost(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    before = await state(sessions, CostEntry)
    result = await api(who, RECORD, input=cost(world))
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None
    assert await state(sessions, CostEntry) == before


async def test_costs_are_listed_per_project_and_as_flat_rows(
    api: Api, world: World, sessions: Sessions
) -> None:
    await add(sessions,
              CostEntry(project_id=world.alice_project, incurred_on=date(2026, 1, 10),
                        amount=Decimal("100.00"), category=CostCategory.LABOR),
              CostEntry(project_id=world.alice_project, incurred_on=date(2026, 2, 10),
                        amount=Decimal("250.25"), category=CostCategory.VENDOR),
              CostEntry(project_id=world.alice_project, incurred_on=date(2026, 2, 11),
                        amount=Decimal("9.99"), category=CostCategory.OTHER),
              CostEntry(project_id=world.bob_project, incurred_on=date(2026, 3, 1),
                        amount=Decimal("1.00"), category=CostCategory.VENDOR))
    # nested: the project's own costs, filtered, latest first
    nested = await api("ana", NESTED, id=world.gid("Project", world.alice_project))
    assert nested["data"]["node"]["costs"] == {
        "totalCount": 2, "nodes": [{"amount": "250.25"}, {"amount": "100.00"}]}
    # flat: across projects, for BI, filtered by date and ordered by amount
    flat = await api("ana", FLAT, filter={"incurredFrom": "2026-02-01"},
                     orderBy=[{"field": "AMOUNT", "direction": "DESC"}])
    assert flat["data"]["costEntries"] == {"totalCount": 3, "nodes": [
        {"amount": "250.25", "incurredOn": "2026-02-10", "project": {"code": "PRJ-0001"}},
        {"amount": "9.99", "incurredOn": "2026-02-11", "project": {"code": "PRJ-0001"}},
        {"amount": "1.00", "incurredOn": "2026-03-01", "project": {"code": "PRJ-0002"}}]}
    by_project = await api("ana", FLAT, filter={
        "projectIds": [world.gid("Project", world.bob_project)]})
    assert by_project["data"]["costEntries"]["totalCount"] == 1
