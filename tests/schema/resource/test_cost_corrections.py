"""Correcting and deleting recorded costs through the live API: validated as recordCost is,
by the project's manager or the PMO only, audited, announced, and reflected in AC."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from server.domain.enums import CostCategory
from server.domain.models import CostEntry, Project
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
    tomorrow,
)

UPDATE = """
mutation($input: UpdateCostEntryInput!) {
  updateCostEntry(input: $input) {
    costEntry { id incurredOn amount category description project { code } }
    userErrors { field message code }
  }
}"""

DELETE = """
mutation($input: DeleteCostEntryInput!) {
  deleteCostEntry(input: $input) {
    costEntry { id amount category }
    deletedId
    userErrors { field message code }
  }
}"""

EVM = """
query($id: ID!, $asOf: Date) {
  node(id: $id) { ... on Project { evm(asOf: $asOf) { ev ac cv cpi eac } } }
}"""


async def existing(sessions: Sessions, world: World, project: str = "alice_project") -> int:
    """A VENDOR cost of 1234.50 on 2026-01-31, described as Licences."""
    [entry_id] = await add(sessions, CostEntry(
        project_id=getattr(world, project), incurred_on=date(2026, 1, 31),
        amount=Decimal("1234.50"), category=CostCategory.VENDOR, description="Licences"))
    return entry_id


@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_manager_or_pmo_corrects_a_cost_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    # given a recorded cost
    entry_id = await existing(sessions, world, project)
    # when its amount and category are corrected and its description cleared
    result = await api(who, UPDATE, input={"id": world.gid("CostEntry", entry_id),
                                           "amount": "99.9", "category": "LABOR",
                                           "description": None})
    # then only the given fields change, the amount in cents as stored
    updated = payload(result, "updateCostEntry")
    assert updated["userErrors"] == []
    assert updated["costEntry"] == {
        "id": world.gid("CostEntry", entry_id), "incurredOn": "2026-01-31", "amount": "99.90",
        "category": "LABOR", "description": None,
        "project": {"code": "PRJ-0001" if project == "alice_project" else "PRJ-0002"}}
    [row] = await rows(sessions, CostEntry)
    assert (row.amount, row.category, row.description, row.incurred_on) == (
        Decimal("99.90"), CostCategory.LABOR, None, date(2026, 1, 31))
    # and the change is audited with its diff and announced
    [audit] = await audits(sessions, "CostEntry", entry_id)
    assert (audit.action, audit.actor_id) == ("update", world.people[who])
    assert audit.changes == {"amount": {"before": "1234.50", "after": "99.90"},
                             "category": {"before": "VENDOR", "after": "LABOR"},
                             "description": {"before": "Licences", "after": None}}
    [event] = await outbox(sessions, "cost_entry.changed")
    assert event.payload == {"entity_type": "CostEntry", "entity_id": entry_id,
                             "portfolio_id": world.portfolio, "action": "update",
                             "project_id": getattr(world, project), "amount": "99.90"}


@pytest.mark.parametrize("who", ["alice", "pmo"])
async def test_manager_or_pmo_deletes_a_cost_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    entry_id = await existing(sessions, world)
    result = await api(who, DELETE, input={"id": world.gid("CostEntry", entry_id)})
    assert payload(result, "deleteCostEntry") == {
        "costEntry": {"id": world.gid("CostEntry", entry_id), "amount": "1234.50",
                      "category": "VENDOR"},
        "deletedId": world.gid("CostEntry", entry_id), "userErrors": []}
    assert await rows(sessions, CostEntry) == []
    # the audit keeps every field the entry had
    [audit] = await audits(sessions, "CostEntry", entry_id)
    assert (audit.action, audit.actor_id) == ("delete", world.people[who])
    assert audit.changes == {
        "project_id": {"before": world.alice_project, "after": None},
        "incurred_on": {"before": "2026-01-31", "after": None},
        "amount": {"before": "1234.50", "after": None},
        "category": {"before": "VENDOR", "after": None},
        "description": {"before": "Licences", "after": None}}
    [event] = await outbox(sessions, "cost_entry.changed")
    assert event.payload == {"entity_type": "CostEntry", "entity_id": entry_id,
                             "portfolio_id": world.portfolio, "action": "delete",
                             "project_id": world.alice_project, "amount": "1234.50"}


async def test_actual_cost_follows_corrections_and_deletions(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given Alice's project (BAC 100,000) 30% done, so EV = 30,000, and three costs, the last
    # after the reporting date
    async with sessions() as s, s.begin():
        await s.exec(sa.update(Project).where(Project.id == world.alice_project)  # type: ignore[call-overload, arg-type]
                     .values(percent_complete=30))
    first, second, _later = await add(
        sessions,
        CostEntry(project_id=world.alice_project, incurred_on=date(2026, 1, 10),
                  amount=Decimal("10000.00"), category=CostCategory.LABOR),
        CostEntry(project_id=world.alice_project, incurred_on=date(2026, 2, 10),
                  amount=Decimal("5000.00"), category=CostCategory.VENDOR),
        CostEntry(project_id=world.alice_project, incurred_on=date(2026, 3, 15),
                  amount=Decimal("700.00"), category=CostCategory.OTHER))

    async def evm() -> dict[str, Decimal | None]:
        result = await api("ana", EVM, id=world.gid("Project", world.alice_project),
                           asOf="2026-02-28")
        assert "errors" not in result, result["errors"]
        figures = result["data"]["node"]["evm"]
        return {k: None if v is None else Decimal(v) for k, v in figures.items()}

    # AC = 10,000 + 5,000; CPI = 30,000 / 15,000 = 2; EAC = 100,000 / 2
    assert await evm() == {"ev": 30000, "ac": 15000, "cv": 15000, "cpi": 2, "eac": 50000}
    # when the 5,000 is corrected to 20,000: AC = 30,000, CPI = 1, EAC = BAC
    result = await api("alice", UPDATE, input={"id": world.gid("CostEntry", second),
                                               "amount": "20000"})
    assert payload(result, "updateCostEntry")["userErrors"] == []
    assert await evm() == {"ev": 30000, "ac": 30000, "cv": 0, "cpi": 1, "eac": 100000}
    # when the 10,000 is deleted: AC = 20,000, CPI = 1.5, EAC = 100,000 / 1.5
    result = await api("alice", DELETE, input={"id": world.gid("CostEntry", first)})
    assert payload(result, "deleteCostEntry")["userErrors"] == []
    figures = await evm()
    assert (figures["ac"], figures["cv"], figures["cpi"]) == (20000, 10000, Decimal("1.5"))
    assert figures["eac"] is not None and round(figures["eac"], 2) == Decimal("66666.67")
    # when the 20,000 is moved after the reporting date: AC = 0, CPI unknown
    result = await api("alice", UPDATE, input={"id": world.gid("CostEntry", second),
                                               "incurredOn": "2026-03-01"})
    assert payload(result, "updateCostEntry")["userErrors"] == []
    assert await evm() == {"ev": 30000, "ac": 0, "cv": 30000, "cpi": None, "eac": None}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"amount": "0"}, ["input", "amount"], "OUT_OF_RANGE"),
     ({"amount": "-5.00"}, ["input", "amount"], "OUT_OF_RANGE"),
     ({"amount": "1.234"}, ["input", "amount"], "INVALID"),
     ({"amount": "1000000000000.00"}, ["input", "amount"], "OUT_OF_RANGE"),
     ({"amount": None}, ["input", "amount"], "REQUIRED"),
     ({"incurredOn": None}, ["input", "incurredOn"], "REQUIRED"),
     ({"category": None}, ["input", "category"], "REQUIRED"),
     ({"incurredOn": "FUTURE"}, ["input", "incurredOn"], "INVALID"),
     ({"description": "x" * 2001}, ["input", "description"], "TOO_LONG"),
     ({"id": "UNKNOWN"}, ["input", "id"], "NOT_FOUND"),
     ({"id": "PROJECT"}, ["input", "id"], "INVALID")],
)
async def test_invalid_correction_is_a_user_error_and_changes_nothing(
    api: Api, world: World, sessions: Sessions, changes: dict[str, Any], field: list[str],
    code: str,
) -> None:
    entry_id = await existing(sessions, world)
    replace = {"FUTURE": tomorrow().isoformat(), "UNKNOWN": world.gid("CostEntry", 999),
               "PROJECT": world.gid("Project", world.alice_project)}
    changes = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    before = await state(sessions, CostEntry)
    result = await api("alice", UPDATE, input={"id": world.gid("CostEntry", entry_id),
                                               **changes})
    assert errors(result, "updateCostEntry") == [(field, code)]
    assert payload(result, "updateCostEntry")["costEntry"] is None
    assert await state(sessions, CostEntry) == before


@pytest.mark.parametrize("changes", [{"projectId": "BOB"}, {"category": "BRIBES"}])
async def test_moving_a_cost_or_an_unknown_category_is_refused_by_the_schema(
    api: Api, world: World, sessions: Sessions, changes: dict[str, Any]
) -> None:
    entry_id = await existing(sessions, world)
    if "projectId" in changes:
        changes = {"projectId": world.gid("Project", world.bob_project)}
    before = await state(sessions, CostEntry)
    result = await api("alice", UPDATE, input={"id": world.gid("CostEntry", entry_id),
                                               **changes})
    assert result["data"] is None and codes(result) == ["GRAPHQL_VALIDATION_FAILED"]
    assert await state(sessions, CostEntry) == before


@pytest.mark.parametrize(("target", "code"), [("UNKNOWN", "NOT_FOUND"), ("PROJECT", "INVALID")])
async def test_deleting_an_unknown_or_foreign_id_is_a_user_error(
    api: Api, world: World, sessions: Sessions, target: str, code: str
) -> None:
    await existing(sessions, world)
    gid = {"UNKNOWN": world.gid("CostEntry", 999),
           "PROJECT": world.gid("Project", world.alice_project)}[target]
    before = await state(sessions, CostEntry)
    result = await api("alice", DELETE, input={"id": gid})
    assert errors(result, "deleteCostEntry") == [(["input", "id"], code)]
    assert payload(result, "deleteCostEntry")["deletedId"] is None
    assert await state(sessions, CostEntry) == before


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_correct_or_delete_a_cost(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    # another PM, the sponsor, another executive and an analyst
    gid = world.gid("CostEntry", await existing(sessions, world))
    before = await state(sessions, CostEntry)
    updated = await api(who, UPDATE, input={"id": gid, "amount": "1.00"})
    deleted = await api(who, DELETE, input={"id": gid})
    assert codes(updated) == codes(deleted) == ["FORBIDDEN"]
    assert updated["data"] is None and deleted["data"] is None
    assert await state(sessions, CostEntry) == before
