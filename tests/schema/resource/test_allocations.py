"""Allocations through the live API: 1-100% of a person's time on a project over a date range,
unique per person, project and start; going over 100% in an ISO week succeeds with a warning
naming each such week. Writes by the project's manager or the PMO only, audited, announced."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from server.domain.models import Allocation, Person
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
mutation($input: CreateAllocationInput!) {
  createAllocation(input: $input) {
    allocation {
      id roleName startDate endDate percent person { fullName } project { code }
      viewerCanUpdate viewerCanDelete
    }
    warnings
    userErrors { field message code }
  }
}"""

UPDATE = """
mutation($input: UpdateAllocationInput!) {
  updateAllocation(input: $input) {
    allocation { id roleName startDate endDate percent }
    warnings
    userErrors { field message code }
  }
}"""

DELETE = """
mutation($input: DeleteAllocationInput!) {
  deleteAllocation(input: $input) {
    allocation { percent }
    deletedId
    project { code allocations { totalCount } }
    userErrors { field message code }
  }
}"""

NESTED = """
query($id: ID!, $filter: AllocationFilter) {
  node(id: $id) {
    ... on Project {
      allocations(filter: $filter) { totalCount nodes { roleName percent person { fullName } } }
    }
  }
}"""

PERSON = """
query($id: ID!) {
  node(id: $id) {
    ... on Person { allocations(orderBy: [{field: PERCENT, direction: DESC}]) {
      totalCount nodes { percent project { code } } } }
  }
}"""


def new(world: World, person_id: int, project: str = "alice_project",
        **fields: Any) -> dict[str, Any]:
    return {"projectId": world.gid("Project", getattr(world, project)),
            "personId": world.gid("Person", person_id), "roleName": "Developer",
            "startDate": "2026-03-09", "endDate": "2026-03-29", "percent": 50, **fields}


async def allocate(sessions: Sessions, world: World, person_id: int, start: date, end: date,
                   percent: int, project: str = "bob_project") -> int:
    [allocation_id] = await add(sessions, Allocation(
        person_id=person_id, project_id=getattr(world, project), role_name="Tester",
        start_date=start, end_date=end, percent=percent))
    return allocation_id


@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_manager_or_pmo_allocates_a_person_audited_and_announced(
    api: Api, world: World, sessions: Sessions, erin: int, who: str, project: str
) -> None:
    # when a person is allocated half time for three weeks
    result = await api(who, CREATE, input=new(world, erin, project))
    # then the allocation is made, without warnings
    created = payload(result, "createAllocation")
    assert created["userErrors"] == [] and created["warnings"] == []
    allocation = created["allocation"]
    assert {k: allocation[k] for k in ("roleName", "startDate", "endDate", "percent",
                                       "person", "viewerCanUpdate", "viewerCanDelete")} == {
        "roleName": "Developer", "startDate": "2026-03-09", "endDate": "2026-03-29",
        "percent": 50, "person": {"fullName": "Erin"}, "viewerCanUpdate": True,
        "viewerCanDelete": True}
    [row] = await rows(sessions, Allocation)
    assert (row.person_id, row.project_id, row.percent) == (erin, getattr(world, project), 50)
    [audit] = await audits(sessions, "Allocation", row.id)
    assert (audit.action, audit.actor_id) == ("create", world.people[who])
    assert audit.changes["percent"] == {"before": None, "after": 50}
    [event] = await outbox(sessions, "allocation.changed")
    assert (event.payload["entity_id"], event.payload["action"], event.payload["person_id"]) == (
        row.id, "create", erin)


async def test_going_over_100_percent_in_a_week_succeeds_with_a_warning_for_that_week(
    api: Api, world: World, sessions: Sessions, erin: int
) -> None:
    # given Erin at 60% on Bob's project from Monday 2 to Sunday 15 March 2026
    await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 15), 60)
    # when Alice allocates her 50% from Monday 9 to Sunday 29 March
    result = await api("alice", CREATE, input=new(world, erin))
    # then the allocation is made, and the one week at 110% (ISO week 11) is named
    created = payload(result, "createAllocation")
    assert created["userErrors"] == []
    assert created["warnings"] == ["2026-W11: 110% allocated (week of 2026-03-09)"]
    assert len(await rows(sessions, Allocation)) == 2
    assert len(await audits(sessions, "Allocation")) == 1


async def test_a_partial_week_overlap_counts_for_the_whole_week(
    api: Api, world: World, sessions: Sessions, erin: int
) -> None:
    # given Erin at 80% until Tuesday 10 March (week 11) and at 10% elsewhere in week 12
    await allocate(sessions, world, erin, date(2026, 2, 1), date(2026, 3, 10), 80)
    await allocate(sessions, world, erin, date(2026, 3, 20), date(2026, 3, 20), 10,
                   project="alice_project")
    # when she gets 30% from Wednesday 11 March
    result = await api("alice", CREATE, input=new(world, erin, startDate="2026-03-11",
                                                  endDate="2026-03-31", percent=30))
    # then week 11 counts 110% although the two never share a day; week 12 is at 40%
    assert payload(result, "createAllocation")["warnings"] == [
        "2026-W11: 110% allocated (week of 2026-03-09)"]


async def test_exactly_100_percent_is_not_over_allocation(
    api: Api, world: World, sessions: Sessions, erin: int
) -> None:
    await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 15), 50)
    result = await api("alice", CREATE, input=new(world, erin))
    assert payload(result, "createAllocation")["warnings"] == []


async def test_raising_an_allocation_warns_for_every_over_allocated_week(
    api: Api, world: World, sessions: Sessions, erin: int
) -> None:
    # given Erin at 60% on Bob's project for the first half of March, 30% on Alice's
    await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 15), 60)
    own = await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 29), 30,
                         project="alice_project")
    # when Alice raises hers to 70%
    result = await api("alice", UPDATE, input={"id": world.gid("Allocation", own),
                                               "percent": 70})
    # then the change is made and weeks 10 and 11 (130%) are named, not 12 and 13 (70%)
    updated = payload(result, "updateAllocation")
    assert updated["userErrors"] == []
    assert updated["allocation"]["percent"] == 70
    assert updated["warnings"] == ["2026-W10: 130% allocated (week of 2026-03-02)",
                                   "2026-W11: 130% allocated (week of 2026-03-09)"]
    [audit] = await audits(sessions, "Allocation", own)
    assert (audit.action, audit.changes) == ("update", {"percent": {"before": 30, "after": 70}})
    [event] = await outbox(sessions, "allocation.changed")
    assert event.payload["action"] == "update"


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [({"percent": 0}, ["input", "percent"], "OUT_OF_RANGE"),
     ({"percent": 101}, ["input", "percent"], "OUT_OF_RANGE"),
     ({"endDate": "2026-03-08"}, ["input", "endDate"], "INVALID"),
     ({"roleName": ""}, ["input", "roleName"], "REQUIRED"),
     ({"roleName": "x" * 101}, ["input", "roleName"], "TOO_LONG"),
     ({"startDate": "2026-01-05"}, ["input", "startDate"], "DUPLICATE"),
     ({"personId": "UNKNOWN"}, ["input", "personId"], "NOT_FOUND"),
     ({"personId": "INACTIVE"}, ["input", "personId"], "INVALID"),
     ({"personId": "not-an-id"}, ["input", "personId"], "INVALID"),
     ({"projectId": "UNKNOWN"}, ["input", "projectId"], "NOT_FOUND")],
)
async def test_invalid_allocation_is_a_user_error_and_writes_nothing(
    api: Api, world: World, sessions: Sessions, erin: int, fields: dict[str, Any],
    field: list[str], code: str,
) -> None:
    # given Erin already allocated to Alice's project from 5 January
    await allocate(sessions, world, erin, date(2026, 1, 5), date(2026, 1, 30), 20,
                   project="alice_project")
    [gone] = await add(sessions, Person(email="gone@example.com", full_name="Gone",
                                        active=False))
    replace = {"UNKNOWN": world.gid("Project" if "projectId" in fields else "Person", 999),
               "INACTIVE": world.gid("Person", gone)}
    fields = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    if fields.get("startDate") == "2026-01-05":
        fields["endDate"] = "2026-01-20"
    before = await state(sessions, Allocation)
    result = await api("alice", CREATE, input=new(world, erin, **fields))
    assert errors(result, "createAllocation") == [(field, code)]
    assert payload(result, "createAllocation")["allocation"] is None
    assert await state(sessions, Allocation) == before


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"percent": 0}, ["input", "percent"], "OUT_OF_RANGE"),
     ({"percent": None}, ["input", "percent"], "REQUIRED"),
     ({"endDate": "2026-03-01"}, ["input", "endDate"], "INVALID"),
     ({"startDate": "2026-04-01"}, ["input", "endDate"], "INVALID"),
     ({"startDate": "2026-01-05"}, ["input", "startDate"], "DUPLICATE"),
     ({"id": "UNKNOWN"}, ["input", "id"], "NOT_FOUND")],
)
async def test_invalid_allocation_update_is_a_user_error_and_changes_nothing(
    api: Api, world: World, sessions: Sessions, erin: int, changes: dict[str, Any],
    field: list[str], code: str,
) -> None:
    await allocate(sessions, world, erin, date(2026, 1, 5), date(2026, 1, 30), 20,
                   project="alice_project")
    own = await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 29), 30,
                         project="alice_project")
    if changes.get("id") == "UNKNOWN":
        changes = {"id": world.gid("Allocation", 999)}
    before = await state(sessions, Allocation)
    result = await api("alice", UPDATE, input={"id": world.gid("Allocation", own), **changes})
    assert errors(result, "updateAllocation") == [(field, code)]
    assert payload(result, "updateAllocation")["warnings"] == []
    assert await state(sessions, Allocation) == before


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_allocate(
    api: Api, world: World, sessions: Sessions, erin: int, who: str
) -> None:
    own = await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 29), 30,
                         project="alice_project")
    gid = world.gid("Allocation", own)
    before = await state(sessions, Allocation)
    created = await api(who, CREATE, input=new(world, erin, startDate="2026-05-04",
                                                endDate="2026-05-10"))
    updated = await api(who, UPDATE, input={"id": gid, "percent": 100})
    deleted = await api(who, DELETE, input={"id": gid})
    assert codes(created) == codes(updated) == codes(deleted) == ["FORBIDDEN"]
    assert await state(sessions, Allocation) == before


@pytest.mark.parametrize("who", ["alice", "pmo"])
async def test_manager_or_pmo_deletes_an_allocation_audited_and_announced(
    api: Api, world: World, sessions: Sessions, erin: int, who: str
) -> None:
    own = await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 29), 30,
                         project="alice_project")
    result = await api(who, DELETE, input={"id": world.gid("Allocation", own)})
    assert payload(result, "deleteAllocation") == {
        "allocation": {"percent": 30}, "deletedId": world.gid("Allocation", own),
        "project": {"code": "PRJ-0001", "allocations": {"totalCount": 0}}, "userErrors": []}
    assert await rows(sessions, Allocation) == []
    [audit] = await audits(sessions, "Allocation", own)
    assert audit.action == "delete"
    assert audit.changes["percent"] == {"before": 30, "after": None}
    [event] = await outbox(sessions, "allocation.changed")
    assert event.payload["action"] == "delete"


async def test_project_lists_allocations_running_in_a_period(
    api: Api, world: World, sessions: Sessions, erin: int
) -> None:
    await allocate(sessions, world, erin, date(2026, 1, 5), date(2026, 1, 30), 20,
                   project="alice_project")
    await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 29), 30,
                   project="alice_project")
    await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 29), 40)
    result = await api("carol", NESTED, id=world.gid("Project", world.alice_project),
                       filter={"activeFrom": "2026-02-01", "activeTo": "2026-03-02"})
    assert result["data"]["node"]["allocations"] == {
        "totalCount": 1,
        "nodes": [{"roleName": "Tester", "percent": 30, "person": {"fullName": "Erin"}}]}


async def test_person_lists_their_allocations_across_projects(
    api: Api, world: World, sessions: Sessions, erin: int
) -> None:
    await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 29), 30,
                   project="alice_project")
    await allocate(sessions, world, erin, date(2026, 3, 2), date(2026, 3, 29), 40)
    result = await api("ana", PERSON, id=world.gid("Person", erin))
    assert result["data"]["node"]["allocations"] == {"totalCount": 2, "nodes": [
        {"percent": 40, "project": {"code": "PRJ-0002"}},
        {"percent": 30, "project": {"code": "PRJ-0001"}}]}
