"""addComment, editComment and deleteComment: who may, what mentions and replies notify,
preferences respected, refusals write nothing, every change audited."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.enums import NotificationChannel
from server.domain.models import AuditEvent, Comment, Notification, OutboxEvent
from tests.schema.collaboration.conftest import Collab
from tests.schema.conftest import Api, World, codes

ADD = """
mutation($input: AddCommentInput!) {
  addComment(input: $input) {
    comment { id body parentId parentType author { fullName } mentions { fullName }
              replyTo { body } editedAt deletedAt }
    userErrors { field message code }
  }
}"""
EDIT = """
mutation($input: EditCommentInput!) {
  editComment(input: $input) {
    comment { id body editedAt mentions { fullName } }
    userErrors { field message code }
  }
}"""
DELETE = """
mutation($input: DeleteCommentInput!) {
  deleteComment(input: $input) {
    comment { id body deletedAt mentions { fullName } }
    userErrors { field message code }
  }
}"""


def _ok(result: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in result, result["errors"]
    payload: dict[str, Any] = result["data"][name]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


def _errors(result: dict[str, Any], name: str) -> list[tuple[list[str], str]]:
    assert "errors" not in result, result["errors"]
    return [(e["field"], e["code"]) for e in result["data"][name]["userErrors"]]


async def _notifications(collab: Collab) -> list[tuple[int, str, str]]:
    rows = await collab.rows(Notification)
    return [(row.recipient_id, row.kind, row.message) for row in rows]


@pytest.mark.parametrize("who", ["pmo", "alice", "bob", "carol"])
async def test_every_writing_role_comments_on_what_it_reads_audited(
    api: Api, world: World, collab: Collab, who: str
) -> None:
    # given a risk on Alice's project
    risk = world.gid("Risk", await collab.risk())
    # when someone who may write comments on it, with surrounding blanks
    result = await api(who, ADD, input={"parentId": risk, "body": "  Looks **late**.  "})
    # then the comment stands, trimmed, on the risk, by them, and the creation is audited
    comment = _ok(result, "addComment")["comment"]
    assert (comment["body"], comment["parentId"], comment["parentType"]) == (
        "Looks **late**.", risk, "Risk")
    assert comment["author"] == {"fullName": who.title()}
    [row] = await collab.rows(Comment)
    [audit] = await collab.rows(AuditEvent)
    assert (audit.action, audit.entity_type, audit.entity_id, audit.actor_id) == (
        "create", "Comment", row.id, world.people[who])
    assert audit.changes["body"] == {"before": None, "after": "Looks **late**."}


async def test_an_analyst_may_not_comment_and_nothing_is_written(
    api: Api, world: World, collab: Collab
) -> None:
    # given a risk
    risk = world.gid("Risk", await collab.risk())
    before = await collab.state()
    # when the read-only analyst tries to comment on it
    result = await api("ana", ADD, input={"parentId": risk, "body": "hi @bob@example.com"})
    # then it is FORBIDDEN and nothing (comment, notification, audit) is written
    assert codes(result) == ["FORBIDDEN"]
    assert await collab.state() == before


async def test_mentions_are_parsed_deduplicated_in_order_and_notified(
    api: Api, world: World, collab: Collab
) -> None:
    # given a risk, and Dave who is no longer active
    risk = world.gid("Risk", await collab.risk())
    async with collab.sessions() as s, s.begin():
        from server.domain.models import Person
        dave = await s.get(Person, world.people["dave"])
        assert dave is not None
        dave.active = False
    body = ("@carol@example.com and @bob@example.com, see @CAROL@example.com. "
            "Not @nobody@example.com, not @dave@example.com, not me @alice@example.com; "
            "mail ana@example.com")
    # when Alice comments mentioning people
    result = await api("alice", ADD, input={"parentId": risk, "body": body})
    # then the active people written as @email are the mentions, once each, in order
    comment = _ok(result, "addComment")["comment"]
    assert comment["mentions"] == [{"fullName": "Carol"}, {"fullName": "Bob"},
                                   {"fullName": "Alice"}]
    assert comment["body"] == body  # unknown emails stay as written
    # and each mentioned person but the author is notified about the risk
    assert await _notifications(collab) == [
        (world.people["carol"], "MENTION", "Alice mentioned you on Risk 'Vendor late'"),
        (world.people["bob"], "MENTION", "Alice mentioned you on Risk 'Vendor late'"),
    ]
    [row] = [n for n in await collab.rows(Notification)][:1]
    assert (row.entity_type, row.entity_id, row.read_at) == (
        "Risk", int(await _risk_id(collab)), None)


async def _risk_id(collab: Collab) -> int:
    from server.domain.models import Risk
    [risk] = await collab.rows(Risk)
    return int(risk.id)


async def test_a_mention_turned_off_in_app_is_not_notified(
    api: Api, world: World, collab: Collab
) -> None:
    # given Bob turned mentions off in the app, Carol only by email
    await collab.preference("bob", "MENTION", enabled=False)
    await collab.preference("carol", "MENTION", channel=NotificationChannel.EMAIL,
                            enabled=False)
    project = world.gid("Project", world.alice_project)
    # when both are mentioned
    result = await api("alice", ADD, input={"parentId": project,
                                            "body": "@bob@example.com @carol@example.com"})
    # then both are mentions, but only Carol is notified in the app
    assert len(_ok(result, "addComment")["comment"]["mentions"]) == 2
    assert await _notifications(collab) == [
        (world.people["carol"], "MENTION", "Alice mentioned you on Project 'Alpha'")]


async def test_a_reply_notifies_the_author_answered_once(
    api: Api, world: World, collab: Collab
) -> None:
    # given Bob's comment on the project
    question = await collab.comment("Who signs off?", author="bob")
    project = world.gid("Project", world.alice_project)
    # when Alice replies
    result = await api("alice", ADD, input={"parentId": project, "body": "Carol does",
                                            "replyToId": world.gid("Comment", question)})
    # then the reply points at the question and Bob hears of it
    assert _ok(result, "addComment")["comment"]["replyTo"] == {"body": "Who signs off?"}
    assert await _notifications(collab) == [
        (world.people["bob"], "REPLY", "Alice replied to your comment on Project 'Alpha'")]
    # and when Carol replies mentioning Bob too, he is told once, as a mention
    await api("carol", ADD, input={"parentId": project, "body": "yes @bob@example.com",
                                   "replyToId": world.gid("Comment", question)})
    assert [n[1] for n in await _notifications(collab)] == ["REPLY", "MENTION"]
    # and replying to oneself notifies nobody
    await api("bob", ADD, input={"parentId": project, "body": "thanks",
                                 "replyToId": world.gid("Comment", question)})
    assert len(await _notifications(collab)) == 2


async def test_a_reply_turned_off_is_not_notified(
    api: Api, world: World, collab: Collab
) -> None:
    await collab.preference("bob", "REPLY", enabled=False)
    question = await collab.comment("Who signs off?", author="bob")
    result = await api("alice", ADD, input={
        "parentId": world.gid("Project", world.alice_project), "body": "Carol",
        "replyToId": world.gid("Comment", question)})
    _ok(result, "addComment")
    assert await _notifications(collab) == []


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"body": "   "}, "body", "REQUIRED"),
    ({"body": "x" * 10_001}, "body", "TOO_LONG"),
    ({"parentId": "not-an-id"}, "parentId", "INVALID"),
    ({"parentId": "WEBHOOK"}, "parentId", "INVALID"),
    ({"parentId": "MISSING"}, "parentId", "NOT_FOUND"),
    ({"replyToId": "OTHER_PARENT"}, "replyToId", "INVALID"),
    ({"replyToId": "DELETED"}, "replyToId", "INVALID"),
    ({"replyToId": "RISK"}, "replyToId", "INVALID"),
    ({"replyToId": "MISSING_COMMENT"}, "replyToId", "NOT_FOUND"),
])
async def test_bad_input_is_a_user_error_and_writes_nothing(
    api: Api, world: World, collab: Collab, change: dict[str, str], field: str, code: str
) -> None:
    # given a project, a comment on another project and a deleted one on this project
    risk = await collab.risk()
    elsewhere = await collab.comment("other", parent_id=world.bob_project)
    from datetime import UTC, datetime
    deleted = await collab.comment("gone", deleted_at=datetime.now(UTC))
    webhook = await collab.webhook()
    substitutes = {
        "WEBHOOK": world.gid("Webhook", webhook),
        "MISSING": world.gid("Project", world.bob_project + 100),
        "OTHER_PARENT": world.gid("Comment", elsewhere),
        "DELETED": world.gid("Comment", deleted),
        "RISK": world.gid("Risk", risk),
        "MISSING_COMMENT": world.gid("Comment", deleted + 100),
    }
    values = {"parentId": world.gid("Project", world.alice_project),
              "body": "@bob@example.com hello"}
    values.update({k: substitutes.get(v, v) for k, v in change.items()})
    before = await collab.state()
    # when a comment is added with that
    result = await api("alice", ADD, input=values)
    # then a user error says where, and nothing is written
    assert _errors(result, "addComment") == [(["input", field], code)]
    assert result["data"]["addComment"]["comment"] is None
    assert await collab.state() == before


async def test_any_readable_node_type_takes_comments(
    api: Api, world: World, collab: Collab
) -> None:
    # given / when an executive comments on a person, reached by global id like any node
    result = await api("carol", ADD, input={"parentId": world.gid("Person", world.people["bob"]),
                                            "body": "Welcome @bob@example.com"})
    # then it is on that person, and the message names them
    assert _ok(result, "addComment")["comment"]["parentType"] == "Person"
    assert await _notifications(collab) == [
        (world.people["bob"], "MENTION", "Carol mentioned you on Person 'Bob'")]


async def test_the_author_edits_and_only_new_mentions_are_notified(
    api: Api, world: World, collab: Collab
) -> None:
    # given Alice's comment mentioning Bob, who was notified
    project = world.gid("Project", world.alice_project)
    added = _ok(await api("alice", ADD, input={"parentId": project,
                                               "body": "ping @bob@example.com"}),
                "addComment")["comment"]
    # when she edits it to mention Carol as well
    result = await api("alice", EDIT, input={
        "id": added["id"], "body": " ping @bob@example.com @carol@example.com "})
    # then the body, mentions and editedAt change, and only Carol is newly notified
    comment = _ok(result, "editComment")["comment"]
    assert comment["body"] == "ping @bob@example.com @carol@example.com"
    assert comment["mentions"] == [{"fullName": "Bob"}, {"fullName": "Carol"}]
    assert comment["editedAt"] is not None
    assert [(r, k) for r, k, _ in await _notifications(collab)] == [
        (world.people["bob"], "MENTION"), (world.people["carol"], "MENTION")]
    audits = [a for a in await collab.rows(AuditEvent) if a.action == "update"]
    assert [a.changes["body"] for a in audits] == [
        {"before": "ping @bob@example.com",
         "after": "ping @bob@example.com @carol@example.com"}]


@pytest.mark.parametrize("who", ["bob", "carol", "ana"])
async def test_nobody_but_the_author_or_the_pmo_edits_a_comment(
    api: Api, world: World, collab: Collab, who: str
) -> None:
    comment = await collab.comment("mine", author="alice")
    before = await collab.state()
    result = await api(who, EDIT, input={"id": world.gid("Comment", comment), "body": "yours"})
    assert codes(result) == ["FORBIDDEN"]
    assert await collab.state() == before


async def test_the_pmo_moderates_a_comment_as_the_policies_allow(
    api: Api, world: World, collab: Collab
) -> None:
    # given Alice's comment; when the PMO edits it (the policies give the PMO every write)
    comment = await collab.comment("mine", author="alice")
    result = await api("pmo", EDIT, input={"id": world.gid("Comment", comment),
                                           "body": "[removed by the PMO]"})
    # then the edit is made and shows as edited
    edited = _ok(result, "editComment")["comment"]
    assert edited["body"] == "[removed by the PMO]" and edited["editedAt"] is not None


@pytest.mark.parametrize(("who", "author"), [("alice", "alice"), ("carol", "carol"),
                                             ("pmo", "bob")])
async def test_the_author_or_the_pmo_deletes_a_comment_softly(
    api: Api, world: World, collab: Collab, who: str, author: str
) -> None:
    # given a comment mentioning somebody
    comment = await collab.comment("secret @bob", author=author,
                                   mentions=[world.people["bob"]])
    # when its author (or the PMO) deletes it
    result = await api(who, DELETE, input={"id": world.gid("Comment", comment)})
    # then it is returned deleted with body and mentions hidden; the row keeps the body
    payload = _ok(result, "deleteComment")["comment"]
    assert (payload["body"], payload["mentions"]) == (None, [])
    assert payload["deletedAt"] is not None
    [row] = await collab.rows(Comment)
    assert row.body == "secret @bob" and row.deleted_at is not None
    [audit] = await collab.rows(AuditEvent)
    assert (audit.action, audit.entity_id, audit.actor_id) == (
        "delete", comment, world.people[who])
    assert audit.changes["deleted_at"]["before"] is None
    # and it cannot be deleted or edited again
    again = await api(who, DELETE, input={"id": world.gid("Comment", comment)})
    assert _errors(again, "deleteComment") == [(["input", "id"], "INVALID")]
    if who == author:
        edit = await api(who, EDIT, input={"id": world.gid("Comment", comment), "body": "x"})
        assert _errors(edit, "editComment") == [(["input", "id"], "INVALID")]


@pytest.mark.parametrize("who", ["bob", "carol", "ana"])
async def test_others_may_not_delete_a_comment(
    api: Api, world: World, collab: Collab, who: str
) -> None:
    comment = await collab.comment("mine", author="alice")
    before = await collab.state()
    result = await api(who, DELETE, input={"id": world.gid("Comment", comment)})
    assert codes(result) == ["FORBIDDEN"]
    assert await collab.state() == before


@pytest.mark.parametrize(("mutation", "name"), [(EDIT, "editComment"),
                                                (DELETE, "deleteComment")])
async def test_an_unknown_or_foreign_comment_id_is_a_user_error(
    api: Api, world: World, collab: Collab, mutation: str, name: str
) -> None:
    before = await collab.state()
    extra = {"body": "x"} if name == "editComment" else {}
    missing = await api("alice", mutation, input={"id": world.gid("Comment", 999), **extra})
    foreign = await api("alice", mutation, input={
        "id": world.gid("Project", world.alice_project), **extra})
    assert _errors(missing, name) == [(["input", "id"], "NOT_FOUND")]
    assert _errors(foreign, name) == [(["input", "id"], "INVALID")]
    assert await collab.state() == before


async def test_a_comment_is_announced_in_the_outbox_for_webhooks(
    api: Api, world: World, collab: Collab
) -> None:
    # given a risk on Alice's project
    risk = await collab.risk()
    # when Bob comments on it mentioning Carol
    result = await api("bob", ADD, input={"parentId": world.gid("Risk", risk),
                                          "body": "ping @carol@example.com"})
    comment = _ok(result, "addComment")["comment"]
    # then a comment.added event carries the parent, author and mentions, filed under the
    # project's portfolio so subscribers can filter on it
    [event] = [e for e in await collab.rows(OutboxEvent) if e.event_type == "comment.added"]
    assert event.payload == {
        "entity_type": "Comment", "entity_id": (await collab.rows(Comment))[0].id,
        "portfolio_id": world.portfolio, "parent_type": "Risk", "parent_id": risk,
        "author_id": world.people["bob"], "reply_to_id": None,
        "mentions": [world.people["carol"]]}
    assert comment["body"] == "ping @carol@example.com"


async def test_editing_and_deleting_a_comment_are_announced_too(
    api: Api, world: World, collab: Collab
) -> None:
    # given Bob's comment on a risk of Alice's project
    risk = await collab.risk()
    added = await api("bob", ADD, input={"parentId": world.gid("Risk", risk), "body": "draft"})
    gid = _ok(added, "addComment")["comment"]["id"]

    # when he edits it to mention Carol, then deletes it
    _ok(await api("bob", EDIT, input={"id": gid, "body": "ping @carol@example.com"}),
        "editComment")
    _ok(await api("bob", DELETE, input={"id": gid}), "deleteComment")

    # then each staged its event, filed under the portfolio, as adding did
    events = [e for e in await collab.rows(OutboxEvent) if e.event_type.startswith("comment.")]
    assert [e.event_type for e in events] == ["comment.added", "comment.edited",
                                              "comment.deleted"]
    row_id = (await collab.rows(Comment))[0].id
    for event in events[1:]:
        assert event.payload == {
            "entity_type": "Comment", "entity_id": row_id, "portfolio_id": world.portfolio,
            "parent_type": "Risk", "parent_id": risk, "author_id": world.people["bob"],
            "mentions": [world.people["carol"]]}


TRAIL = """query($id: ID!) { auditEvents(filter: {entityId: $id}, orderBy: [{field: AT}]) {
  nodes { action changes } } }"""


async def test_a_comments_text_in_the_audit_trail_is_the_pmos_alone(
    api: Api, world: World, collab: Collab
) -> None:
    # given a comment written, edited and deleted by its author
    risk = world.gid("Risk", await collab.risk())
    comment = _ok(await api("alice", ADD, input={
        "parentId": risk, "body": "secret @bob@example.com"}), "addComment")["comment"]
    _ok(await api("alice", EDIT, input={"id": comment["id"], "body": "still secret"}),
        "editComment")
    _ok(await api("alice", DELETE, input={"id": comment["id"]}), "deleteComment")
    # then the PMO reads its text and mentions through the audit trail
    pmo = (await api("pmo", TRAIL, id=comment["id"]))["data"]["auditEvents"]["nodes"]
    assert [n["action"] for n in pmo] == ["create", "update", "delete"]
    assert pmo[0]["changes"]["body"]["after"] == "secret @bob@example.com"
    assert "mentions" in pmo[0]["changes"]
    # and nobody else does, not even its author: the events are there, the text is not
    for who in ("alice", "bob"):
        seen = (await api(who, TRAIL, id=comment["id"]))["data"]["auditEvents"]["nodes"]
        assert [n["action"] for n in seen] == ["create", "update", "delete"]
        assert all("body" not in n["changes"] and "mentions" not in n["changes"]
                   for n in seen), who
