"""Assumption and dependency mutations through the live GraphQL API.

Each is one audited transaction; a refusal (user error or FORBIDDEN) writes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from schema.base import to_global_id
from server.domain.enums import DependencyStatus
from server.domain.models import Assumption, Dependency
from tests.schema.conftest import Api, World, codes
from tests.schema.raid.conftest import OUTSIDERS, Raid, errors_of

NO_PROJECT = str(to_global_id("Project", 9999))
NO_ASSUMPTION = str(to_global_id("Assumption", 9999))
NO_DEPENDENCY = str(to_global_id("Dependency", 9999))

ASSUMPTION_FIELDS = "id text validated project { code } viewerCanUpdate viewerCanDelete"
DEPENDENCY_FIELDS = """
  id externalName description neededBy status fromProject { code } toProject { code }
  viewerCanUpdate viewerCanDelete
"""

CREATE_ASSUMPTION = f"""
mutation($input: CreateAssumptionInput!) {{
  createAssumption(input: $input) {{
    assumption {{ {ASSUMPTION_FIELDS} }} userErrors {{ field message code }}
  }}
}}"""

UPDATE_ASSUMPTION = f"""
mutation($input: UpdateAssumptionInput!) {{
  updateAssumption(input: $input) {{
    assumption {{ {ASSUMPTION_FIELDS} }} userErrors {{ field message code }}
  }}
}}"""

DELETE_ASSUMPTION = """
mutation($input: DeleteAssumptionInput!) {
  deleteAssumption(input: $input) {
    assumption { id text } deletedId userErrors { field message code }
  }
}"""

CREATE_DEPENDENCY = f"""
mutation($input: CreateDependencyInput!) {{
  createDependency(input: $input) {{
    dependency {{ {DEPENDENCY_FIELDS} }} userErrors {{ field message code }}
  }}
}}"""

UPDATE_DEPENDENCY = f"""
mutation($input: UpdateDependencyInput!) {{
  updateDependency(input: $input) {{
    dependency {{ {DEPENDENCY_FIELDS} }} userErrors {{ field message code }}
  }}
}}"""

DELETE_DEPENDENCY = """
mutation($input: DeleteDependencyInput!) {
  deleteDependency(input: $input) {
    dependency { id externalName } deletedId userErrors { field message code }
  }
}"""


# --- createAssumption ---------------------------------------------------------------------

@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_create_assumption_succeeds_and_is_audited(
    api: Api, world: World, raid: Raid, who: str, project: str
) -> None:
    result = await api(who, CREATE_ASSUMPTION, input={
        "projectId": world.gid("Project", getattr(world, project)),
        "text": "The budget is approved by March"})
    payload = result["data"]["createAssumption"]
    assert payload["userErrors"] == []
    assumption = payload["assumption"]
    assert (assumption["text"], assumption["validated"]) == (
        "The budget is approved by March", False)
    assert assumption["viewerCanUpdate"] is True
    [row] = await raid.all(Assumption)
    assert row.project_id == getattr(world, project)
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "create", "Assumption", row.id, world.people[who])
    assert audit.changes["text"] == {"before": None, "after": "The budget is approved by March"}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"text": ""}, "text", "REQUIRED"),
     ({"text": "  "}, "text", "REQUIRED"),
     ({"projectId": NO_PROJECT}, "projectId", "NOT_FOUND"),
     ({"projectId": "junk"}, "projectId", "INVALID")],
)
async def test_invalid_create_assumption_is_a_user_error_and_writes_nothing(
    api: Api, world: World, raid: Raid, changes: dict[str, Any], field: str, code: str
) -> None:
    result = await api("alice", CREATE_ASSUMPTION, input={
        "projectId": world.gid("Project", world.alice_project), "text": "Budget", **changes})
    payload = result["data"]["createAssumption"]
    assert payload["assumption"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.all(Assumption) == [] and await raid.audits() == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_create_assumption_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    result = await api(who, CREATE_ASSUMPTION, input={
        "projectId": world.gid("Project", world.alice_project), "text": "Budget"})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.all(Assumption) == [] and await raid.audits() == []


# --- updateAssumption ---------------------------------------------------------------------

async def test_update_assumption_marks_it_validated_and_is_audited(
    api: Api, world: World, raid: Raid
) -> None:
    assumption_id = await raid.assumption()
    result = await api("alice", UPDATE_ASSUMPTION, input={
        "id": world.gid("Assumption", assumption_id), "validated": True})
    payload = result["data"]["updateAssumption"]
    assert payload["userErrors"] == []
    assert (payload["assumption"]["text"], payload["assumption"]["validated"]) == (
        "Budget is approved", True)
    row = await raid.get(Assumption, assumption_id)
    assert row is not None and row.validated is True
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id) == (
        "update", "Assumption", assumption_id)
    assert audit.changes == {"validated": {"before": False, "after": True}}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"text": ""}, "text", "REQUIRED"),
     ({"text": None}, "text", "REQUIRED"),
     ({"validated": None}, "validated", "REQUIRED"),
     ({"id": NO_ASSUMPTION}, "id", "NOT_FOUND"),
     ({"id": str(to_global_id("Dependency", 1))}, "id", "INVALID")],
)
async def test_invalid_update_assumption_is_a_user_error_and_changes_nothing(
    api: Api, world: World, raid: Raid, changes: dict[str, Any], field: str, code: str
) -> None:
    assumption_id = await raid.assumption()
    before = await raid.state(Assumption)
    result = await api("alice", UPDATE_ASSUMPTION, input={
        "id": world.gid("Assumption", assumption_id), **changes})
    payload = result["data"]["updateAssumption"]
    assert payload["assumption"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.state(Assumption) == before and await raid.audits() == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_update_assumption_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    assumption_id = await raid.assumption()
    before = await raid.state(Assumption)
    result = await api(who, UPDATE_ASSUMPTION, input={
        "id": world.gid("Assumption", assumption_id), "validated": True})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(Assumption) == before and await raid.audits() == []


# --- deleteAssumption ---------------------------------------------------------------------

async def test_delete_assumption_removes_it_returns_it_and_is_audited(
    api: Api, world: World, raid: Raid
) -> None:
    assumption_id = await raid.assumption()
    gid = world.gid("Assumption", assumption_id)
    result = await api("alice", DELETE_ASSUMPTION, input={"id": gid})
    payload = result["data"]["deleteAssumption"]
    assert payload["userErrors"] == []
    assert payload["assumption"] == {"id": gid, "text": "Budget is approved"}
    assert payload["deletedId"] == gid
    assert await raid.all(Assumption) == []
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "delete", "Assumption", assumption_id, world.people["alice"])
    assert audit.changes["text"] == {"before": "Budget is approved", "after": None}


async def test_delete_assumption_that_does_not_exist_is_not_found(
    api: Api, world: World, raid: Raid
) -> None:
    await raid.assumption()
    result = await api("alice", DELETE_ASSUMPTION, input={"id": NO_ASSUMPTION})
    payload = result["data"]["deleteAssumption"]
    assert (payload["assumption"], payload["deletedId"]) == (None, None)
    assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")]
    assert len(await raid.all(Assumption)) == 1 and await raid.audits() == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_delete_assumption_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    assumption_id = await raid.assumption()
    before = await raid.state(Assumption)
    result = await api(who, DELETE_ASSUMPTION, input={
        "id": world.gid("Assumption", assumption_id)})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(Assumption) == before and await raid.audits() == []


# --- createDependency ---------------------------------------------------------------------

async def test_create_dependency_on_another_project_succeeds_and_is_audited(
    api: Api, world: World, raid: Raid
) -> None:
    result = await api("alice", CREATE_DEPENDENCY, input={
        "fromProjectId": world.gid("Project", world.alice_project),
        "toProjectId": world.gid("Project", world.bob_project),
        "description": "Beta's API", "neededBy": "2026-10-01"})
    payload = result["data"]["createDependency"]
    assert payload["userErrors"] == []
    dependency = payload["dependency"]
    assert dependency["fromProject"] == {"code": "PRJ-0001"}
    assert dependency["toProject"] == {"code": "PRJ-0002"}
    assert (dependency["externalName"], dependency["status"], dependency["neededBy"]) == (
        None, "OPEN", "2026-10-01")
    [row] = await raid.all(Dependency)
    assert (row.from_project_id, row.to_project_id) == (world.alice_project, world.bob_project)
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "create", "Dependency", row.id, world.people["alice"])
    assert audit.changes["to_project_id"] == {"before": None, "after": world.bob_project}


async def test_create_dependency_on_an_external_party_succeeds(
    api: Api, world: World, raid: Raid
) -> None:
    result = await api("pmo", CREATE_DEPENDENCY, input={
        "fromProjectId": world.gid("Project", world.bob_project), "externalName": "Acme Ltd",
        "status": "AT_RISK"})
    dependency = result["data"]["createDependency"]["dependency"]
    assert (dependency["externalName"], dependency["toProject"], dependency["status"]) == (
        "Acme Ltd", None, "AT_RISK")
    [row] = await raid.all(Dependency)
    assert (row.from_project_id, row.external_name) == (world.bob_project, "Acme Ltd")


@pytest.mark.parametrize(
    ("target", "field", "code"),
    [({}, "toProjectId", "REQUIRED"),
     ({"toProjectId": "bob", "externalName": "Acme"}, "toProjectId", "INVALID"),
     ({"toProjectId": "alice"}, "toProjectId", "INVALID"),
     ({"toProjectId": NO_PROJECT}, "toProjectId", "NOT_FOUND"),
     ({"toProjectId": "junk"}, "toProjectId", "INVALID"),
     ({"externalName": ""}, "externalName", "REQUIRED"),
     ({"externalName": "x" * 201}, "externalName", "TOO_LONG"),
     ({"externalName": "Acme", "fromProjectId": NO_PROJECT}, "fromProjectId", "NOT_FOUND")],
)
async def test_invalid_create_dependency_is_a_user_error_and_writes_nothing(
    api: Api, world: World, raid: Raid, target: dict[str, Any], field: str, code: str
) -> None:
    projects = {"alice": world.gid("Project", world.alice_project),
                "bob": world.gid("Project", world.bob_project)}
    target = dict(target)
    if "toProjectId" in target:
        target["toProjectId"] = projects.get(target["toProjectId"], target["toProjectId"])
    result = await api("alice", CREATE_DEPENDENCY, input={
        "fromProjectId": projects["alice"], **target})
    payload = result["data"]["createDependency"]
    assert payload["dependency"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.all(Dependency) == [] and await raid.audits() == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_create_dependency_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    result = await api(who, CREATE_DEPENDENCY, input={
        "fromProjectId": world.gid("Project", world.alice_project), "externalName": "Acme"})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.all(Dependency) == [] and await raid.audits() == []


# --- updateDependency ---------------------------------------------------------------------

async def test_update_dependency_can_switch_its_target_and_is_audited(
    api: Api, world: World, raid: Raid
) -> None:
    # given a dependency on Bob's project
    dependency_id = await raid.dependency(external_name=None, to_project_id=world.bob_project)
    # when Alice points it at an external party instead and marks it at risk
    result = await api("alice", UPDATE_DEPENDENCY, input={
        "id": world.gid("Dependency", dependency_id), "toProjectId": None,
        "externalName": "Acme Ltd", "status": "AT_RISK"})
    payload = result["data"]["updateDependency"]
    assert payload["userErrors"] == []
    dependency = payload["dependency"]
    assert (dependency["toProject"], dependency["externalName"], dependency["status"]) == (
        None, "Acme Ltd", "AT_RISK")
    row = await raid.get(Dependency, dependency_id)
    assert row is not None and (row.to_project_id, row.external_name, row.status) == (
        None, "Acme Ltd", DependencyStatus.AT_RISK)
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id) == (
        "update", "Dependency", dependency_id)
    assert audit.changes == {
        "to_project_id": {"before": world.bob_project, "after": None},
        "external_name": {"before": None, "after": "Acme Ltd"},
        "status": {"before": "OPEN", "after": "AT_RISK"}}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"toProjectId": "bob"}, "toProjectId", "INVALID"),  # external name still set
     ({"externalName": None}, "toProjectId", "REQUIRED"),  # no target left
     ({"externalName": None, "toProjectId": "alice"}, "toProjectId", "INVALID"),
     ({"externalName": None, "toProjectId": NO_PROJECT}, "toProjectId", "NOT_FOUND"),
     ({"status": None}, "status", "REQUIRED"),
     ({"id": NO_DEPENDENCY}, "id", "NOT_FOUND")],
)
async def test_invalid_update_dependency_is_a_user_error_and_changes_nothing(
    api: Api, world: World, raid: Raid, changes: dict[str, Any], field: str, code: str
) -> None:
    projects = {"alice": world.gid("Project", world.alice_project),
                "bob": world.gid("Project", world.bob_project)}
    changes = dict(changes)
    if changes.get("toProjectId") in projects:
        changes["toProjectId"] = projects[changes["toProjectId"]]
    dependency_id = await raid.dependency()
    before = await raid.state(Dependency)
    result = await api("alice", UPDATE_DEPENDENCY, input={
        "id": world.gid("Dependency", dependency_id), **changes})
    payload = result["data"]["updateDependency"]
    assert payload["dependency"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.state(Dependency) == before and await raid.audits() == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_update_dependency_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    dependency_id = await raid.dependency()
    before = await raid.state(Dependency)
    result = await api(who, UPDATE_DEPENDENCY, input={
        "id": world.gid("Dependency", dependency_id), "status": "MET"})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(Dependency) == before and await raid.audits() == []


# --- deleteDependency ---------------------------------------------------------------------

async def test_delete_dependency_removes_it_returns_it_and_is_audited(
    api: Api, world: World, raid: Raid
) -> None:
    dependency_id = await raid.dependency()
    gid = world.gid("Dependency", dependency_id)
    result = await api("pmo", DELETE_DEPENDENCY, input={"id": gid})
    payload = result["data"]["deleteDependency"]
    assert payload["userErrors"] == []
    assert payload["dependency"] == {"id": gid, "externalName": "Acme Ltd"}
    assert payload["deletedId"] == gid
    assert await raid.all(Dependency) == []
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "delete", "Dependency", dependency_id, world.people["pmo"])
    assert audit.changes["external_name"] == {"before": "Acme Ltd", "after": None}


async def test_delete_dependency_that_does_not_exist_is_not_found(
    api: Api, world: World, raid: Raid
) -> None:
    await raid.dependency()
    result = await api("alice", DELETE_DEPENDENCY, input={"id": NO_DEPENDENCY})
    payload = result["data"]["deleteDependency"]
    assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")]
    assert len(await raid.all(Dependency)) == 1 and await raid.audits() == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_delete_dependency_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    dependency_id = await raid.dependency()
    before = await raid.state(Dependency)
    result = await api(who, DELETE_DEPENDENCY, input={
        "id": world.gid("Dependency", dependency_id)})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(Dependency) == before and await raid.audits() == []
