"""markNotificationsRead and setNotificationPreference: only the viewer's own rows, as
node(id:) treats them (somebody else's is FORBIDDEN), audited, refusals write nothing."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.enums import NotificationChannel
from server.domain.models import AuditEvent, Notification, NotificationPreference
from tests.schema.collaboration.conftest import Collab
from tests.schema.conftest import Api, World, codes

MARK = """
mutation($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) { count userErrors { field message code } }
}"""
SET = """
mutation($input: SetNotificationPreferenceInput!) {
  setNotificationPreference(input: $input) {
    notificationPreference { kind channel enabled person { fullName } }
    userErrors { field message code }
  }
}"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""


def _payload(result: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in result, result["errors"]
    return result["data"][name]  # type: ignore[no-any-return]


async def _read(collab: Collab) -> dict[int, bool]:
    return {row.id: row.read_at is not None for row in await collab.rows(Notification)}


@pytest.mark.parametrize("who", ["alice", "carol", "ana", "pmo"])
async def test_every_role_marks_its_own_notifications_read_audited(
    api: Api, world: World, collab: Collab, who: str
) -> None:
    # given two unread notifications of the viewer and one of Bob's
    mine = [await collab.notification(who), await collab.notification(who)]
    bobs = await collab.notification("bob")
    # when the viewer marks the first read, naming it twice
    gid = world.gid("Notification", mine[0])
    result = await api(who, MARK, input={"ids": [gid, gid]})
    # then one is marked, and audited as theirs
    assert _payload(result, "markNotificationsRead") == {"count": 1, "userErrors": []}
    assert await _read(collab) == {mine[0]: True, mine[1]: False, bobs: False}
    [audit] = await collab.rows(AuditEvent)
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "update", "Notification", mine[0], world.people[who])
    assert audit.changes["read_at"]["before"] is None
    # and all: true marks the rest of theirs only; already read ones do not count
    result = await api(who, MARK, input={"all": True})
    assert _payload(result, "markNotificationsRead")["count"] == 1
    assert await _read(collab) == {mine[0]: True, mine[1]: True, bobs: False}
    again = await api(who, MARK, input={"ids": [gid]})
    assert _payload(again, "markNotificationsRead")["count"] == 0


@pytest.mark.parametrize("who", ["alice", "carol", "ana"])
async def test_somebody_else_s_notification_is_forbidden_as_node_says(
    api: Api, world: World, collab: Collab, who: str
) -> None:
    # given one of the viewer's notifications and one of Bob's, and an id that is nothing
    mine = await collab.notification(who)
    bobs = world.gid("Notification", await collab.notification("bob"))
    missing = world.gid("Notification", 9_999)
    before = await collab.state()
    for other in (bobs, missing):
        # when the viewer marks theirs and the other one
        result = await api(who, MARK, input={"ids": [world.gid("Notification", mine), other]})
        # then it is FORBIDDEN, as reading the other through node(id:) is, and nothing changes
        assert codes(result) == ["FORBIDDEN"]
        assert codes(await api(who, NODE, id=other)) == ["FORBIDDEN"]
        assert await collab.state() == before


async def test_the_pmo_is_told_a_missing_notification_is_not_there(
    api: Api, world: World, collab: Collab
) -> None:
    before = await collab.state()
    result = await api("pmo", MARK, input={"ids": [world.gid("Notification", 9_999)]})
    assert [(e["field"], e["code"]) for e in result["data"]["markNotificationsRead"][
        "userErrors"]] == [(["input", "ids", "0"], "NOT_FOUND")]
    assert await collab.state() == before


@pytest.mark.parametrize(("values", "field", "code"), [
    ({}, ["input", "ids"], "REQUIRED"),
    ({"ids": []}, ["input", "ids"], "REQUIRED"),
    ({"ids": ["MINE"], "all": True}, ["input", "ids"], "INVALID"),
    ({"ids": ["MINE", "not-an-id"]}, ["input", "ids", "1"], "INVALID"),
    ({"ids": ["PROJECT"]}, ["input", "ids", "0"], "INVALID"),
])
async def test_bad_input_is_a_user_error_and_marks_nothing(
    api: Api, world: World, collab: Collab, values: dict[str, Any], field: list[str],
    code: str,
) -> None:
    mine = world.gid("Notification", await collab.notification("alice"))
    project = world.gid("Project", world.alice_project)
    if "ids" in values:
        values = {**values, "ids": [{"MINE": mine, "PROJECT": project}.get(v, v)
                                    for v in values["ids"]]}
    before = await collab.state()
    result = await api("alice", MARK, input=values)
    payload = _payload(result, "markNotificationsRead")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert payload["count"] == 0
    assert await collab.state() == before


@pytest.mark.parametrize("who", ["alice", "carol", "ana", "pmo"])
async def test_every_role_sets_its_own_preference_created_then_changed(
    api: Api, world: World, collab: Collab, who: str
) -> None:
    # given Bob's own mention preference, which must stay his
    await collab.preference("bob", "MENTION", enabled=True)
    # when the viewer turns mentions off in the app, then on again, then on once more
    off = await api(who, SET, input={"kind": "MENTION", "channel": "IN_APP",
                                     "enabled": False})
    on = await api(who, SET, input={"kind": "MENTION", "channel": "IN_APP", "enabled": True})
    await api(who, SET, input={"kind": "MENTION", "channel": "IN_APP", "enabled": True})
    # then one preference of theirs was created, then changed; Bob's is untouched
    assert _payload(off, "setNotificationPreference") == {
        "notificationPreference": {"kind": "MENTION", "channel": "IN_APP", "enabled": False,
                                   "person": {"fullName": who.title()}},
        "userErrors": []}
    assert _payload(on, "setNotificationPreference")["notificationPreference"]["enabled"]
    rows = {(r.person_id, r.kind, r.channel, r.enabled)
            for r in await collab.rows(NotificationPreference)}
    assert rows == {(world.people["bob"], "MENTION", NotificationChannel.IN_APP, True),
                    (world.people[who], "MENTION", NotificationChannel.IN_APP, True)}
    audits = [(a.action, a.changes.get("enabled")) for a in await collab.rows(AuditEvent)]
    assert audits == [("create", {"before": None, "after": False}),
                      ("update", {"before": False, "after": True})]


async def test_an_unknown_kind_is_refused_by_the_schema(
    api: Api, world: World, collab: Collab
) -> None:
    before = await collab.state()
    result = await api("alice", SET, input={"kind": "GOSSIP", "channel": "IN_APP",
                                            "enabled": False})
    assert result.get("errors") and result.get("data") is None
    assert await collab.state() == before


async def test_a_preference_set_through_the_api_stops_mentions(
    api: Api, world: World, collab: Collab
) -> None:
    # given Bob turned mentions off through the API
    await api("bob", SET, input={"kind": "MENTION", "channel": "IN_APP", "enabled": False})
    # when Alice mentions him
    await api("alice", """
      mutation($input: AddCommentInput!) { addComment(input: $input) { userErrors { code } } }
    """, input={"parentId": world.gid("Project", world.alice_project),
                "body": "@bob@example.com"})
    # then he is not notified
    assert await collab.rows(Notification) == []
