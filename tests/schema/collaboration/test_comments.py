"""Reading comments: every role reads them on what it may read; threads, mentions, soft
deletion, filters, keyset paging and node(id:)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.schema.collaboration.conftest import Collab, at
from tests.schema.conftest import Api, World, codes

COMMENTS = """
query($filter: CommentFilter, $orderBy: [CommentOrder!], $first: Int, $after: String,
      $last: Int, $before: String) {
  comments(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last,
           before: $before) {
    totalCount
    edges { cursor node { body } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""

THREAD = """
query($filter: CommentFilter) {
  comments(filter: $filter) {
    nodes {
      id parentId parentType body editedAt deletedAt
      author { fullName }
      mentions { fullName }
      replyTo { body author { fullName } }
    }
  }
}"""

NODE = """
query($id: ID!) {
  node(id: $id) { __typename ... on Comment { body parentType author { fullName } } }
}"""


def _bodies(result: dict[str, Any]) -> list[str]:
    assert "errors" not in result, result["errors"]
    return [edge["node"]["body"] for edge in result["data"]["comments"]["edges"]]


@pytest.mark.parametrize("who", ["pmo", "alice", "bob", "carol", "ana"])
async def test_every_role_reads_a_thread_with_authors_mentions_and_replies(
    api: Api, world: World, collab: Collab, who: str
) -> None:
    # given a thread on Alice's project: a question mentioning Bob and Carol, Bob's reply,
    # an edited answer and a deleted remark
    question = await collab.comment("Who signs off @bob @carol?", created_at=at(0),
                                    mentions=[world.people["bob"], world.people["carol"]])
    await collab.comment("Carol does", author="bob", reply_to_id=question, created_at=at(1))
    await collab.comment("Confirmed", author="carol", reply_to_id=question, created_at=at(2),
                         edited_at=at(3))
    await collab.comment("Oops @bob", author="bob", created_at=at(4), deleted_at=at(5),
                         mentions=[world.people["bob"]])
    project = world.gid("Project", world.alice_project)
    # when any role reads the comments on the project
    result = await api(who, THREAD, filter={"parentId": project})
    # then it sees the whole thread, oldest first; a deleted comment keeps its place only
    assert "errors" not in result, result["errors"]
    nodes = result["data"]["comments"]["nodes"]
    assert [n["body"] for n in nodes] == ["Who signs off @bob @carol?", "Carol does",
                                          "Confirmed", None]
    assert {(n["parentId"], n["parentType"]) for n in nodes} == {(project, "Project")}
    assert [n["author"]["fullName"] for n in nodes] == ["Alice", "Bob", "Carol", "Bob"]
    assert nodes[0]["mentions"] == [{"fullName": "Bob"}, {"fullName": "Carol"}]
    assert nodes[0]["replyTo"] is None
    assert nodes[1]["replyTo"] == {"body": "Who signs off @bob @carol?",
                                   "author": {"fullName": "Alice"}}
    assert nodes[2]["editedAt"] is not None and nodes[2]["deletedAt"] is None
    assert (nodes[3]["body"], nodes[3]["mentions"]) == (None, [])
    assert nodes[3]["deletedAt"] is not None


async def test_comments_page_forwards_and_backwards(api: Api, collab: Collab) -> None:
    # given five comments written a minute apart
    for minute in range(5):
        await collab.comment(f"c{minute}", created_at=at(minute))
    # when they are paged two at a time, oldest first
    first = await api("ana", COMMENTS, first=2)
    second = await api("ana", COMMENTS, first=2,
                       after=first["data"]["comments"]["pageInfo"]["endCursor"])
    third = await api("ana", COMMENTS, first=2,
                      after=second["data"]["comments"]["pageInfo"]["endCursor"])
    # then the pages follow each other without gaps or repeats
    assert (_bodies(first), _bodies(second), _bodies(third)) == (["c0", "c1"], ["c2", "c3"],
                                                                 ["c4"])
    assert first["data"]["comments"]["totalCount"] == 5
    assert first["data"]["comments"]["pageInfo"]["hasNextPage"] is True
    end = third["data"]["comments"]["pageInfo"]
    assert (end["hasNextPage"], end["hasPreviousPage"]) == (False, True)
    # and paging backwards from the last one gives the two before it
    back = await api("ana", COMMENTS, last=2,
                     before=third["data"]["comments"]["edges"][0]["cursor"])
    assert _bodies(back) == ["c2", "c3"]
    assert back["data"]["comments"]["pageInfo"]["hasPreviousPage"] is True
    # and newest first is the other way round
    newest = await api("ana", COMMENTS, first=2,
                       orderBy=[{"field": "CREATED_AT", "direction": "DESC"}])
    assert _bodies(newest) == ["c4", "c3"]


async def test_a_cursor_for_another_order_is_refused(api: Api, collab: Collab) -> None:
    # given a cursor made for oldest-first
    await collab.comment("c0")
    cursor = (await api("ana", COMMENTS, first=1))["data"]["comments"]["pageInfo"]["endCursor"]
    # when it is used with newest-first
    result = await api("ana", COMMENTS, first=1, after=cursor,
                       orderBy=[{"field": "CREATED_AT", "direction": "DESC"}])
    # then the request is refused as the caller's mistake
    assert codes(result) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [({"parentId": "alpha"}, ["alpha by alice", "alpha by bob"]),
     ({"parentId": "risk"}, ["on the risk"]),
     ({"authorIds": ["bob"]}, ["alpha by bob", "beta by bob"]),
     ({"parentId": "alpha", "authorIds": ["alice"]}, ["alpha by alice"]),
     ({"updatedSince": "later"}, []),
     ({"updatedSince": "earlier"}, ["alpha by alice", "alpha by bob", "beta by bob",
                                    "on the risk"])],
)
async def test_comment_filters(
    api: Api, world: World, collab: Collab, filter_: dict[str, Any], expected: list[str]
) -> None:
    # given comments on both projects and on a risk, by two authors
    await collab.comment("alpha by alice", created_at=at(0))
    await collab.comment("alpha by bob", author="bob", created_at=at(1))
    await collab.comment("beta by bob", author="bob", parent_id=world.bob_project,
                         created_at=at(2))
    await collab.comment("on the risk", parent="Risk", parent_id=world.alice_project,
                         created_at=at(3))
    # (their updated_at is the insert time: "earlier" and "later" bracket the test run)
    now = datetime.now(UTC)
    names = {"alpha": world.gid("Project", world.alice_project),
             "risk": world.gid("Risk", world.alice_project),
             "alice": world.gid("Person", world.people["alice"]),
             "bob": world.gid("Person", world.people["bob"]),
             "later": "2999-01-01T00:00:00Z",
             "earlier": (now - timedelta(days=1)).isoformat()}
    given = {key: ([names[v] for v in value] if isinstance(value, list) else names[value])
             for key, value in filter_.items()}
    # when the comments are listed with the filter
    result = await api("carol", COMMENTS, filter=given)
    # then exactly the matching ones come back, oldest first
    assert _bodies(result) == expected


@pytest.mark.parametrize("filter_", [{"parentId": "not-an-id"},
                                     {"authorIds": ["PROJECT"]}])
async def test_comment_filters_refuse_ids_that_are_not_one(
    api: Api, world: World, filter_: dict[str, Any]
) -> None:
    # given an id that is no id at all, or an author id that is not a person's
    given = {key: ([world.gid("Project", world.alice_project)] if value == ["PROJECT"]
                   else value) for key, value in filter_.items()}
    # when / then the list is refused as the caller's mistake
    assert codes(await api("alice", COMMENTS, filter=given)) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(("who", "visible"), [("pmo", 2), ("alice", 1), ("carol", 1),
                                              ("ana", 1)])
async def test_comments_on_what_the_viewer_may_not_read_are_left_out(
    api: Api, world: World, collab: Collab, who: str, visible: int
) -> None:
    # given a comment on the project and one on a webhook (readable by the PMO only)
    webhook = await collab.webhook()
    await collab.comment("on the project")
    await collab.comment("on the webhook", author="pmo", parent="Webhook", parent_id=webhook)
    # when each role lists every comment
    result = await api(who, COMMENTS)
    # then the webhook's comment is counted and shown to the PMO only, by a SQL condition
    # (the page and its total agree)
    assert "errors" not in result, result["errors"]
    assert result["data"]["comments"]["totalCount"] == visible
    assert len(result["data"]["comments"]["edges"]) == visible


@pytest.mark.parametrize("who", ["pmo", "alice", "carol", "ana"])
async def test_a_comment_resolves_by_its_global_id(
    api: Api, world: World, collab: Collab, who: str
) -> None:
    # given a comment
    comment = await collab.comment("Looks good")
    # when it is asked for by global id
    result = await api(who, NODE, id=world.gid("Comment", comment))
    # then every role gets it; an unknown id is null without an error
    assert result["data"]["node"] == {"__typename": "Comment", "body": "Looks good",
                                      "parentType": "Project",
                                      "author": {"fullName": "Alice"}}
    missing = await api(who, NODE, id=world.gid("Comment", comment + 100))
    assert missing["data"]["node"] is None and codes(missing) == []


@pytest.mark.parametrize(("who", "allowed"), [("pmo", True), ("alice", False),
                                              ("carol", False), ("ana", False)])
async def test_a_comment_on_what_the_viewer_may_not_read_is_forbidden_by_id(
    api: Api, world: World, collab: Collab, who: str, allowed: bool
) -> None:
    # given a comment on a webhook (readable by the PMO only)
    webhook = await collab.webhook()
    comment = await collab.comment("rotate the secret", author="pmo", parent="Webhook",
                                   parent_id=webhook)
    # when it is asked for by its global id
    result = await api(who, NODE, id=world.gid("Comment", comment))
    # then only the PMO gets it; the others get FORBIDDEN and no body
    if allowed:
        assert result["data"]["node"]["body"] == "rotate the secret"
        assert codes(result) == []
    else:
        assert result["data"]["node"] is None
        assert codes(result) == ["FORBIDDEN"]


RIGHTS = """
query($id: ID!) { node(id: $id) { ... on Comment { viewerCanUpdate viewerCanDelete } } }
"""


@pytest.mark.parametrize(("who", "standing", "deleted"), [
    ("alice", True, False), ("pmo", True, False), ("bob", False, False),
    ("carol", False, False), ("ana", False, False),
])
async def test_viewer_can_flags_say_who_may_edit_or_delete_a_comment(
    api: Api, world: World, collab: Collab, who: str, standing: bool, deleted: bool
) -> None:
    # given Alice's comment and one of hers already deleted
    mine = await collab.comment("mine", author="alice")
    gone = await collab.comment("gone", author="alice", deleted_at=datetime.now(UTC))
    # then its author and the PMO may edit and delete it; nobody may once it is deleted
    for comment, expected in ((mine, standing), (gone, deleted)):
        result = await api(who, RIGHTS, id=world.gid("Comment", comment))
        assert result["data"]["node"] == {"viewerCanUpdate": expected,
                                          "viewerCanDelete": expected}
