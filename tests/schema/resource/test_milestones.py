"""Milestones through the live API: the project's manager or the PMO adds, changes and deletes
them; every change is audited and announced, every refusal leaves the database as it was."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from server.domain.enums import MilestoneStatus
from server.domain.models import Milestone
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

CREATE = """
mutation($input: CreateMilestoneInput!) {
  createMilestone(input: $input) {
    milestone {
      id name plannedDate forecastDate actualDate baselineDate status
      project { code } viewerCanUpdate viewerCanDelete
    }
    userErrors { field message code }
  }
}"""

UPDATE = """
mutation($input: UpdateMilestoneInput!) {
  updateMilestone(input: $input) {
    milestone { id name plannedDate forecastDate actualDate status }
    userErrors { field message code }
  }
}"""

DELETE = """
mutation($input: DeleteMilestoneInput!) {
  deleteMilestone(input: $input) {
    milestone { name }
    deletedId
    project { code milestones { totalCount } }
    userErrors { field message code }
  }
}"""

NESTED = """
query($id: ID!) {
  node(id: $id) {
    ... on Project {
      milestones(filter: {status: [PLANNED]}, orderBy: [{field: PLANNED_DATE, direction: DESC}]) {
        totalCount nodes { name viewerCanUpdate }
      }
    }
  }
}"""


def new(world: World, project: str = "alice_project", **fields: Any) -> dict[str, Any]:
    return {"projectId": world.gid("Project", getattr(world, project)), "name": "Go-live",
            "plannedDate": "2026-09-30", **fields}


async def existing(sessions: Sessions, world: World, project: str = "alice_project") -> int:
    [milestone_id] = await add(sessions, Milestone(
        project_id=getattr(world, project), name="Design signed off",
        planned_date=date(2026, 6, 30)))
    return milestone_id


@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_manager_or_pmo_adds_a_milestone_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    # when the project's manager (or the PMO) adds a milestone
    result = await api(who, CREATE, input=new(world, project, forecastDate="2026-10-15"))
    # then it is returned as written
    created = payload(result, "createMilestone")
    assert created["userErrors"] == []
    milestone = created["milestone"]
    assert {k: milestone[k] for k in ("name", "plannedDate", "forecastDate", "actualDate",
                                      "baselineDate", "status")} == {
        "name": "Go-live", "plannedDate": "2026-09-30", "forecastDate": "2026-10-15",
        "actualDate": None, "baselineDate": None, "status": "PLANNED"}
    assert (milestone["viewerCanUpdate"], milestone["viewerCanDelete"]) == (True, True)
    # and stored, audited and announced in the same transaction
    [row] = await rows(sessions, Milestone)
    assert milestone["id"] == world.gid("Milestone", row.id)
    assert (row.project_id, row.status) == (getattr(world, project), MilestoneStatus.PLANNED)
    [audit] = await audits(sessions, "Milestone", row.id)
    assert (audit.action, audit.actor_id) == ("create", world.people[who])
    assert audit.changes["name"] == {"before": None, "after": "Go-live"}
    [event] = await outbox(sessions, "milestone.changed")
    assert event.payload["entity_id"] == row.id
    assert event.payload["action"] == "create"
    assert event.payload["portfolio_id"] == world.portfolio


async def test_an_achieved_milestone_is_created_with_its_actual_date(
    api: Api, world: World, sessions: Sessions
) -> None:
    result = await api("alice", CREATE, input=new(world, status="ACHIEVED",
                                                  actualDate=today().isoformat()))
    assert payload(result, "createMilestone")["milestone"]["status"] == "ACHIEVED"
    [row] = await rows(sessions, Milestone)
    assert row.actual_date == today()


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [({"name": ""}, ["input", "name"], "REQUIRED"),
     ({"name": "x" * 201}, ["input", "name"], "TOO_LONG"),
     ({"status": "ACHIEVED"}, ["input", "actualDate"], "REQUIRED"),
     ({"actualDate": "FUTURE"}, ["input", "actualDate"], "INVALID"),
     ({"projectId": "not-an-id"}, ["input", "projectId"], "INVALID"),
     ({"projectId": "UNKNOWN"}, ["input", "projectId"], "NOT_FOUND")],
)
async def test_invalid_milestone_is_a_user_error_and_writes_nothing(
    api: Api, world: World, sessions: Sessions, fields: dict[str, Any], field: list[str],
    code: str,
) -> None:
    if fields.get("actualDate") == "FUTURE":
        fields["actualDate"] = tomorrow().isoformat()
    if fields.get("projectId") == "UNKNOWN":
        fields["projectId"] = world.gid("Project", 999)
    before = await state(sessions, Milestone)
    result = await api("alice", CREATE, input=new(world, **fields))
    assert errors(result, "createMilestone") == [(field, code)]
    assert payload(result, "createMilestone")["milestone"] is None
    assert await state(sessions, Milestone) == before


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_add_a_milestone(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    before = await state(sessions, Milestone)
    result = await api(who, CREATE, input=new(world))
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None
    assert await state(sessions, Milestone) == before


async def test_manager_updates_a_milestone_audited_and_announced(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given a planned milestone
    milestone_id = await existing(sessions, world)
    # when the manager records that it was reached
    result = await api("alice", UPDATE, input={
        "id": world.gid("Milestone", milestone_id), "status": "ACHIEVED",
        "actualDate": "2026-01-15", "forecastDate": None})
    # then only the given fields change
    updated = payload(result, "updateMilestone")
    assert updated["userErrors"] == []
    assert updated["milestone"] == {
        "id": world.gid("Milestone", milestone_id), "name": "Design signed off",
        "plannedDate": "2026-06-30", "forecastDate": None, "actualDate": "2026-01-15",
        "status": "ACHIEVED"}
    [audit] = await audits(sessions, "Milestone", milestone_id)
    assert audit.action == "update"
    assert audit.changes == {"actual_date": {"before": None, "after": "2026-01-15"},
                             "status": {"before": "PLANNED", "after": "ACHIEVED"}}
    [event] = await outbox(sessions, "milestone.changed")
    assert (event.payload["entity_id"], event.payload["action"]) == (milestone_id, "update")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"name": None}, ["input", "name"], "REQUIRED"),
     ({"plannedDate": None}, ["input", "plannedDate"], "REQUIRED"),
     ({"name": ""}, ["input", "name"], "REQUIRED"),
     ({"status": "ACHIEVED"}, ["input", "actualDate"], "REQUIRED"),
     ({"actualDate": "FUTURE"}, ["input", "actualDate"], "INVALID"),
     ({"id": "UNKNOWN"}, ["input", "id"], "NOT_FOUND"),
     ({"id": "PROJECT"}, ["input", "id"], "INVALID")],
)
async def test_invalid_milestone_update_is_a_user_error_and_changes_nothing(
    api: Api, world: World, sessions: Sessions, changes: dict[str, Any], field: list[str],
    code: str,
) -> None:
    milestone_id = await existing(sessions, world)
    replace = {"FUTURE": tomorrow().isoformat(), "UNKNOWN": world.gid("Milestone", 999),
               "PROJECT": world.gid("Project", world.alice_project)}
    changes = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    before = await state(sessions, Milestone)
    result = await api("alice", UPDATE, input={"id": world.gid("Milestone", milestone_id),
                                               **changes})
    assert errors(result, "updateMilestone") == [(field, code)]
    assert await state(sessions, Milestone) == before


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_update_or_delete_a_milestone(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    milestone_id = await existing(sessions, world)
    gid = world.gid("Milestone", milestone_id)
    before = await state(sessions, Milestone)
    updated = await api(who, UPDATE, input={"id": gid, "name": "Hijacked"})
    deleted = await api(who, DELETE, input={"id": gid})
    assert codes(updated) == codes(deleted) == ["FORBIDDEN"]
    assert await state(sessions, Milestone) == before


@pytest.mark.parametrize("who", ["alice", "pmo"])
async def test_manager_or_pmo_deletes_a_milestone_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    milestone_id = await existing(sessions, world)
    result = await api(who, DELETE, input={"id": world.gid("Milestone", milestone_id)})
    deleted = payload(result, "deleteMilestone")
    assert deleted == {"milestone": {"name": "Design signed off"},
                       "deletedId": world.gid("Milestone", milestone_id),
                       "project": {"code": "PRJ-0001", "milestones": {"totalCount": 0}},
                       "userErrors": []}
    assert await rows(sessions, Milestone) == []
    [audit] = await audits(sessions, "Milestone", milestone_id)
    assert (audit.action, audit.actor_id) == ("delete", world.people[who])
    assert audit.changes["name"] == {"before": "Design signed off", "after": None}
    [event] = await outbox(sessions, "milestone.changed")
    assert event.payload["action"] == "delete"


async def test_deleting_an_unknown_milestone_is_not_found(api: Api, world: World) -> None:
    result = await api("alice", DELETE, input={"id": world.gid("Milestone", 999)})
    assert errors(result, "deleteMilestone") == [(["input", "id"], "NOT_FOUND")]
    assert payload(result, "deleteMilestone")["deletedId"] is None


@pytest.mark.parametrize(("who", "can_update"), [("alice", True), ("bob", False),
                                                 ("ana", False)])
async def test_project_lists_its_milestones_with_what_the_viewer_may_do(
    api: Api, world: World, sessions: Sessions, who: str, can_update: bool
) -> None:
    await add(sessions,
              Milestone(project_id=world.alice_project, name="Kick-off",
                        planned_date=date(2026, 1, 5)),
              Milestone(project_id=world.alice_project, name="Go-live",
                        planned_date=date(2026, 9, 30)),
              Milestone(project_id=world.alice_project, name="Dropped",
                        planned_date=date(2026, 5, 1), status=MilestoneStatus.CANCELLED),
              Milestone(project_id=world.bob_project, name="Other", planned_date=date(2026, 2, 1)))
    result = await api(who, NESTED, id=world.gid("Project", world.alice_project))
    assert "errors" not in result
    milestones = result["data"]["node"]["milestones"]
    assert milestones["totalCount"] == 2
    assert milestones["nodes"] == [{"name": "Go-live", "viewerCanUpdate": can_update},
                                   {"name": "Kick-off", "viewerCanUpdate": can_update}]
