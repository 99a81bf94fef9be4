"""The stakeholder register through the live API: the project's manager or the PMO adds,
changes and removes stakeholders, each change audited and announced, every refusal leaving the
database as it was; and ``Project.stakeholderMap`` on hand-checked cases."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.collaboration.stakeholder_service import engagement_gap, quadrant
from server.domain.enums import Engagement, StakeholderQuadrant
from server.domain.models import AuditEvent, OutboxEvent, Person, Stakeholder
from server.domain.reporting.changes import DeletedRow
from tests.schema.conftest import Api, World, codes

Sessions = async_sessionmaker[AsyncSession]
# Who may not write Alice's project's register: another PM, its sponsor (an executive who owns
# the portfolio), another executive, an analyst.
OUTSIDERS = ["bob", "carol", "dave", "ana"]
FIELDS = """id externalName organisation role influence interest engagementCurrent
            engagementDesired notes person { fullName } project { code }
            viewerCanUpdate viewerCanDelete"""

CREATE = f"""
mutation($input: CreateStakeholderInput!) {{
  createStakeholder(input: $input) {{
    stakeholder {{ {FIELDS} }}
    userErrors {{ field message code }}
  }}
}}"""

UPDATE = f"""
mutation($input: UpdateStakeholderInput!) {{
  updateStakeholder(input: $input) {{
    stakeholder {{ {FIELDS} }}
    userErrors {{ field message code }}
  }}
}}"""

DELETE = """
mutation($input: DeleteStakeholderInput!) {
  deleteStakeholder(input: $input) {
    stakeholder { role externalName }
    deletedId
    project { code stakeholders { totalCount } }
    userErrors { field message code }
  }
}"""

MAP = """
query($id: ID!) {
  node(id: $id) {
    ... on Project {
      stakeholderMap { stakeholder { role influence interest } quadrant engagementGap }
    }
  }
}"""


# --- helpers ------------------------------------------------------------------------------

async def rows(sessions: Sessions, model: Any, *where: Any) -> list[Any]:
    """Every row of ``model`` matching ``where``, by id."""
    async with sessions() as s:
        return list((await s.exec(sa.select(model).where(*where).order_by(model.id)))  # type: ignore[call-overload]
                    .scalars().all())


async def add(sessions: Sessions, *items: Any) -> list[int]:
    """Insert rows directly (no audit, no event); returns their ids."""
    async with sessions() as s, s.begin():
        s.add_all(items)
        await s.flush()
        return [item.id for item in items]


async def state(sessions: Sessions) -> tuple[list[dict[str, Any]], int, int]:
    """Every stakeholder as data, and how many audit and outbox events exist."""
    return ([r.model_dump() for r in await rows(sessions, Stakeholder)],
            len(await rows(sessions, AuditEvent)), len(await rows(sessions, OutboxEvent)))


async def audits(sessions: Sessions, stakeholder_id: int) -> list[AuditEvent]:
    return await rows(sessions, AuditEvent, AuditEvent.entity_type == "Stakeholder",
                      AuditEvent.entity_id == stakeholder_id)


async def outbox(sessions: Sessions) -> list[OutboxEvent]:
    return await rows(sessions, OutboxEvent, OutboxEvent.event_type == "stakeholder.changed")


def payload(result: dict[str, Any], name: str) -> dict[str, Any]:
    """The mutation's payload, failing with the GraphQL errors when there is none."""
    assert "errors" not in result, result["errors"]
    return result["data"][name]  # type: ignore[no-any-return]


def errors(result: dict[str, Any], name: str) -> list[tuple[list[str], str]]:
    """``(field, code)`` of each user error of the mutation."""
    return [(e["field"], e["code"]) for e in payload(result, name)["userErrors"]]


def external(world: World, project: str = "alice_project", **fields: Any) -> dict[str, Any]:
    return {"projectId": world.gid("Project", getattr(world, project)),
            "externalName": "Grace Hopper", "organisation": "Regulator Ltd",
            "role": "Regulator", "influence": 4, "interest": 2, **fields}


def person(world: World, who: str = "dave", project: str = "alice_project",
           **fields: Any) -> dict[str, Any]:
    return {"projectId": world.gid("Project", getattr(world, project)),
            "personId": world.gid("Person", world.people[who]), "role": "Business owner",
            "influence": 5, "interest": 5, **fields}


async def existing(sessions: Sessions, world: World, **fields: Any) -> int:
    """An outside party on Alice's project's register (written directly)."""
    values = {"project_id": world.alice_project, "external_name": "Grace Hopper",
              "organisation": "Regulator Ltd", "role": "Regulator", "influence": 4,
              "interest": 2, **fields}
    [stakeholder_id] = await add(sessions, Stakeholder(**values))
    return stakeholder_id


# --- create -------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_manager_or_pmo_adds_a_person_and_an_outside_party_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    # when the project's manager (or the PMO) adds a colleague and an outside party
    as_person = await api(who, CREATE, input=person(world, project=project,
                                                    engagementCurrent="RESISTANT",
                                                    engagementDesired="LEADING",
                                                    notes="Weekly 1:1 with the sponsor."))
    as_external = await api(who, CREATE, input=external(world, project))
    # then both are returned as written
    colleague = payload(as_person, "createStakeholder")
    outsider = payload(as_external, "createStakeholder")
    assert colleague["userErrors"] == outsider["userErrors"] == []
    code = "PRJ-0001" if project == "alice_project" else "PRJ-0002"
    assert {k: v for k, v in colleague["stakeholder"].items() if k != "id"} == {
        "externalName": None, "organisation": None, "role": "Business owner", "influence": 5,
        "interest": 5, "engagementCurrent": "RESISTANT", "engagementDesired": "LEADING",
        "notes": "Weekly 1:1 with the sponsor.", "person": {"fullName": "Dave"},
        "project": {"code": code}, "viewerCanUpdate": True, "viewerCanDelete": True}
    assert {k: v for k, v in outsider["stakeholder"].items() if k != "id"} == {
        "externalName": "Grace Hopper", "organisation": "Regulator Ltd", "role": "Regulator",
        "influence": 4, "interest": 2, "engagementCurrent": "NEUTRAL",
        "engagementDesired": "SUPPORTIVE", "notes": None, "person": None,
        "project": {"code": code}, "viewerCanUpdate": True, "viewerCanDelete": True}
    # and stored, audited and announced in the same transaction
    first, second = await rows(sessions, Stakeholder)
    assert colleague["stakeholder"]["id"] == world.gid("Stakeholder", first.id)
    assert (first.project_id, first.person_id, first.external_name) == (
        getattr(world, project), world.people["dave"], None)
    assert (second.person_id, second.external_name) == (None, "Grace Hopper")
    [audit] = await audits(sessions, first.id)
    assert (audit.action, audit.actor_id) == ("create", world.people[who])
    assert audit.changes["role"] == {"before": None, "after": "Business owner"}
    assert audit.changes["engagement_desired"] == {"before": None, "after": "LEADING"}
    assert [a.action for a in await audits(sessions, second.id)] == ["create"]
    events = await outbox(sessions)
    assert [(e.payload["entity_id"], e.payload["action"]) for e in events] == [
        (first.id, "create"), (second.id, "create")]
    assert {(e.payload["project_id"], e.payload["portfolio_id"]) for e in events} == {
        (getattr(world, project), world.portfolio)}


async def test_text_is_trimmed_and_a_blank_organisation_or_note_is_none(
    api: Api, world: World, sessions: Sessions
) -> None:
    result = await api("alice", CREATE, input=external(
        world, externalName="  Grace Hopper ", role="  Regulator  ", organisation="   ",
        notes=" "))
    stakeholder = payload(result, "createStakeholder")["stakeholder"]
    assert (stakeholder["externalName"], stakeholder["role"], stakeholder["organisation"],
            stakeholder["notes"]) == ("Grace Hopper", "Regulator", None, None)
    [row] = await rows(sessions, Stakeholder)
    assert (row.external_name, row.role, row.organisation, row.notes) == (
        "Grace Hopper", "Regulator", None, None)


@pytest.mark.parametrize(
    ("make", "fields", "field", "code"),
    [("external", {"role": ""}, ["input", "role"], "REQUIRED"),
     ("external", {"role": "   "}, ["input", "role"], "REQUIRED"),
     ("external", {"role": "x" * 101}, ["input", "role"], "TOO_LONG"),
     ("external", {"influence": 0}, ["input", "influence"], "OUT_OF_RANGE"),
     ("external", {"influence": 6}, ["input", "influence"], "OUT_OF_RANGE"),
     ("external", {"interest": 0}, ["input", "interest"], "OUT_OF_RANGE"),
     ("external", {"interest": 6}, ["input", "interest"], "OUT_OF_RANGE"),
     ("external", {"externalName": "  "}, ["input", "externalName"], "REQUIRED"),
     ("external", {"externalName": "x" * 201}, ["input", "externalName"], "TOO_LONG"),
     ("external", {"organisation": "x" * 201}, ["input", "organisation"], "TOO_LONG"),
     ("external", {"externalName": None}, ["input", "personId"], "REQUIRED"),
     ("external", {"personId": "DAVE"}, ["input", "externalName"], "INVALID"),
     ("person", {"organisation": "Acme"}, ["input", "organisation"], "INVALID"),
     ("person", {"personId": "UNKNOWN"}, ["input", "personId"], "NOT_FOUND"),
     ("person", {"personId": "PROJECT"}, ["input", "personId"], "INVALID"),
     ("person", {"personId": "INACTIVE"}, ["input", "personId"], "INVALID"),
     ("person", {"projectId": "UNKNOWN"}, ["input", "projectId"], "NOT_FOUND"),
     ("person", {"projectId": "not-an-id"}, ["input", "projectId"], "INVALID")],
)
async def test_invalid_stakeholder_is_a_user_error_and_writes_nothing(
    api: Api, world: World, sessions: Sessions, make: str, fields: dict[str, Any],
    field: list[str], code: str,
) -> None:
    [inactive] = await add(sessions, Person(email="gone@example.com", full_name="Gone",
                                            active=False))
    replace = {"DAVE": world.gid("Person", world.people["dave"]),
               "UNKNOWN": world.gid("Person" if "personId" in fields else "Project", 999),
               "PROJECT": world.gid("Project", world.alice_project),
               "INACTIVE": world.gid("Person", inactive)}
    fields = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    data = (external if make == "external" else person)(world, **fields)
    data = {k: v for k, v in data.items() if v is not None}
    before = await state(sessions)
    result = await api("alice", CREATE, input=data)
    assert errors(result, "createStakeholder") == [(field, code)]
    assert payload(result, "createStakeholder")["stakeholder"] is None
    assert await state(sessions) == before


async def test_a_person_is_on_a_projects_register_once(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given Dave on Alice's project
    assert errors(await api("alice", CREATE, input=person(world)), "createStakeholder") == []
    before = await state(sessions)
    # when he is added again, in another role
    again = await api("pmo", CREATE, input=person(world, role="Key user"))
    # then that is refused and nothing is written
    assert errors(again, "createStakeholder") == [(["input", "personId"], "DUPLICATE")]
    assert await state(sessions) == before
    # while he may be a stakeholder of another project, and outside parties may share a name
    assert errors(await api("pmo", CREATE, input=person(world, project="bob_project")),
                  "createStakeholder") == []
    for _ in range(2):
        assert errors(await api("alice", CREATE, input=external(world)),
                      "createStakeholder") == []
    assert len(await rows(sessions, Stakeholder)) == 4


async def test_the_database_refuses_the_same_person_twice_on_a_project(
    sessions: Sessions, world: World
) -> None:
    # The unique index stops what the service's check might miss (two requests racing).
    await add(sessions, Stakeholder(project_id=world.alice_project,
                                    person_id=world.people["dave"], role="A"))
    with pytest.raises(sa.exc.IntegrityError):
        await add(sessions, Stakeholder(project_id=world.alice_project,
                                        person_id=world.people["dave"], role="B"))


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_add_a_stakeholder(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    before = await state(sessions)
    result = await api(who, CREATE, input=external(world))
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None
    assert await state(sessions) == before


# --- update -------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["alice", "pmo"])
async def test_manager_or_pmo_updates_a_stakeholder_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    # given an outside party
    stakeholder_id = await existing(sessions, world)
    # when the scores, engagement and notes are changed
    result = await api(who, UPDATE, input={
        "id": world.gid("Stakeholder", stakeholder_id), "influence": 2, "interest": 5,
        "engagementCurrent": "SUPPORTIVE", "notes": "Invite to the demo."})
    # then only the given fields change
    updated = payload(result, "updateStakeholder")
    assert updated["userErrors"] == []
    assert {k: updated["stakeholder"][k] for k in (
        "externalName", "organisation", "role", "influence", "interest", "engagementCurrent",
        "engagementDesired", "notes")} == {
        "externalName": "Grace Hopper", "organisation": "Regulator Ltd", "role": "Regulator",
        "influence": 2, "interest": 5, "engagementCurrent": "SUPPORTIVE",
        "engagementDesired": "SUPPORTIVE", "notes": "Invite to the demo."}
    [audit] = await audits(sessions, stakeholder_id)
    assert (audit.action, audit.actor_id) == ("update", world.people[who])
    assert audit.changes == {
        "engagement_current": {"before": "NEUTRAL", "after": "SUPPORTIVE"},
        "influence": {"before": 4, "after": 2}, "interest": {"before": 2, "after": 5},
        "notes": {"before": None, "after": "Invite to the demo."}}
    [event] = await outbox(sessions)
    assert (event.payload["entity_id"], event.payload["action"]) == (stakeholder_id, "update")


async def test_an_outside_party_becomes_a_person_and_back(
    api: Api, world: World, sessions: Sessions
) -> None:
    stakeholder_id = await existing(sessions, world)
    gid = world.gid("Stakeholder", stakeholder_id)
    # when the outside party turns out to be a colleague
    to_person = await api("alice", UPDATE, input={
        "id": gid, "personId": world.gid("Person", world.people["dave"]),
        "externalName": None, "organisation": None})
    assert errors(to_person, "updateStakeholder") == []
    assert payload(to_person, "updateStakeholder")["stakeholder"]["person"] == {
        "fullName": "Dave"}
    [row] = await rows(sessions, Stakeholder)
    assert (row.person_id, row.external_name, row.organisation) == (
        world.people["dave"], None, None)
    # and back again
    to_external = await api("alice", UPDATE, input={
        "id": gid, "personId": None, "externalName": "Dave Contractor",
        "organisation": "Acme"})
    assert errors(to_external, "updateStakeholder") == []
    [row] = await rows(sessions, Stakeholder)
    assert (row.person_id, row.external_name, row.organisation) == (
        None, "Dave Contractor", "Acme")
    assert [a.action for a in await audits(sessions, stakeholder_id)] == ["update", "update"]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"role": None}, ["input", "role"], "REQUIRED"),
     ({"role": " "}, ["input", "role"], "REQUIRED"),
     ({"influence": None}, ["input", "influence"], "REQUIRED"),
     ({"interest": None}, ["input", "interest"], "REQUIRED"),
     ({"engagementCurrent": None}, ["input", "engagementCurrent"], "REQUIRED"),
     ({"engagementDesired": None}, ["input", "engagementDesired"], "REQUIRED"),
     ({"influence": 6}, ["input", "influence"], "OUT_OF_RANGE"),
     ({"interest": 0}, ["input", "interest"], "OUT_OF_RANGE"),
     ({"externalName": None}, ["input", "externalName"], "REQUIRED"),
     ({"personId": "DAVE"}, ["input", "personId"], "INVALID"),
     ({"personId": "DAVE", "externalName": None}, ["input", "organisation"], "INVALID"),
     ({"personId": "ALICE", "externalName": None, "organisation": None},
      ["input", "personId"], "DUPLICATE"),
     ({"personId": "UNKNOWN", "externalName": None, "organisation": None},
      ["input", "personId"], "NOT_FOUND"),
     ({"id": "UNKNOWN"}, ["input", "id"], "NOT_FOUND"),
     ({"id": "PROJECT"}, ["input", "id"], "INVALID")],
)
async def test_invalid_stakeholder_update_is_a_user_error_and_changes_nothing(
    api: Api, world: World, sessions: Sessions, changes: dict[str, Any], field: list[str],
    code: str,
) -> None:
    # given an outside party, and Alice already on the register
    stakeholder_id = await existing(sessions, world)
    await add(sessions, Stakeholder(project_id=world.alice_project,
                                    person_id=world.people["alice"], role="Manager"))
    replace = {"DAVE": world.gid("Person", world.people["dave"]),
               "ALICE": world.gid("Person", world.people["alice"]),
               "UNKNOWN": world.gid("Stakeholder" if "id" in changes else "Person", 999),
               "PROJECT": world.gid("Project", world.alice_project)}
    changes = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    before = await state(sessions)
    result = await api("alice", UPDATE, input={"id": world.gid("Stakeholder", stakeholder_id),
                                               **changes})
    assert errors(result, "updateStakeholder") == [(field, code)]
    assert payload(result, "updateStakeholder")["stakeholder"] is None
    assert await state(sessions) == before


async def test_an_update_that_changes_nothing_writes_nothing(
    api: Api, world: World, sessions: Sessions
) -> None:
    stakeholder_id = await existing(sessions, world)
    before = await state(sessions)
    [row] = await rows(sessions, Stakeholder)
    result = await api("alice", UPDATE, input={
        "id": world.gid("Stakeholder", stakeholder_id), "externalName": "Grace Hopper",
        "organisation": "Regulator Ltd", "role": " Regulator", "influence": 4, "interest": 2,
        "engagementCurrent": "NEUTRAL", "engagementDesired": "SUPPORTIVE", "notes": None})
    assert errors(result, "updateStakeholder") == []
    assert await state(sessions) == before
    [after] = await rows(sessions, Stakeholder)
    assert after.updated_at == row.updated_at


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_update_or_delete_a_stakeholder(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    gid = world.gid("Stakeholder", await existing(sessions, world))
    before = await state(sessions)
    updated = await api(who, UPDATE, input={"id": gid, "influence": 1})
    deleted = await api(who, DELETE, input={"id": gid})
    assert codes(updated) == codes(deleted) == ["FORBIDDEN"]
    assert await state(sessions) == before


# --- delete -------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["alice", "pmo"])
async def test_manager_or_pmo_deletes_a_stakeholder_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    stakeholder_id = await existing(sessions, world)
    result = await api(who, DELETE, input={"id": world.gid("Stakeholder", stakeholder_id)})
    assert payload(result, "deleteStakeholder") == {
        "stakeholder": {"role": "Regulator", "externalName": "Grace Hopper"},
        "deletedId": world.gid("Stakeholder", stakeholder_id),
        "project": {"code": "PRJ-0001", "stakeholders": {"totalCount": 0}},
        "userErrors": []}
    assert await rows(sessions, Stakeholder) == []
    [audit] = await audits(sessions, stakeholder_id)
    assert (audit.action, audit.actor_id) == ("delete", world.people[who])
    assert audit.changes["external_name"] == {"before": "Grace Hopper", "after": None}
    [event] = await outbox(sessions)
    assert (event.payload["entity_id"], event.payload["action"]) == (stakeholder_id, "delete")
    # and the BI feed learns of the deletion
    [tombstone] = await rows(sessions, DeletedRow, DeletedRow.entity == "Stakeholder")
    assert (tombstone.entity_id, tombstone.project_id) == (stakeholder_id, world.alice_project)


async def test_deleting_an_unknown_stakeholder_is_not_found(api: Api, world: World) -> None:
    result = await api("alice", DELETE, input={"id": world.gid("Stakeholder", 999)})
    assert errors(result, "deleteStakeholder") == [(["input", "id"], "NOT_FOUND")]
    assert payload(result, "deleteStakeholder")["deletedId"] is None


# --- the power/interest map ---------------------------------------------------------------

CLOSE, MONITOR = StakeholderQuadrant.MANAGE_CLOSELY, StakeholderQuadrant.MONITOR
SATISFY, INFORM = StakeholderQuadrant.KEEP_SATISFIED, StakeholderQuadrant.KEEP_INFORMED
# GRID[influence - 1][interest - 1]: influence and interest are high from 3 up.
GRID = [
    [MONITOR, MONITOR, INFORM, INFORM, INFORM],
    [MONITOR, MONITOR, INFORM, INFORM, INFORM],
    [SATISFY, SATISFY, CLOSE, CLOSE, CLOSE],
    [SATISFY, SATISFY, CLOSE, CLOSE, CLOSE],
    [SATISFY, SATISFY, CLOSE, CLOSE, CLOSE],
]


def test_every_cell_of_the_grid_is_in_its_quadrant() -> None:
    assert [[quadrant(influence, interest) for interest in range(1, 6)]
            for influence in range(1, 6)] == GRID


@pytest.mark.parametrize(
    ("current", "desired", "gap"),
    [("UNAWARE", "LEADING", 4), ("RESISTANT", "SUPPORTIVE", 2), ("NEUTRAL", "NEUTRAL", 0),
     ("SUPPORTIVE", "NEUTRAL", -1), ("LEADING", "UNAWARE", -4)],
)
def test_the_engagement_gap_is_desired_minus_current_on_the_ladder(
    current: str, desired: str, gap: int
) -> None:
    assert engagement_gap(Engagement(current), Engagement(desired)) == gap


def _stakeholder(project_id: int, role: str, influence: int, interest: int, current: str,
                 desired: str) -> Stakeholder:
    return Stakeholder(project_id=project_id, external_name=f"{role} person", role=role,
                       influence=influence, interest=interest,
                       engagement_current=Engagement(current),
                       engagement_desired=Engagement(desired))


@pytest.mark.parametrize("who", ["pmo", "alice", "bob", "carol", "ana"])
async def test_the_map_puts_each_stakeholder_in_its_quadrant_largest_gap_first(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    # given stakeholders on each side of the 2/3 boundary, added in this order
    p = world.alice_project
    await add(sessions,
              _stakeholder(p, "B", 3, 2, "NEUTRAL", "SUPPORTIVE"),     # satisfied, gap 1
              _stakeholder(p, "A", 5, 5, "RESISTANT", "LEADING"),     # closely, gap 3
              _stakeholder(p, "C", 2, 3, "UNAWARE", "NEUTRAL"),       # informed, gap 2
              _stakeholder(p, "D", 1, 1, "SUPPORTIVE", "SUPPORTIVE"),  # monitor, gap 0
              _stakeholder(p, "E", 3, 3, "LEADING", "NEUTRAL"),       # closely, gap -2
              _stakeholder(p, "F", 2, 2, "UNAWARE", "SUPPORTIVE"),    # monitor, gap 3
              _stakeholder(p, "G", 4, 1, "NEUTRAL", "SUPPORTIVE"),    # satisfied, gap 1
              _stakeholder(p, "H", 3, 4, "NEUTRAL", "SUPPORTIVE"),    # closely, gap 1
              _stakeholder(world.bob_project, "Other", 5, 5, "UNAWARE", "LEADING"))
    # when anyone who may read stakeholders asks for Alice's project's map
    result = await api(who, MAP, id=world.gid("Project", p))
    assert "errors" not in result, result["errors"]
    entries = result["data"]["node"]["stakeholderMap"]
    # then by gap, largest first; equal gaps by influence, highest first, then as added
    assert [(e["stakeholder"]["role"], e["quadrant"], e["engagementGap"]) for e in entries] == [
        ("A", "MANAGE_CLOSELY", 3),
        ("F", "MONITOR", 3),
        ("C", "KEEP_INFORMED", 2),
        ("G", "KEEP_SATISFIED", 1),
        ("B", "KEEP_SATISFIED", 1),
        ("H", "MANAGE_CLOSELY", 1),
        ("D", "MONITOR", 0),
        ("E", "MANAGE_CLOSELY", -2),
    ]


async def test_maps_of_many_projects_in_one_query(
    api: Api, world: World, sessions: Sessions
) -> None:
    await add(sessions, _stakeholder(world.bob_project, "Ops", 1, 5, "NEUTRAL", "LEADING"))
    result = await api("ana", """{ projects(orderBy: [{field: CODE}]) { nodes {
      code stakeholderMap { stakeholder { role } quadrant engagementGap } } } }""")
    assert "errors" not in result, result["errors"]
    assert result["data"]["projects"]["nodes"] == [
        {"code": "PRJ-0001", "stakeholderMap": []},
        {"code": "PRJ-0002", "stakeholderMap": [
            {"stakeholder": {"role": "Ops"}, "quadrant": "KEEP_INFORMED",
             "engagementGap": 2}]}]
