"""The audit trail through the live API: every change made through GraphQL can be found again
by the entity it touched, the person who made it, the face it came through and its time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.domain.enums import AuditSource
from server.domain.models import AuditEvent
from tests.schema.conftest import Api, World, codes
from tests.schema.control.conftest import Sessions

TRAIL = """
query($filter: AuditEventFilter, $orderBy: [AuditEventOrder!], $first: Int, $after: String) {
  auditEvents(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { action entityType entityId source actor { fullName } changes }
  }
}"""

NODE = """query($id: ID!) { node(id: $id) { id ... on ChangeRequest { title } } }"""

AUDIT_NODE = """
query($id: ID!) { node(id: $id) { ... on AuditEvent { action entityType changes } } }"""

CREATE_CR = """
mutation($input: CreateChangeRequestInput!) {
  createChangeRequest(input: $input) { changeRequest { id } userErrors { code } }
}"""

UPDATE_CR = """
mutation($input: UpdateChangeRequestInput!) {
  updateChangeRequest(input: $input) { userErrors { code } }
}"""

SUBMIT_CR = """
mutation($input: SubmitChangeRequestInput!) {
  submitChangeRequest(input: $input) { userErrors { code } }
}"""

UPDATE_PROJECT = """
mutation($input: UpdateProjectInput!) { updateProject(input: $input) { userErrors { code } } }"""

SUBMIT_REPORT = """
mutation($input: SubmitStatusReportInput!) {
  submitStatusReport(input: $input) { statusReport { id } userErrors { code } }
}"""

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


async def trail(api: Api, who: str = "pmo", **variables: Any) -> dict[str, Any]:
    """The auditEvents connection as ``who`` sees it (no errors expected)."""
    result = await api(who, TRAIL, **variables)
    assert "errors" not in result, result
    return result["data"]["auditEvents"]  # type: ignore[no-any-return]


async def actions(api: Api, who: str = "pmo", **variables: Any) -> list[tuple[str, str]]:
    """(action, entity type) of each event, in the order listed."""
    return [(n["action"], n["entityType"]) for n in (await trail(api, who, **variables))["nodes"]]


async def make_changes(api: Api, world: World) -> dict[str, str]:
    """Alice drafts, edits and submits a change request; the PMO edits Bob's project; Bob
    submits a status report. Returns the global ids of what changed."""
    created = await api("alice", CREATE_CR, input={
        "projectId": world.gid("Project", world.alice_project), "title": "Add SSO"})
    cr = created["data"]["createChangeRequest"]["changeRequest"]["id"]
    for mutation, variables in [
        (UPDATE_CR, {"id": cr, "version": 1, "title": "Add SAML SSO"}),
        (SUBMIT_CR, {"id": cr, "version": 2}),
    ]:
        result = await api("alice", mutation, input=variables)
        assert "errors" not in result and not next(iter(result["data"].values()))["userErrors"]
    project = world.gid("Project", world.bob_project)
    renamed = await api("pmo", UPDATE_PROJECT, input={"id": project, "version": 1,
                                                       "name": "Beta II"})
    assert renamed["data"]["updateProject"]["userErrors"] == []
    submitted = await api("bob", SUBMIT_REPORT, input={
        "projectId": project, "periodEnd": "2026-03-31", "overall": "GREEN",
        "schedule": "GREEN", "cost": "GREEN", "scope": "GREEN", "risk": "GREEN",
        "summary": "On track"})
    report = submitted["data"]["submitStatusReport"]["statusReport"]["id"]
    return {"change_request": cr, "project": project, "report": report}


async def add_events(sessions: Sessions, world: World,
                     events: list[tuple[timedelta, AuditSource, str, str]]) -> None:
    """Audit rows written directly, as the console and the CLI do: (offset from T0, source,
    action, entity type), each about entity 1, by the PMO."""
    async with sessions() as s, s.begin():
        for offset, source, action, entity_type in events:
            s.add(AuditEvent(at=T0 + offset, actor_id=world.people["pmo"], source=source,
                             action=action, entity_type=entity_type, entity_id=1,
                             changes={"name": {"before": "a", "after": "b"}}))


async def test_the_trail_of_one_entity_is_found_by_its_global_id(
    api: Api, world: World
) -> None:
    # given changes made through the API to a change request and to a project
    ids = await make_changes(api, world)
    # when the trail of the change request is asked for by its global id
    page = await trail(api, filter={"entityId": ids["change_request"]})
    # then its three changes come back, newest first, each pointing back at it
    assert page["totalCount"] == 3
    assert [n["action"] for n in page["nodes"]] == ["submit", "update", "create"]
    assert {(n["entityType"], n["entityId"], n["source"]) for n in page["nodes"]} == {
        ("ChangeRequest", ids["change_request"], "GRAPHQL")}
    assert {n["actor"]["fullName"] for n in page["nodes"]} == {"Alice"}
    submit, update, create = (n["changes"] for n in page["nodes"])
    assert submit == {"status": {"before": "DRAFT", "after": "SUBMITTED"}}
    assert update == {"title": {"before": "Add SSO", "after": "Add SAML SSO"}}
    assert create["title"] == {"before": None, "after": "Add SSO"}
    # and the entity id leads back to the object through node(id:)
    node = await api("pmo", NODE, id=page["nodes"][0]["entityId"])
    assert node["data"]["node"] == {"id": ids["change_request"], "title": "Add SAML SSO"}
    # the project's and the report's trails are their own
    assert await actions(api, filter={"entityId": ids["project"]}) == [("update", "Project")]
    assert await actions(api, filter={"entityId": ids["report"]}) == [
        ("submit", "StatusReport")]
    assert await actions(api, filter={"entityId": world.gid("Project", world.alice_project)}
                         ) == []


async def test_the_trail_is_filtered_by_actor(api: Api, world: World) -> None:
    await make_changes(api, world)
    by = {who: await actions(api, filter={"actorId": world.gid("Person", world.people[who])})
          for who in ("alice", "bob", "pmo", "carol")}
    assert by == {
        "alice": [("submit", "ChangeRequest"), ("update", "ChangeRequest"),
                  ("create", "ChangeRequest")],
        "bob": [("submit", "StatusReport")],
        "pmo": [("update", "Project")],
        "carol": [],
    }
    # filters combine
    assert await actions(api, filter={
        "actorId": world.gid("Person", world.people["alice"]), "entityId": world.gid(
            "Project", world.bob_project)}) == []


async def test_the_trail_is_filtered_by_source_and_time(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given console and CLI changes at known times, and API changes made now
    await add_events(sessions, world, [
        (timedelta(hours=0), AuditSource.ADMIN, "create", "GovernanceTemplate"),
        (timedelta(hours=1), AuditSource.CLI, "create", "Person"),
        (timedelta(hours=2), AuditSource.ADMIN, "update", "GovernanceTemplate"),
        (timedelta(hours=3), AuditSource.CLI, "update", "Person"),
    ])
    await make_changes(api, world)
    # by source
    assert await actions(api, filter={"source": "ADMIN"}) == [
        ("update", "GovernanceTemplate"), ("create", "GovernanceTemplate")]
    assert await actions(api, filter={"source": "CLI"}) == [
        ("update", "Person"), ("create", "Person")]
    assert len(await actions(api, filter={"source": "GRAPHQL"})) == 5
    # by time: both bounds inclusive
    window = {"from": (T0 + timedelta(hours=1)).isoformat(),
              "to": (T0 + timedelta(hours=2)).isoformat()}
    assert await actions(api, filter=window) == [
        ("update", "GovernanceTemplate"), ("create", "Person")]
    assert await actions(api, filter={"to": T0.isoformat()}) == [
        ("create", "GovernanceTemplate")]
    assert len(await actions(api, filter={"from": (T0 + timedelta(days=1)).isoformat()})) == 5
    assert await actions(api, filter={**window, "source": "CLI"}) == [("create", "Person")]
    # an offset other than UTC means the same instant
    later = (T0 + timedelta(hours=3)).astimezone(UTC).replace(tzinfo=None).isoformat()
    assert await actions(api, filter={"from": later + "+00:00", "to": later + "Z"}) == [
        ("update", "Person")]
    assert await actions(api, filter={"from": "2026-01-10T13:00:00+01:00",
                                      "to": "2026-01-10T14:00:00+02:00"}) == [
        ("update", "Person")]
    # a time without an offset is UTC
    assert await actions(api, filter={"from": "2026-01-10T12:00:00",
                                      "to": "2026-01-10T12:00:00"}) == [("update", "Person")]


async def test_default_order_is_newest_first_and_the_trail_pages(
    api: Api, world: World, sessions: Sessions
) -> None:
    await add_events(sessions, world, [
        (timedelta(hours=h), AuditSource.CLI, f"step{h}", "Person") for h in (2, 0, 1, 3)])
    assert await actions(api) == [(f"step{h}", "Person") for h in (3, 2, 1, 0)]
    assert await actions(api, orderBy=[{"field": "AT", "direction": "ASC"}]) == [
        (f"step{h}", "Person") for h in (0, 1, 2, 3)]
    first = await trail(api, first=3)
    assert first["pageInfo"]["hasNextPage"] is True and first["totalCount"] == 4
    rest = await trail(api, first=3, after=first["pageInfo"]["endCursor"])
    assert [n["action"] for n in rest["nodes"]] == ["step0"]
    assert rest["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("filter_", "message"),
    [({"entityId": "garbage"}, "entityId"),
     ({"actorId": "UHJvamVjdDox"}, "actorId"),  # Project:1 is not a person
     ({"actorId": "garbage"}, "actorId")],
)
async def test_an_id_that_is_not_one_is_a_client_error(
    api: Api, world: World, filter_: dict[str, Any], message: str
) -> None:
    result = await api("pmo", TRAIL, filter=filter_)
    assert codes(result) == ["BAD_USER_INPUT"]
    assert message in result["errors"][0]["message"]


@pytest.mark.parametrize(("who", "allowed"), [("pmo", True), ("alice", True), ("carol", True),
                                              ("ana", False)])
async def test_the_trail_is_closed_to_analysts(
    api: Api, world: World, who: str, allowed: bool
) -> None:
    await make_changes(api, world)
    result = await api(who, TRAIL)
    if allowed:
        assert result["data"]["auditEvents"]["totalCount"] == 5
    else:
        assert result["data"] is None and codes(result) == ["FORBIDDEN"]


async def test_entries_about_objects_the_viewer_may_not_read_are_left_out(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given a console change to an API token (only the PMO may read tokens)
    await add_events(sessions, world, [(timedelta(0), AuditSource.ADMIN, "revoke", "ApiToken")])
    await make_changes(api, world)
    # then the PMO sees it in the trail and a PM does not
    assert ("revoke", "ApiToken") in await actions(api, "pmo")
    assert ("revoke", "ApiToken") not in await actions(api, "alice")
    assert (await trail(api, "alice"))["totalCount"] == 5
    # and fetched by id it is not there for the PM either: node(id:) answers as the list
    async with sessions() as s:
        from sqlalchemy import select

        token_event = (await s.exec(select(AuditEvent).where(  # type: ignore[call-overload]
            AuditEvent.entity_type == "ApiToken"))).scalars().one()
    gid = world.gid("AuditEvent", token_event.id)
    denied = await api("alice", AUDIT_NODE, id=gid)
    assert denied["data"]["node"] is None
    assert codes(denied) == ["FORBIDDEN"]
    allowed = await api("pmo", AUDIT_NODE, id=gid)
    assert allowed["data"]["node"]["changes"] == {"name": {"before": "a", "after": "b"}}


async def test_restricted_fields_are_left_out_of_the_changes(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given a console change to a person's title and cost rate
    async with sessions() as s, s.begin():
        s.add(AuditEvent(actor_id=world.people["pmo"], source=AuditSource.ADMIN,
                         action="update", entity_type="Person", entity_id=world.people["bob"],
                         changes={"title": {"before": None, "after": "Lead"},
                                  "cost_rate": {"before": "120.00", "after": "140.00"}}))
    person = world.gid("Person", world.people["bob"])
    # then only the PMO sees the cost rate in the trail
    [pmo] = (await trail(api, "pmo", filter={"entityId": person}))["nodes"]
    [pm] = (await trail(api, "alice", filter={"entityId": person}))["nodes"]
    assert set(pmo["changes"]) == {"title", "cost_rate"}
    assert pm["changes"] == {"title": {"before": None, "after": "Lead"}}
