"""createIssue, updateIssue and resolveIssue through the live GraphQL API.

Each is one audited transaction; a refusal (user error or FORBIDDEN) writes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from schema.base import to_global_id
from server.domain.enums import IssueStatus
from server.domain.models import Issue
from tests.schema.conftest import Api, World, codes
from tests.schema.raid.conftest import OUTSIDERS, Raid, errors_of

NO_PROJECT, NO_PERSON = str(to_global_id("Project", 9999)), str(to_global_id("Person", 9999))
NO_ISSUE = str(to_global_id("Issue", 9999))
TODAY = datetime.now(UTC).date()

ISSUE_FIELDS = """
  id title description severity status dueDate resolvedOn resolution version
  owner { fullName } project { code } sourceRisk { id } viewerCanUpdate viewerCanDelete
"""

CREATE = f"""
mutation($input: CreateIssueInput!) {{
  createIssue(input: $input) {{ issue {{ {ISSUE_FIELDS} }} userErrors {{ field message code }} }}
}}"""

UPDATE = f"""
mutation($input: UpdateIssueInput!) {{
  updateIssue(input: $input) {{ issue {{ {ISSUE_FIELDS} }} userErrors {{ field message code }} }}
}}"""

RESOLVE = f"""
mutation($input: ResolveIssueInput!) {{
  resolveIssue(input: $input) {{ issue {{ {ISSUE_FIELDS} }} userErrors {{ field message code }} }}
}}"""


def _new_issue(world: World, **extra: Any) -> dict[str, Any]:
    return {"projectId": world.gid("Project", world.alice_project), "title": "Build broken",
            **extra}


# --- createIssue --------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_create_issue_succeeds_and_is_audited(
    api: Api, world: World, raid: Raid, who: str, project: str
) -> None:
    # when someone who may edit the project logs an issue on it
    result = await api(who, CREATE, input={
        "projectId": world.gid("Project", getattr(world, project)), "title": "Build broken",
        "severity": "HIGH", "ownerId": world.gid("Person", world.people["bob"]),
        "dueDate": "2026-12-01", "description": "CI red since Monday"})
    # then it exists, OPEN, with no resolution and no source risk
    payload = result["data"]["createIssue"]
    assert payload["userErrors"] == []
    issue = payload["issue"]
    assert (issue["title"], issue["severity"], issue["status"], issue["version"]) == (
        "Build broken", "HIGH", "OPEN", 1)
    assert (issue["resolvedOn"], issue["resolution"], issue["sourceRisk"]) == (None, None, None)
    assert issue["owner"] == {"fullName": "Bob"} and issue["dueDate"] == "2026-12-01"
    [row] = await raid.all(Issue)
    assert row.project_id == getattr(world, project)
    # and the audit trail says who logged it
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "create", "Issue", row.id, world.people[who])
    assert audit.changes["severity"] == {"before": None, "after": "HIGH"}


async def test_create_issue_defaults_to_medium_severity(api: Api, world: World) -> None:
    result = await api("alice", CREATE, input=_new_issue(world))
    assert result["data"]["createIssue"]["issue"]["severity"] == "MEDIUM"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"title": ""}, "title", "REQUIRED"),
     ({"title": "x" * 201}, "title", "TOO_LONG"),
     ({"projectId": NO_PROJECT}, "projectId", "NOT_FOUND"),
     ({"projectId": str(to_global_id("Person", 1))}, "projectId", "INVALID"),
     ({"ownerId": NO_PERSON}, "ownerId", "NOT_FOUND")],
)
async def test_invalid_create_issue_is_a_user_error_and_writes_nothing(
    api: Api, world: World, raid: Raid, changes: dict[str, Any], field: str, code: str
) -> None:
    result = await api("alice", CREATE, input=_new_issue(world, **changes))
    payload = result["data"]["createIssue"]
    assert payload["issue"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.all(Issue) == [] and await raid.audits() == []


async def test_create_issue_refuses_an_inactive_owner(api: Api, world: World, raid: Raid) -> None:
    await raid.deactivate("bob")
    result = await api("alice", CREATE, input=_new_issue(
        world, ownerId=world.gid("Person", world.people["bob"])))
    assert errors_of(result["data"]["createIssue"]) == [(["input", "ownerId"], "INVALID")]
    assert await raid.all(Issue) == []


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_create_issue_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    result = await api(who, CREATE, input=_new_issue(world))
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.all(Issue) == [] and await raid.audits() == []


# --- updateIssue --------------------------------------------------------------------------

async def test_update_issue_changes_the_given_fields_and_is_audited(
    api: Api, world: World, raid: Raid
) -> None:
    issue_id = await raid.issue(description="CI red")
    result = await api("alice", UPDATE, input={
        "id": world.gid("Issue", issue_id), "version": 1, "status": "IN_PROGRESS",
        "severity": "CRITICAL", "ownerId": world.gid("Person", world.people["alice"])})
    payload = result["data"]["updateIssue"]
    assert payload["userErrors"] == []
    issue = payload["issue"]
    assert (issue["status"], issue["severity"], issue["description"], issue["version"]) == (
        "IN_PROGRESS", "CRITICAL", "CI red", 2)
    row = await raid.get(Issue, issue_id)
    assert row is not None and (row.status, row.version) == (IssueStatus.IN_PROGRESS, 2)
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id) == ("update", "Issue", issue_id)
    assert audit.changes == {
        "status": {"before": "OPEN", "after": "IN_PROGRESS"},
        "severity": {"before": "MEDIUM", "after": "CRITICAL"},
        "owner_id": {"before": None, "after": world.people["alice"]}}


@pytest.mark.parametrize("status", [IssueStatus.RESOLVED, IssueStatus.CLOSED])
async def test_reopening_an_issue_clears_its_resolution(
    api: Api, world: World, raid: Raid, status: IssueStatus
) -> None:
    issue_id = await raid.issue(status=status, resolution="Patched", resolved_on=TODAY)
    result = await api("alice", UPDATE, input={"id": world.gid("Issue", issue_id), "version": 1,
                                               "status": "OPEN"})
    issue = result["data"]["updateIssue"]["issue"]
    assert (issue["status"], issue["resolution"], issue["resolvedOn"]) == ("OPEN", None, None)
    row = await raid.get(Issue, issue_id)
    assert row is not None and (row.resolution, row.resolved_on) == (None, None)


async def test_a_resolved_issue_can_be_closed_and_its_resolution_corrected(
    api: Api, world: World, raid: Raid
) -> None:
    issue_id = await raid.issue(status=IssueStatus.RESOLVED, resolution="Patchd",
                                resolved_on=TODAY)
    result = await api("alice", UPDATE, input={"id": world.gid("Issue", issue_id), "version": 1,
                                               "status": "CLOSED", "resolution": "Patched"})
    issue = result["data"]["updateIssue"]["issue"]
    assert (issue["status"], issue["resolution"], issue["resolvedOn"]) == (
        "CLOSED", "Patched", TODAY.isoformat())


@pytest.mark.parametrize(
    ("status", "changes", "field", "code"),
    [(IssueStatus.OPEN, {"title": ""}, "title", "REQUIRED"),
     (IssueStatus.OPEN, {"severity": None}, "severity", "REQUIRED"),
     (IssueStatus.OPEN, {"ownerId": NO_PERSON}, "ownerId", "NOT_FOUND"),
     (IssueStatus.OPEN, {"id": NO_ISSUE}, "id", "NOT_FOUND"),
     (IssueStatus.OPEN, {"id": str(to_global_id("Risk", 1))}, "id", "INVALID"),
     # resolving has its own mutation; an open issue has no resolution
     (IssueStatus.IN_PROGRESS, {"status": "RESOLVED"}, "status", "INVALID"),
     (IssueStatus.OPEN, {"resolution": "Done"}, "resolution", "INVALID"),
     (IssueStatus.OPEN, {"resolvedOn": "2026-01-01"}, "resolvedOn", "INVALID"),
     (IssueStatus.RESOLVED, {"status": "OPEN", "resolution": "Again"}, "resolution", "INVALID"),
     (IssueStatus.RESOLVED, {"resolution": None}, "resolution", "REQUIRED"),
     (IssueStatus.RESOLVED,
      {"resolvedOn": (TODAY + timedelta(days=5)).isoformat()}, "resolvedOn", "INVALID"),
     # illegal moves
     (IssueStatus.CLOSED, {"status": "IN_PROGRESS"}, "status", "INVALID"),
     (IssueStatus.CLOSED, {"status": "RESOLVED"}, "status", "INVALID")],
)
async def test_invalid_update_issue_is_a_user_error_and_changes_nothing(
    api: Api, world: World, raid: Raid, status: IssueStatus, changes: dict[str, Any],
    field: str, code: str,
) -> None:
    done = status in {IssueStatus.RESOLVED, IssueStatus.CLOSED}
    issue_id = await raid.issue(status=status, resolution="Patched" if done else None,
                                resolved_on=TODAY if done else None)
    before = await raid.state(Issue)
    result = await api("alice", UPDATE, input={
        "id": world.gid("Issue", issue_id), "version": 1, **changes})
    payload = result["data"]["updateIssue"]
    assert payload["issue"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.state(Issue) == before and await raid.audits() == []


async def test_update_issue_with_a_stale_version_is_a_version_conflict(
    api: Api, world: World, raid: Raid
) -> None:
    issue_id = await raid.issue()
    gid = world.gid("Issue", issue_id)
    first = await api("alice", UPDATE, input={"id": gid, "version": 1, "title": "First"})
    assert first["data"]["updateIssue"]["userErrors"] == []
    stale = await api("alice", UPDATE, input={"id": gid, "version": 1, "title": "Second"})
    payload = stale["data"]["updateIssue"]
    assert payload["issue"] is None
    assert errors_of(payload) == [(["input", "version"], "VERSION_CONFLICT")]
    row = await raid.get(Issue, issue_id)
    assert row is not None and (row.title, row.version) == ("First", 2)
    assert len(await raid.audits()) == 1


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_update_issue_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    issue_id = await raid.issue()
    before = await raid.state(Issue)
    result = await api(who, UPDATE, input={"id": world.gid("Issue", issue_id), "version": 1,
                                           "title": "Hijacked"})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(Issue) == before and await raid.audits() == []


# --- resolveIssue -------------------------------------------------------------------------

@pytest.mark.parametrize("status", [IssueStatus.OPEN, IssueStatus.IN_PROGRESS])
async def test_resolve_issue_records_the_resolution_dated_today_and_is_audited(
    api: Api, world: World, raid: Raid, status: IssueStatus
) -> None:
    issue_id = await raid.issue(status=status)
    result = await api("alice", RESOLVE, input={"id": world.gid("Issue", issue_id),
                                                "version": 1, "resolution": " Rolled back "})
    payload = result["data"]["resolveIssue"]
    assert payload["userErrors"] == []
    issue = payload["issue"]
    assert (issue["status"], issue["resolution"], issue["resolvedOn"], issue["version"]) == (
        "RESOLVED", "Rolled back", TODAY.isoformat(), 2)
    row = await raid.get(Issue, issue_id)
    assert row is not None and (row.status, row.resolved_on) == (IssueStatus.RESOLVED, TODAY)
    [audit] = await raid.audits()
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "resolve", "Issue", issue_id, world.people["alice"])
    assert audit.changes == {
        "status": {"before": status.value, "after": "RESOLVED"},
        "resolution": {"before": None, "after": "Rolled back"},
        "resolved_on": {"before": None, "after": TODAY.isoformat()}}


async def test_resolve_issue_takes_the_date_given(api: Api, world: World, raid: Raid) -> None:
    issue_id = await raid.issue()
    result = await api("pmo", RESOLVE, input={"id": world.gid("Issue", issue_id), "version": 1,
                                              "resolution": "Fixed", "resolvedOn": "2026-03-02"})
    assert result["data"]["resolveIssue"]["issue"]["resolvedOn"] == "2026-03-02"
    row = await raid.get(Issue, issue_id)
    assert row is not None and row.resolved_on == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("status", "changes", "field", "code"),
    [(IssueStatus.OPEN, {"resolution": ""}, "resolution", "REQUIRED"),
     (IssueStatus.OPEN, {"resolution": "   "}, "resolution", "REQUIRED"),
     (IssueStatus.OPEN, {"resolvedOn": (TODAY + timedelta(days=3)).isoformat()},
      "resolvedOn", "INVALID"),
     (IssueStatus.OPEN, {"id": NO_ISSUE}, "id", "NOT_FOUND"),
     (IssueStatus.OPEN, {"version": 2}, "version", "VERSION_CONFLICT"),
     (IssueStatus.RESOLVED, {}, "id", "INVALID"),
     (IssueStatus.CLOSED, {}, "id", "INVALID")],
)
async def test_resolve_issue_refusals_change_nothing(
    api: Api, world: World, raid: Raid, status: IssueStatus, changes: dict[str, Any],
    field: str, code: str,
) -> None:
    issue_id = await raid.issue(status=status)
    before = await raid.state(Issue)
    result = await api("alice", RESOLVE, input={
        "id": world.gid("Issue", issue_id), "version": 1, "resolution": "Fixed", **changes})
    payload = result["data"]["resolveIssue"]
    assert payload["issue"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await raid.state(Issue) == before and await raid.audits() == []


async def test_resolve_issue_without_a_resolution_is_refused_by_the_schema(
    api: Api, world: World, raid: Raid
) -> None:
    issue_id = await raid.issue()
    result = await api("alice", RESOLVE, input={"id": world.gid("Issue", issue_id),
                                                "version": 1})
    assert result["data"] is None and "resolution" in result["errors"][0]["message"]
    row = await raid.get(Issue, issue_id)
    assert row is not None and row.status == IssueStatus.OPEN


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_resolve_issue_is_forbidden_outside_ones_projects(
    api: Api, world: World, raid: Raid, who: str
) -> None:
    issue_id = await raid.issue()
    before = await raid.state(Issue)
    result = await api(who, RESOLVE, input={"id": world.gid("Issue", issue_id), "version": 1,
                                            "resolution": "Fixed"})
    assert codes(result) == ["FORBIDDEN"]
    assert await raid.state(Issue) == before and await raid.audits() == []
