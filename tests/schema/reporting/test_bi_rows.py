"""The BI row reports added for every fact a PMO reports on: hand-checked rows, and
allocationRows' person-week grid, its filters and its keyset paging both ways."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from server.domain.enums import EvmMetric
from server.domain.governance.models import RagThreshold, RiskCategory
from server.domain.organisation.models import StrategicObjective
from tests.schema.conftest import Api, codes
from tests.schema.reporting.conftest import ReportWorld

GATES = """{ reports { gateDecisionRows { totalCount nodes {
  projectGateId projectCode sequence gateName approverRole decision decidedByName submittedAt
  decidedAt daysWaiting note } } } }"""
BENEFITS = """{ reports { benefitRows { nodes {
  projectCode name unit targetValue realizedValue variance realizedPercent targetDate
  ownerName } } } }"""
CHANGES = """{ reports { changeRequestRows(orderBy: [{field: TITLE}]) { nodes {
  projectCode title status costImpact requestedByName decidedAt daysToDecide } } } }"""
WEEKS = """
query($filter: AllocationRowFilter, $first: Int, $after: String, $last: Int, $before: String) {
  reports { allocationRows(filter: $filter, first: $first, after: $after, last: $last,
                           before: $before) {
    totalCount
    edges { cursor node { personId personName week weekStart allocatedPercent capacityHours
                          allocatedHours overAllocated overAllocatedPercent projects } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
}"""


def nodes(result: dict[str, Any], report: str) -> list[dict[str, Any]]:
    assert "errors" not in result, result["errors"]
    return result["data"]["reports"][report]["nodes"]  # type: ignore[no-any-return]


def weeks(result: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in result, result["errors"]
    return [edge["node"] for edge in result["data"]["reports"]["allocationRows"]["edges"]]


async def test_a_decided_gate_is_a_row_with_its_wait(api: Api, report_world: ReportWorld,
                                                     ) -> None:
    # when
    rows = nodes(await api("ana", GATES), "gateDecisionRows")

    # then: the decided gate only (the second is still waiting); 10 Jan to 13 Jan
    assert rows == [{
        "projectGateId": rows[0]["projectGateId"], "projectCode": "PRJ-0001", "sequence": 1,
        "gateName": "Initiate", "approverRole": "PMO", "decision": "GO",
        "decidedByName": "Carol", "submittedAt": "2026-01-10T09:00:00+00:00",
        "decidedAt": "2026-01-13T16:00:00+00:00", "daysWaiting": 3, "note": "Go ahead"}]
    assert rows[0]["projectGateId"].startswith("UHJvamVjdEdhdGU")  # a ProjectGate id


async def test_a_benefit_row_sets_realised_against_planned(api: Api,
                                                           report_world: ReportWorld) -> None:
    # when
    [row] = nodes(await api("ana", BENEFITS), "benefitRows")

    # then
    assert row == {"projectCode": "PRJ-0001", "name": "Faster orders", "unit": "orders/day",
                   "targetValue": "200.00", "realizedValue": "50.00", "variance": "-150.00",
                   "realizedPercent": "25.0", "targetDate": "2026-06-30", "ownerName": "Carol"}


async def test_an_undecided_change_request_has_no_days_to_decide(
    api: Api, report_world: ReportWorld,
) -> None:
    # when
    rows = nodes(await api("ana", CHANGES), "changeRequestRows")

    # then
    assert [(r["title"], r["status"], r["decidedAt"], r["daysToDecide"]) for r in rows] == [
        ("Draft", "DRAFT", None, None), ("More scope", "SUBMITTED", None, None)]


async def test_a_person_week_adds_up_the_allocations_touching_it(
    api: Api, report_world: ReportWorld,
) -> None:
    # given
    alice = report_world.gid("Person", report_world.base.people["alice"])

    # when: the week of 26 January and the week of 2 February
    rows = weeks(await api("ana", WEEKS, filter={
        "personIds": [alice], "weekFrom": "2026-01-28", "weekTo": "2026-02-08"}))

    # then: 60 %, then 60 + 50 = 110 % of 40 hours over two projects
    assert [{k: r[k] for k in ("week", "weekStart", "allocatedPercent", "allocatedHours",
                               "overAllocated", "overAllocatedPercent", "projects")}
            for r in rows] == [
        {"week": "2026-W05", "weekStart": "2026-01-26", "allocatedPercent": 60,
         "allocatedHours": "24.00", "overAllocated": False, "overAllocatedPercent": 0,
         "projects": 1},
        {"week": "2026-W06", "weekStart": "2026-02-02", "allocatedPercent": 110,
         "allocatedHours": "44.00", "overAllocated": True, "overAllocatedPercent": 10,
         "projects": 2}]
    assert {r["personName"] for r in rows} == {"Alice"} and rows[0]["capacityHours"] == "40.00"


async def test_over_allocated_weeks_are_filtered(api: Api, report_world: ReportWorld) -> None:
    # when: the first quarter, over-allocated weeks only
    result = await api("ana", WEEKS, first=500, filter={
        "weekFrom": "2026-01-01", "weekTo": "2026-03-31", "overAllocated": True})

    # then: Alice's four weeks of February (her first allocation ends Friday 27 Feb)
    assert [(r["personName"], r["week"], r["allocatedPercent"]) for r in weeks(result)] == [
        ("Alice", f"2026-W{w:02d}", 110) for w in (6, 7, 8, 9)]
    assert result["data"]["reports"]["allocationRows"]["totalCount"] == 4


async def test_every_person_has_every_week_and_pages_both_ways(
    api: Api, report_world: ReportWorld,
) -> None:
    # given: every row of the quarter in one page
    quarter = {"weekFrom": "2026-01-01", "weekTo": "2026-03-31"}
    whole = await api("ana", WEEKS, first=500, filter=quarter)
    everything = weeks(whole)
    people = {r["personId"] for r in everything}
    assert len(everything) == len(people) * 14  # 29 Dec to 30 Mar: 14 ISO weeks
    assert whole["data"]["reports"]["allocationRows"]["totalCount"] == len(everything)

    # when: paged forwards by 5, then backwards by 4
    forwards: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api("ana", WEEKS, first=5, after=after, filter=quarter)
                )["data"]["reports"]["allocationRows"]
        forwards += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    backwards: list[dict[str, Any]] = []
    before = None
    while True:
        page = (await api("ana", WEEKS, last=4, before=before, filter=quarter)
                )["data"]["reports"]["allocationRows"]
        backwards = [e["node"] for e in page["edges"]] + backwards
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]

    # then: the same rows in the same order (person, then week), each once
    assert forwards == everything and backwards == everything
    keys = [(r["personId"], r["weekStart"]) for r in everything]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(("variables", "message"), [
    ({"filter": {"weekFrom": "2026-03-01", "weekTo": "2026-01-01"}}, "weekTo"),
    ({"filter": {"weekFrom": "2026-01-01", "weekTo": "2029-12-31"}}, "157 weeks"),
    ({"first": 501}, "maximum page size"),
    ({"after": "bm90IGEgY3Vyc29y"}, "invalid cursor"),
    ({"filter": {"personIds": ["UmlzazoxCg=="]}}, "personIds"),
])
async def test_bad_arguments_say_what_is_wrong(api: Api, report_world: ReportWorld,
                                               variables: dict[str, Any], message: str) -> None:
    # when
    result = await api("ana", WEEKS, **variables)

    # then
    assert codes(result) == ["BAD_USER_INPUT"], result
    assert message in result["errors"][0]["message"]


# --- changes the console makes (no API mutation): thresholds, weights, names ----------------

PROJECTS_SINCE = """
query($since: DateTime) { reports {
  projectRows(filter: {updatedSince: $since}) { nodes { code } }
  riskRows(filter: {updatedSince: $since}) { nodes { title } } } }"""


async def changed_since(api: Api, sessions: Any, change: Any) -> dict[str, list[str]]:
    """What projectRows and riskRows return for updatedSince a moment before ``change``."""
    await asyncio.sleep(0.005)
    since = datetime.now(UTC).isoformat()
    await asyncio.sleep(0.005)
    async with sessions() as s, s.begin():
        await change(s)
    result = (await api("ana", PROJECTS_SINCE, since=since))["data"]["reports"]
    return {"projects": sorted(r["code"] for r in result["projectRows"]["nodes"]),
            "risks": sorted(r["title"] for r in result["riskRows"]["nodes"])}


async def test_new_rag_thresholds_move_every_project_row(api: Api, report_world: ReportWorld,
                                                         sessions: Any) -> None:
    async def change(s: Any) -> None:
        threshold = (await s.exec(sa.select(RagThreshold).limit(1))).scalars().first()
        if threshold is None:
            s.add(RagThreshold(metric=EvmMetric.CPI, green_at=Decimal("0.95"),
                               amber_at=Decimal("0.85")))
        else:
            threshold.green_at += Decimal("0.01")

    # when the PMO changes the bands, every project's health may change
    changed = await changed_since(api, sessions, change)

    # then
    assert changed == {"projects": ["PRJ-0001", "PRJ-0002", "PRJ-0100"], "risks": []}


async def test_an_objective_weight_moves_the_projects_aligned_to_it(
    api: Api, report_world: ReportWorld, sessions: Any,
) -> None:
    async def change(s: Any) -> None:
        grow = (await s.exec(sa.select(StrategicObjective).where(
            StrategicObjective.code == "GROW"))).scalars().one()
        grow.weight = Decimal("3")

    # when: only Alice's project aligns to GROW
    changed = await changed_since(api, sessions, change)

    # then
    assert changed == {"projects": ["PRJ-0001"], "risks": []}


async def test_a_category_rename_moves_its_risks_rows(api: Api, report_world: ReportWorld,
                                                      sessions: Any) -> None:
    async def change(s: Any) -> None:
        category = (await s.exec(sa.select(RiskCategory).where(
            RiskCategory.code == "TECH"))).scalars().one()
        category.name = "Technology"

    # when
    changed = await changed_since(api, sessions, change)

    # then: the one risk in that category shows the new name; no project row shows it
    assert changed == {"projects": [], "risks": ["Vendor late"]}
