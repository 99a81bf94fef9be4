"""Through the live GraphQL API, each role may do what the policies allow and nothing more.

A refused write is a FORBIDDEN error and leaves the database exactly as it was.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.auth import api_tokens, roles
from server.domain.auth.models import CasbinRule
from server.domain.enums import Role
from server.domain.models import AuditEvent, Project
from tests.schema.conftest import Api, World, codes

UPDATE = """
mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) {
    project { id name version }
    userErrors { field message code }
  }
}"""

CREATE = """
mutation($input: CreateProjectInput!) {
  createProject(input: $input) {
    project { id code name manager { fullName } }
    userErrors { field message code }
  }
}"""

NODE_PROJECT = """
query($id: ID!) {
  node(id: $id) {
    ... on Project {
      name viewerCanUpdate viewerCanDelete
      manager { fullName email costRate }
      portfolio { name owner { fullName } }
    }
  }
}"""

Sessions = async_sessionmaker[AsyncSession]


async def project_state(sessions: Sessions, project_id: int) -> tuple[str, int, int]:
    """(name, version, audit events about it)."""
    async with sessions() as s:
        project = await s.get(Project, project_id)
        assert project is not None
        audits = (await s.exec(sa.select(sa.func.count()).select_from(AuditEvent).where(  # type: ignore[call-overload]
            AuditEvent.entity_type == "Project", AuditEvent.entity_id == project_id))).scalar_one()
        return project.name, project.version, audits


async def count_projects(sessions: Sessions) -> int:
    async with sessions() as s:
        return (await s.exec(sa.select(sa.func.count()).select_from(Project))).scalar_one()  # type: ignore[call-overload]


@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_allowed_project_edit_succeeds_and_is_audited(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    # given a project the caller may edit
    project_id = getattr(world, project)
    # when they rename it at the version they read
    result = await api(who, UPDATE, input={"id": world.gid("Project", project_id), "version": 1,
                                           "name": "Renamed"})
    # then it changes, the version moves, and an audit event records it
    payload = result["data"]["updateProject"]
    assert payload["userErrors"] == []
    assert payload["project"]["name"] == "Renamed" and payload["project"]["version"] == 2
    assert await project_state(sessions, project_id) == ("Renamed", 2, 1)
    async with sessions() as s:
        event = (await s.exec(sa.select(AuditEvent))).scalars().one()  # type: ignore[call-overload]
    assert event.actor_id == world.people[who]
    assert event.changes["name"] == {"before": "Alpha" if who == "alice" else "Beta",
                                     "after": "Renamed"}


@pytest.mark.parametrize(
    ("who", "project"),
    [("alice", "bob_project"),   # a PM editing another PM's project
     ("carol", "alice_project"),  # an executive editing a project they sponsor
     ("dave", "bob_project"),     # an executive editing any project
     ("ana", "alice_project")],   # an analyst running a mutation
)
async def test_forbidden_project_edit_changes_nothing(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    project_id = getattr(world, project)
    before = await project_state(sessions, project_id)
    result = await api(who, UPDATE, input={"id": world.gid("Project", project_id), "version": 1,
                                           "name": "Hijacked"})
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None
    assert await project_state(sessions, project_id) == before


@pytest.mark.parametrize("who", ["ana", "carol"])
async def test_analyst_and_executive_cannot_create_projects(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    before = await count_projects(sessions)
    result = await api(who, CREATE, input={"name": "Sneaky", "portfolioId":
                                           world.gid("Portfolio", world.portfolio)})
    assert codes(result) == ["FORBIDDEN"]
    assert await count_projects(sessions) == before


async def test_pm_creates_a_project_as_its_manager_but_not_for_someone_else(
    api: Api, world: World, sessions: Sessions
) -> None:
    portfolio_id = world.gid("Portfolio", world.portfolio)
    created = await api("alice", CREATE, input={"name": "Gamma", "portfolioId": portfolio_id})
    payload = created["data"]["createProject"]
    assert payload["userErrors"] == []
    assert payload["project"]["manager"]["fullName"] == "Alice"
    assert payload["project"]["code"].startswith("PRJ-")

    before = await count_projects(sessions)
    for_bob = await api("alice", CREATE, input={
        "name": "Delta", "portfolioId": portfolio_id,
        "managerId": world.gid("Person", world.people["bob"])})
    assert codes(for_bob) == ["FORBIDDEN"]
    assert await count_projects(sessions) == before


async def test_pm_reading_a_cost_rate_through_a_nested_path_gets_null_and_forbidden(
    api: Api, world: World
) -> None:
    result = await api("alice", NODE_PROJECT, id=world.gid("Project", world.bob_project))
    project = result["data"]["node"]
    # the rest of the query still returns
    assert project["name"] == "Beta"
    assert project["manager"]["fullName"] == "Bob"
    assert project["manager"]["email"] == "bob@example.com"
    assert project["portfolio"]["owner"]["fullName"] == "Carol"
    # the cost rate is null, with a FORBIDDEN error at its path
    assert project["manager"]["costRate"] is None
    [error] = result["errors"]
    assert error["path"] == ["node", "manager", "costRate"]
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_analyst_cannot_read_email_and_pmo_reads_everything(api: Api, world: World) -> None:
    analyst = await api("ana", NODE_PROJECT, id=world.gid("Project", world.alice_project))
    manager = analyst["data"]["node"]["manager"]
    assert manager["email"] is None and manager["costRate"] is None
    assert sorted(tuple(e["path"]) for e in analyst["errors"]) == [
        ("node", "manager", "costRate"), ("node", "manager", "email")]
    assert set(codes(analyst)) == {"FORBIDDEN"}

    pmo = await api("pmo", NODE_PROJECT, id=world.gid("Project", world.alice_project))
    assert "errors" not in pmo
    assert pmo["data"]["node"]["manager"]["costRate"] == "120.00"


@pytest.mark.parametrize(
    ("who", "project", "can_update", "can_delete"),
    [("alice", "alice_project", True, False), ("alice", "bob_project", False, False),
     ("carol", "alice_project", False, False), ("ana", "alice_project", False, False),
     ("pmo", "bob_project", True, False)],  # no mutation deletes a project
)
async def test_viewer_can_flags_follow_the_policies(
    api: Api, world: World, who: str, project: str, can_update: bool, can_delete: bool
) -> None:
    result = await api(who, NODE_PROJECT, id=world.gid("Project", getattr(world, project)))
    node = result["data"]["node"]
    assert (node["viewerCanUpdate"], node["viewerCanDelete"]) == (can_update, can_delete)


@pytest.mark.parametrize(("who", "allowed"), [("pmo", True), ("alice", False), ("carol", False),
                                              ("ana", False)])
async def test_fetching_an_api_token_through_node_is_pmo_only(
    api: Api, world: World, sessions: Sessions, who: str, allowed: bool
) -> None:
    async with sessions() as s, s.begin():
        token, _secret = await api_tokens.create(s, name="bi-connector",
                                                 owner_email="ana@example.com", expires_at=None)
    result = await api(who, "query($id: ID!) { node(id: $id) { ... on ApiToken { name } } }",
                       id=world.gid("ApiToken", token.id))  # type: ignore[arg-type]
    if allowed:
        assert result["data"]["node"] == {"name": "bi-connector"}
    else:
        assert result["data"]["node"] is None
        assert codes(result) == ["FORBIDDEN"]


async def test_stale_version_is_a_version_conflict_and_changes_nothing(
    api: Api, world: World, sessions: Sessions
) -> None:
    gid = world.gid("Project", world.alice_project)
    first = await api("alice", UPDATE, input={"id": gid, "version": 1, "name": "One"})
    assert first["data"]["updateProject"]["userErrors"] == []
    stale = await api("alice", UPDATE, input={"id": gid, "version": 1, "name": "Two"})
    assert stale["data"]["updateProject"]["project"] is None
    [error] = stale["data"]["updateProject"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "version"], "VERSION_CONFLICT")
    assert (await project_state(sessions, world.alice_project))[:2] == ("One", 2)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"priority": 9}, ["input", "priority"], "OUT_OF_RANGE"),
     ({"percentComplete": -1}, ["input", "percentComplete"], "OUT_OF_RANGE"),
     ({"budgetAtCompletion": "-5"}, ["input", "budgetAtCompletion"], "OUT_OF_RANGE"),
     ({"name": ""}, ["input", "name"], "REQUIRED"),
     ({"name": "   "}, ["input", "name"], "REQUIRED"),
     ({"name": "two\nlines"}, ["input", "name"], "INVALID"),
     ({"sponsorId": "not-an-id"}, ["input", "sponsorId"], "INVALID"),
     ({"plannedStart": "2026-05-01", "plannedFinish": "2026-04-01"},
      ["input", "plannedFinish"], "INVALID")],
)
async def test_invalid_update_is_a_user_error_and_changes_nothing(
    api: Api, world: World, sessions: Sessions, changes: dict[str, Any], field: list[str],
    code: str,
) -> None:
    before = await project_state(sessions, world.alice_project)
    result = await api("alice", UPDATE, input={
        "id": world.gid("Project", world.alice_project), "version": 1, **changes})
    payload = result["data"]["updateProject"]
    assert payload["project"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await project_state(sessions, world.alice_project) == before


async def test_role_change_in_the_database_applies_on_the_next_request(
    api: Api, world: World, sessions: Sessions
) -> None:
    gid = world.gid("Project", world.alice_project)
    assert (await api("alice", NODE_PROJECT, id=gid))["data"]["node"]["viewerCanUpdate"] is True
    # when Alice's pm role is replaced by analyst in the database (no restart)
    async with sessions() as s, s.begin():
        subject = f"person:{world.people['alice']}"
        await s.exec(sa.delete(CasbinRule).where(CasbinRule.v0 == subject))  # type: ignore[call-overload]
        await roles.assign(s, person_id=world.people["alice"], role=Role.ANALYST)
    # then her very next request has analyst rights only
    result = await api("alice", UPDATE, input={"id": gid, "version": 1, "name": "Nope"})
    assert codes(result) == ["FORBIDDEN"]
    viewer = await api("alice", "{ viewer { roles } }")
    assert viewer["data"]["viewer"]["roles"] == ["analyst"]


async def test_viewer_returns_the_caller(api: Api, world: World) -> None:
    result = await api("carol", "{ viewer { email fullName roles person { id fullName } } }")
    # The viewer carries no id of its own: the caller's Person does (Relay stores objects by
    # id, so a Viewer with the Person's id would be merged with the Person)
    assert result["data"]["viewer"] == {
        "email": "carol@example.com", "fullName": "Carol", "roles": ["executive"],
        "person": {"id": world.gid("Person", world.people["carol"]), "fullName": "Carol"}}


async def test_text_longer_than_its_column_is_a_user_error_and_nothing_changes(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Project.name holds 200 characters: 201 is refused before the database sees it (on
    # PostgreSQL it would fail the statement, on SQLite it would be stored).
    gid = world.gid("Project", world.alice_project)
    result = await api("alice", UPDATE, input={"id": gid, "version": 1, "name": "x" * 201})
    payload = result["data"]["updateProject"]
    assert payload["project"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == \
        [(["input", "name"], "TOO_LONG")]
    assert await project_state(sessions, world.alice_project) == ("Alpha", 1, 0)
    ok = await api("alice", UPDATE, input={"id": gid, "version": 1, "name": "x" * 200})
    assert ok["data"]["updateProject"]["userErrors"] == []
