"""Change requests through the live API: drafted by the project's manager, edited while DRAFT,
submitted once; every change audited, every refusal leaves the database as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from server.domain.enums import ChangeRequestStatus
from server.domain.models import ChangeRequest, OutboxEvent
from tests.schema.conftest import Api, World, codes
from tests.schema.control.conftest import Sessions, audits, rows

CREATE = """
mutation($input: CreateChangeRequestInput!) {
  createChangeRequest(input: $input) {
    changeRequest {
      id title description costImpact scheduleImpactDays status version
      requestedBy { fullName } decidedBy { fullName } decidedAt decisionNote
      project { code }
    }
    userErrors { field message code }
  }
}"""

UPDATE = """
mutation($input: UpdateChangeRequestInput!) {
  updateChangeRequest(input: $input) {
    changeRequest {
      id title description costImpact scheduleImpactDays status version createdAt updatedAt
    }
    userErrors { field message code }
  }
}"""

SUBMIT = """
mutation($input: SubmitChangeRequestInput!) {
  submitChangeRequest(input: $input) {
    changeRequest { id status version viewerCanUpdate viewerCanSubmit }
    userErrors { field message code }
  }
}"""

FLAGS = """
query($id: ID!) {
  node(id: $id) {
    ... on ChangeRequest { title viewerCanUpdate viewerCanSubmit viewerCanDecide }
  }
}"""

LIST = """
query($filter: ChangeRequestFilter, $orderBy: [ChangeRequestOrder!], $first: Int,
      $after: String) {
  changeRequests(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges { cursor node { title status costImpact } }
    pageInfo { hasNextPage endCursor }
  }
}"""

NESTED = """
query($id: ID!) {
  node(id: $id) {
    ... on Project {
      code
      changeRequests(filter: {status: [DRAFT]}) { totalCount nodes { title project { code } } }
    }
  }
}"""


async def create(api: Api, world: World, who: str = "alice", project: str = "alice_project",
                 **fields: Any) -> dict[str, Any]:
    """Create a change request through the API; returns the payload."""
    result = await api(who, CREATE, input={
        "projectId": world.gid("Project", getattr(world, project)), "title": "Add SSO",
        **fields})
    return result["data"]["createChangeRequest"]  # type: ignore[no-any-return]


async def draft(api: Api, world: World, **fields: Any) -> tuple[str, int]:
    """A DRAFT change request on Alice's project: (global id, row id)."""
    payload = await create(api, world, **fields)
    assert payload["userErrors"] == []
    gid = payload["changeRequest"]["id"]
    return gid, int(world_id(gid))


def world_id(gid: str) -> int:
    from schema.base import decode_id

    decoded = decode_id(gid, expected="ChangeRequest")
    assert decoded is not None
    return decoded[1]


async def state(sessions: Sessions) -> list[tuple[Any, ...]]:
    """Every change request as (title, cost, days, status, version), and the audit count."""
    found = await rows(sessions, ChangeRequest)
    return [(c.title, c.cost_impact, c.schedule_impact_days, c.status, c.version)
            for c in found] + [("audits", len(await audits(sessions, "ChangeRequest")))]


# --- create ------------------------------------------------------------------------------

async def test_pm_drafts_a_change_request_on_their_project(
    api: Api, world: World, sessions: Sessions
) -> None:
    # when Alice drafts a change request on her project
    payload = await create(api, world, description="Single sign-on for partners",
                           costImpact="12500.50", scheduleImpactDays=14)
    # then it is a DRAFT requested by her, at version 1, undecided
    assert payload["userErrors"] == []
    node = payload["changeRequest"]
    assert node == {
        "id": node["id"], "title": "Add SSO", "description": "Single sign-on for partners",
        "costImpact": "12500.50", "scheduleImpactDays": 14, "status": "DRAFT", "version": 1,
        "requestedBy": {"fullName": "Alice"}, "decidedBy": None, "decidedAt": None,
        "decisionNote": None, "project": {"code": "PRJ-0001"}}
    # and the row and its audit event are in the database
    [row] = await rows(sessions, ChangeRequest)
    assert (row.project_id, row.requested_by_id, row.status, row.cost_impact) == (
        world.alice_project, world.people["alice"], ChangeRequestStatus.DRAFT,
        Decimal("12500.50"))
    [event] = await audits(sessions, "ChangeRequest", row.id)
    assert (event.action, event.actor_id, event.source.value) == (
        "create", world.people["alice"], "GRAPHQL")
    assert event.changes["title"] == {"before": None, "after": "Add SSO"}
    assert event.changes["cost_impact"] == {"before": None, "after": "12500.50"}
    assert event.changes["status"] == {"before": None, "after": "DRAFT"}


async def test_impacts_default_to_zero_and_pmo_may_draft_on_any_project(
    api: Api, world: World, sessions: Sessions
) -> None:
    payload = await create(api, world, who="pmo", project="bob_project")
    assert payload["userErrors"] == []
    node = payload["changeRequest"]
    assert (node["costImpact"], node["scheduleImpactDays"]) == ("0.00", 0)
    assert node["requestedBy"] == {"fullName": "Pmo"}
    assert node["project"] == {"code": "PRJ-0002"}


async def test_negative_impacts_are_savings(api: Api, world: World) -> None:
    payload = await create(api, world, costImpact="-2000", scheduleImpactDays=-5)
    assert payload["userErrors"] == []
    assert payload["changeRequest"]["costImpact"] == "-2000.00"
    assert payload["changeRequest"]["scheduleImpactDays"] == -5


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [({"title": ""}, ["input", "title"], "REQUIRED"),
     ({"title": "x" * 201}, ["input", "title"], "TOO_LONG"),
     ({"costImpact": "10.005"}, ["input", "costImpact"], "INVALID"),
     ({"costImpact": "1000000000000"}, ["input", "costImpact"], "OUT_OF_RANGE"),
     ({"costImpact": "-1000000000000"}, ["input", "costImpact"], "OUT_OF_RANGE"),
     ({"scheduleImpactDays": 3651}, ["input", "scheduleImpactDays"], "OUT_OF_RANGE"),
     ({"scheduleImpactDays": -3651}, ["input", "scheduleImpactDays"], "OUT_OF_RANGE"),
     ({"projectId": "not-an-id"}, ["input", "projectId"], "INVALID"),
     ({"projectId": "UGVyc29uOjE="}, ["input", "projectId"], "INVALID"),  # a Person id
     ({"projectId": "UHJvamVjdDo5OTk="}, ["input", "projectId"], "NOT_FOUND")],  # Project:999
)
async def test_invalid_draft_is_a_user_error_and_creates_nothing(
    api: Api, world: World, sessions: Sessions, fields: dict[str, Any], field: list[str],
    code: str,
) -> None:
    payload = await create(api, world, **fields)
    assert payload["changeRequest"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await state(sessions) == [("audits", 0)]


@pytest.mark.parametrize(
    ("who", "project"),
    [("alice", "bob_project"),    # a PM on another PM's project
     ("carol", "alice_project"),  # the sponsor: decides, never drafts
     ("dave", "bob_project"),     # any executive
     ("ana", "alice_project")],   # an analyst
)
async def test_forbidden_draft_creates_nothing(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    result = await api(who, CREATE, input={
        "projectId": world.gid("Project", getattr(world, project)), "title": "Sneaky"})
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None
    assert await state(sessions) == [("audits", 0)]


# --- update ------------------------------------------------------------------------------

async def test_pm_edits_a_draft_and_the_change_is_audited(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given a draft at version 1
    gid, row_id = await draft(api, world, costImpact="100")
    # when Alice edits its title and cost at that version
    result = await api("alice", UPDATE, input={"id": gid, "version": 1, "title": "Add SAML SSO",
                                               "costImpact": "250.75"})
    # then the draft changes and moves to version 2
    payload = result["data"]["updateChangeRequest"]
    assert payload["userErrors"] == []
    stamps = [datetime.fromisoformat(payload["changeRequest"].pop(k))
              for k in ("createdAt", "updatedAt")]
    assert stamps[0] < stamps[1]
    assert payload["changeRequest"] == {
        "id": gid, "title": "Add SAML SSO", "description": None, "costImpact": "250.75",
        "scheduleImpactDays": 0, "status": "DRAFT", "version": 2}
    assert await state(sessions) == [
        ("Add SAML SSO", Decimal("250.75"), 0, ChangeRequestStatus.DRAFT, 2), ("audits", 2)]
    # and the audit event holds exactly the fields that changed
    update = (await audits(sessions, "ChangeRequest", row_id))[-1]
    assert (update.action, update.actor_id) == ("update", world.people["alice"])
    assert update.changes == {"title": {"before": "Add SSO", "after": "Add SAML SSO"},
                              "cost_impact": {"before": "100.00", "after": "250.75"}}


async def test_description_may_be_cleared_but_title_and_impacts_may_not(
    api: Api, world: World, sessions: Sessions
) -> None:
    gid, _ = await draft(api, world, description="Why")
    cleared = await api("alice", UPDATE, input={"id": gid, "version": 1, "description": None})
    assert cleared["data"]["updateChangeRequest"]["changeRequest"]["description"] is None

    before = await state(sessions)
    for field in ("title", "costImpact", "scheduleImpactDays"):
        result = await api("alice", UPDATE, input={"id": gid, "version": 2, field: None})
        payload = result["data"]["updateChangeRequest"]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", field], "REQUIRED")]
    assert await state(sessions) == before


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [({"title": ""}, ["input", "title"], "REQUIRED"),
     ({"title": "x" * 201}, ["input", "title"], "TOO_LONG"),
     ({"costImpact": "0.001"}, ["input", "costImpact"], "INVALID"),
     ({"scheduleImpactDays": 99999}, ["input", "scheduleImpactDays"], "OUT_OF_RANGE"),
     ({"id": "not-an-id"}, ["input", "id"], "INVALID"),
     ({"id": "Q2hhbmdlUmVxdWVzdDo5OTk="}, ["input", "id"], "NOT_FOUND")],  # ChangeRequest:999
)
async def test_invalid_edit_is_a_user_error_and_changes_nothing(
    api: Api, world: World, sessions: Sessions, fields: dict[str, Any], field: list[str],
    code: str,
) -> None:
    gid, _ = await draft(api, world)
    before = await state(sessions)
    result = await api("alice", UPDATE, input={"id": gid, "version": 1, **fields})
    payload = result["data"]["updateChangeRequest"]
    assert payload["changeRequest"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await state(sessions) == before


async def test_stale_edit_is_a_version_conflict_and_changes_nothing(
    api: Api, world: World, sessions: Sessions
) -> None:
    gid, _ = await draft(api, world)
    first = await api("alice", UPDATE, input={"id": gid, "version": 1, "title": "One"})
    assert first["data"]["updateChangeRequest"]["userErrors"] == []
    before = await state(sessions)
    stale = await api("alice", UPDATE, input={"id": gid, "version": 1, "title": "Two"})
    payload = stale["data"]["updateChangeRequest"]
    assert payload["changeRequest"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "version"], "VERSION_CONFLICT")]
    assert await state(sessions) == before


async def test_a_submitted_request_can_no_longer_be_edited(
    api: Api, world: World, sessions: Sessions
) -> None:
    gid, _ = await draft(api, world)
    submitted = await api("alice", SUBMIT, input={"id": gid, "version": 1})
    assert submitted["data"]["submitChangeRequest"]["userErrors"] == []
    before = await state(sessions)
    result = await api("alice", UPDATE, input={"id": gid, "version": 2, "title": "Too late"})
    payload = result["data"]["updateChangeRequest"]
    assert payload["changeRequest"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["input", "id"], "INVALID")
    assert "SUBMITTED" in error["message"]
    assert await state(sessions) == before


@pytest.mark.parametrize("who", ["bob", "carol", "dave", "ana"])
async def test_forbidden_edit_changes_nothing(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    gid, _ = await draft(api, world)
    before = await state(sessions)
    result = await api(who, UPDATE, input={"id": gid, "version": 1, "title": "Hijacked"})
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None
    assert await state(sessions) == before


# --- submit ------------------------------------------------------------------------------

async def test_pm_submits_a_draft_for_a_decision(
    api: Api, world: World, sessions: Sessions
) -> None:
    gid, row_id = await draft(api, world)
    result = await api("alice", SUBMIT, input={"id": gid, "version": 1})
    payload = result["data"]["submitChangeRequest"]
    assert payload["userErrors"] == []
    assert payload["changeRequest"] == {"id": gid, "status": "SUBMITTED", "version": 2,
                                        "viewerCanUpdate": False, "viewerCanSubmit": False}
    assert await state(sessions) == [
        ("Add SSO", Decimal("0.00"), 0, ChangeRequestStatus.SUBMITTED, 2), ("audits", 2)]
    submit = (await audits(sessions, "ChangeRequest", row_id))[-1]
    assert (submit.action, submit.actor_id) == ("submit", world.people["alice"])
    assert submit.changes == {"status": {"before": "DRAFT", "after": "SUBMITTED"}}
    # submitting stages the event its approvers' webhooks may subscribe to
    assert [e.event_type for e in await rows(sessions, OutboxEvent)] == [
        "change_request.submitted"]


async def test_submitting_twice_is_refused(api: Api, world: World, sessions: Sessions) -> None:
    gid, _ = await draft(api, world)
    await api("alice", SUBMIT, input={"id": gid, "version": 1})
    before = await state(sessions)
    again = await api("alice", SUBMIT, input={"id": gid, "version": 2})
    payload = again["data"]["submitChangeRequest"]
    assert payload["changeRequest"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "id"],
                                                                         "INVALID")]
    assert await state(sessions) == before


async def test_stale_submit_is_a_version_conflict(
    api: Api, world: World, sessions: Sessions
) -> None:
    gid, _ = await draft(api, world)
    await api("alice", UPDATE, input={"id": gid, "version": 1, "title": "Edited"})
    before = await state(sessions)
    stale = await api("alice", SUBMIT, input={"id": gid, "version": 1})
    payload = stale["data"]["submitChangeRequest"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "version"], "VERSION_CONFLICT")]
    assert await state(sessions) == before


@pytest.mark.parametrize(
    ("input_id", "code"),
    [("not-an-id", "INVALID"), ("Q2hhbmdlUmVxdWVzdDo5OTk=", "NOT_FOUND")],
)
async def test_submitting_an_unknown_request_is_a_user_error(
    api: Api, world: World, input_id: str, code: str
) -> None:
    result = await api("alice", SUBMIT, input={"id": input_id, "version": 1})
    payload = result["data"]["submitChangeRequest"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "id"], code)]


@pytest.mark.parametrize("who", ["bob", "carol", "dave", "ana"])
async def test_forbidden_submit_changes_nothing(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    gid, _ = await draft(api, world)
    before = await state(sessions)
    result = await api(who, SUBMIT, input={"id": gid, "version": 1})
    assert codes(result) == ["FORBIDDEN"]
    assert await state(sessions) == before


# --- viewerCan flags ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("who", "on_draft", "on_submitted"),
    [("alice", (True, True, False), (False, False, False)),
     ("bob", (False, False, False), (False, False, False)),
     ("carol", (False, False, False), (False, False, True)),  # Alice's project's sponsor
     ("dave", (False, False, False), (False, False, False)),
     ("ana", (False, False, False), (False, False, False)),
     ("pmo", (True, True, False), (False, False, True))],
)
async def test_viewer_can_flags_follow_the_policies_and_the_status(
    api: Api, world: World, who: str, on_draft: tuple[bool, ...], on_submitted: tuple[bool, ...],
) -> None:
    def flags(result: dict[str, Any]) -> tuple[bool, ...]:
        node = result["data"]["node"]
        return node["viewerCanUpdate"], node["viewerCanSubmit"], node["viewerCanDecide"]

    gid, _ = await draft(api, world)
    assert flags(await api(who, FLAGS, id=gid)) == on_draft
    await api("alice", SUBMIT, input={"id": gid, "version": 1})
    assert flags(await api(who, FLAGS, id=gid)) == on_submitted


async def test_the_portfolio_owner_may_decide_on_a_project_they_do_not_sponsor(
    api: Api, world: World
) -> None:
    payload = await create(api, world, who="bob", project="bob_project")
    gid = payload["changeRequest"]["id"]
    await api("bob", SUBMIT, input={"id": gid, "version": 1})
    carol = await api("carol", FLAGS, id=gid)  # owns the portfolio
    dave = await api("dave", FLAGS, id=gid)
    assert carol["data"]["node"]["viewerCanDecide"] is True
    assert dave["data"]["node"]["viewerCanDecide"] is False


# --- lists -------------------------------------------------------------------------------

async def test_change_requests_are_listed_filtered_and_ordered(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given three requests on two projects by two people, one of them submitted
    sso, _ = await draft(api, world, costImpact="300", description="Partners need SAML")
    await draft(api, world, title="Extra report", costImpact="100")
    bob = await create(api, world, who="bob", project="bob_project", title="Move DC",
                       costImpact="200")
    await api("bob", SUBMIT, input={"id": bob["changeRequest"]["id"], "version": 1})

    async def titles(who: str = "ana", **variables: Any) -> list[str]:
        result = await api(who, LIST, **variables)
        assert "errors" not in result, result
        return [e["node"]["title"] for e in result["data"]["changeRequests"]["edges"]]

    # default: newest first, readable by every role
    assert await titles() == ["Move DC", "Extra report", "Add SSO"]
    assert await titles("carol") == ["Move DC", "Extra report", "Add SSO"]
    assert await titles(filter={"search": "saml"}) == ["Add SSO"]
    assert await titles(filter={"status": ["SUBMITTED"]}) == ["Move DC"]
    assert await titles(filter={"status": ["DRAFT", "APPROVED"]}) == ["Extra report", "Add SSO"]
    assert await titles(filter={"projectIds": [world.gid("Project", world.bob_project)]}) == [
        "Move DC"]
    assert await titles(filter={"requestedByIds": [world.gid("Person", world.people["alice"])]}
                        ) == ["Extra report", "Add SSO"]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert await titles(filter={"updatedSince": future}) == []
    naive_past = (datetime.now(UTC) - timedelta(hours=1)).replace(tzinfo=None).isoformat()
    assert len(await titles(filter={"updatedSince": naive_past})) == 3
    assert await titles(orderBy=[{"field": "COST_IMPACT", "direction": "DESC"}]) == [
        "Add SSO", "Move DC", "Extra report"]
    assert await titles(orderBy=[{"field": "STATUS"}, {"field": "TITLE"}]) == [
        "Add SSO", "Extra report", "Move DC"]
    # keyset paging
    first = await api("ana", LIST, first=2, orderBy=[{"field": "TITLE"}])
    page = first["data"]["changeRequests"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    assert await titles(first=2, after=page["pageInfo"]["endCursor"],
                        orderBy=[{"field": "TITLE"}]) == ["Move DC"]
    # a foreign id in a filter is a client error
    bad = await api("ana", LIST, filter={"projectIds": [sso]})
    assert codes(bad) == ["BAD_USER_INPUT"]


async def test_a_project_lists_its_own_change_requests(api: Api, world: World) -> None:
    await draft(api, world)
    await create(api, world, who="bob", project="bob_project", title="Bob's")
    result = await api("dave", NESTED, id=world.gid("Project", world.alice_project))
    assert result["data"]["node"] == {"code": "PRJ-0001", "changeRequests": {
        "totalCount": 1, "nodes": [{"title": "Add SSO", "project": {"code": "PRJ-0001"}}]}}
