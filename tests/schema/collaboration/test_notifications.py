"""Reading notifications and notification preferences: each person reads only their own,
through a SQL condition on the recipient; the PMO may read any by id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest

from server.domain.enums import NotificationChannel
from tests.schema.collaboration.conftest import Collab, at
from tests.schema.conftest import Api, World, codes

NOTIFICATIONS = """
query($filter: NotificationFilter, $orderBy: [NotificationOrder!], $first: Int,
      $after: String) {
  notifications(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    nodes { message kind readAt entityType entityId recipient { fullName } }
    pageInfo { hasNextPage endCursor }
  }
}"""

PREFERENCES = """
{ notificationPreferences { totalCount nodes { kind channel enabled person { fullName } } } }"""

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename
    ... on Notification { message recipient { fullName } }
    ... on NotificationPreference { kind person { fullName } }
  }
}"""

PEOPLE = ["pmo", "alice", "bob", "carol", "dave", "ana"]


def _messages(result: dict[str, Any]) -> list[str]:
    assert "errors" not in result, result["errors"]
    return [node["message"] for node in result["data"]["notifications"]["nodes"]]


@pytest.mark.parametrize("who", PEOPLE)
async def test_everyone_reads_only_their_own_notifications(
    api: Api, collab: Collab, who: str
) -> None:
    # given two notifications for each person, newest last
    for minute, person in enumerate(PEOPLE * 2):
        await collab.notification(person, f"for {person} #{minute // len(PEOPLE)}",
                                  created_at=at(minute))
    # when a person lists their notifications
    result = await api(who, NOTIFICATIONS)
    # then they get their own two, newest first, and nobody else's (the PMO included)
    assert _messages(result) == [f"for {who} #1", f"for {who} #0"]
    assert result["data"]["notifications"]["totalCount"] == 2
    recipients = {n["recipient"]["fullName"] for n in result["data"]["notifications"]["nodes"]}
    assert recipients == {who.title()}


async def test_a_pm_never_sees_another_pm_s_notifications_on_any_page(
    api: Api, collab: Collab
) -> None:
    # given three notifications for Alice among ten for Bob, interleaved
    for minute in range(13):
        who = "alice" if minute % 4 == 0 else "bob"
        await collab.notification(who, f"{who} {minute}", created_at=at(minute))
    # when Alice pages through hers, two at a time
    first = await api("alice", NOTIFICATIONS, first=2)
    second = await api("alice", NOTIFICATIONS, first=2,
                       after=first["data"]["notifications"]["pageInfo"]["endCursor"])
    # then the pages are full pages of hers only: the recipient is a condition of the SQL
    # query, not a filter applied to a page afterwards
    assert _messages(first) == ["alice 12", "alice 8"]
    assert _messages(second) == ["alice 4", "alice 0"]
    assert first["data"]["notifications"]["pageInfo"]["hasNextPage"] is True
    assert second["data"]["notifications"]["pageInfo"]["hasNextPage"] is False
    assert first["data"]["notifications"]["totalCount"] == 4


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [({"unreadOnly": True}, ["reply", "mention 2"]),
     ({"unreadOnly": False}, ["reply", "mention 2", "mention 1"]),
     ({"kinds": ["MENTION"]}, ["mention 2", "mention 1"]),
     ({"kinds": ["REPLY"]}, ["reply"]),
     ({"kinds": []}, []),
     ({"updatedSince": "later"}, []),
     ({"updatedSince": "earlier"}, ["reply", "mention 2", "mention 1"])],
)
async def test_notification_filters(
    api: Api, world: World, collab: Collab, filter_: dict[str, Any], expected: list[str]
) -> None:
    # given Alice's notifications: a read mention, an unread one and an unread reply, and an
    # unread one for Bob
    await collab.notification("alice", "mention 1", created_at=at(0), read_at=at(5))
    await collab.notification("alice", "mention 2", created_at=at(1))
    await collab.notification("alice", "reply", kind="REPLY", created_at=at(2))
    await collab.notification("bob", "bob's", created_at=at(3))
    now = datetime.now(UTC)
    moments = {"later": (now + timedelta(days=1)).isoformat(),
               "earlier": (now - timedelta(days=1)).isoformat()}
    given = {key: moments.get(value, value) if isinstance(value, str) else value
             for key, value in filter_.items()}
    # when Alice lists hers with the filter
    result = await api("alice", NOTIFICATIONS, filter=given)
    # then exactly her matching ones come back, newest first
    assert _messages(result) == expected


async def test_unread_notifications_sort_after_read_ones(api: Api, collab: Collab) -> None:
    # given one unread and two read notifications
    await collab.notification("alice", "unread", created_at=at(0))
    await collab.notification("alice", "read late", created_at=at(1), read_at=at(9))
    await collab.notification("alice", "read early", created_at=at(2), read_at=at(8))
    # when ordered by when they were read
    result = await api("alice", NOTIFICATIONS,
                       orderBy=[{"field": "READ_AT", "direction": "ASC"}])
    # then read ones come first in reading order, unread ones last
    assert _messages(result) == ["read early", "read late", "unread"]


async def test_a_notification_shows_the_global_id_of_what_it_is_about(
    api: Api, world: World, collab: Collab
) -> None:
    # given a notification about a project and one about nothing in particular
    await collab.notification("alice", "about", entity_type="Project",
                              entity_id=world.alice_project, created_at=at(1))
    await collab.notification("alice", "general", created_at=at(0))
    # when Alice reads them
    result = await api("alice", NOTIFICATIONS)
    # then the first points at the project, in a form node(id:) accepts
    about, general = result["data"]["notifications"]["nodes"]
    assert (about["entityType"], about["entityId"]) == (
        "Project", world.gid("Project", world.alice_project))
    assert (general["entityType"], general["entityId"]) == (None, None)


@pytest.mark.parametrize("who", ["alice", "carol", "ana"])
async def test_node_of_somebody_else_s_notification_is_forbidden(
    api: Api, world: World, collab: Collab, who: str
) -> None:
    # given a notification for Bob
    bobs = await collab.notification("bob", "for bob")
    # when somebody else asks for it by id
    result = await api(who, NODE, id=world.gid("Notification", bobs))
    # then it is refused and nothing of it is shown
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"]["node"] is None


async def test_the_pmo_reads_any_notification_by_id(
    api: Api, world: World, collab: Collab
) -> None:
    # given a notification for Bob
    bobs = await collab.notification("bob", "for bob")
    # when the PMO asks for it by id
    result = await api("pmo", NODE, id=world.gid("Notification", bobs))
    # then the PMO, who reads everything, gets it
    assert "errors" not in result, result["errors"]
    assert result["data"]["node"] == {"__typename": "Notification", "message": "for bob",
                                      "recipient": {"fullName": "Bob"}}


@pytest.mark.parametrize("type_name", ["Notification", "NotificationPreference"])
async def test_node_of_one_s_own_notification_or_preference_resolves(
    api: Api, world: World, collab: Collab, type_name: str
) -> None:
    # given a notification and a preference of Alice's
    ids = {"Notification": await collab.notification("alice", "for alice"),
           "NotificationPreference": await collab.preference("alice")}
    # when she asks for hers by id
    result = await api("alice", NODE, id=world.gid(type_name, ids[type_name]))
    # then she gets it
    assert "errors" not in result, result["errors"]
    assert result["data"]["node"]["__typename"] == type_name


@pytest.mark.parametrize("who", ["alice", "bob", "ana"])
async def test_everyone_reads_only_their_own_preferences(
    api: Api, collab: Collab, who: str
) -> None:
    # given preferences of Alice, Bob and Ana
    await collab.preference("alice", "MENTION", channel=NotificationChannel.EMAIL,
                            enabled=False)
    await collab.preference("alice", "REPLY")
    await collab.preference("bob", "MENTION")
    await collab.preference("ana", "MENTION")
    # when each reads their preferences
    result = await api(who, PREFERENCES)
    # then they get their own, by kind, and nobody else's
    assert "errors" not in result, result["errors"]
    nodes = result["data"]["notificationPreferences"]["nodes"]
    assert {n["person"]["fullName"] for n in nodes} == {who.title()}
    if who == "alice":
        assert [(n["kind"], n["channel"], n["enabled"]) for n in nodes] == [
            ("MENTION", "EMAIL", False), ("REPLY", "IN_APP", True)]
    assert result["data"]["notificationPreferences"]["totalCount"] == len(nodes)


async def test_node_of_somebody_else_s_preference_is_forbidden(
    api: Api, world: World, collab: Collab
) -> None:
    # given Bob's preference
    bobs = await collab.preference("bob")
    # when Alice asks for it by id, and the PMO does
    alice = await api("alice", NODE, id=world.gid("NotificationPreference", bobs))
    pmo = await api("pmo", NODE, id=world.gid("NotificationPreference", bobs))
    # then Alice is refused and the PMO gets it
    assert codes(alice) == ["FORBIDDEN"] and alice["data"]["node"] is None
    assert pmo["data"]["node"] == {"__typename": "NotificationPreference", "kind": "MENTION",
                                   "person": {"fullName": "Bob"}}


@pytest.mark.parametrize("query", [NOTIFICATIONS, PREFERENCES])
async def test_nobody_anonymous_reads_notifications(
    client: httpx2.AsyncClient, world: World, collab: Collab, query: str
) -> None:
    # given a notification and a preference
    await collab.notification("alice")
    await collab.preference("alice")
    # when asked without credentials
    response = await client.post("/graphql", json={"query": query})
    # then the answer is UNAUTHENTICATED
    assert codes(response.json()) == ["UNAUTHENTICATED"]
