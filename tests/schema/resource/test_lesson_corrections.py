"""Correcting and deleting lessons through the live API: validated and tags normalised as
addLesson does, by the project's manager or the PMO only, audited, announced, and searched
as they now are (FTS5 on SQLite, tsvector on PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from server.domain.enums import LessonImpact
from server.domain.models import Lesson
from tests.schema.conftest import Api, World, codes
from tests.schema.resource.conftest import (
    OUTSIDERS,
    Sessions,
    add,
    audits,
    errors,
    outbox,
    payload,
    rows,
    state,
)

UPDATE = """
mutation($input: UpdateLessonInput!) {
  updateLesson(input: $input) {
    lesson { id title category whatHappened recommendation impact tags project { code } }
    userErrors { field message code }
  }
}"""

DELETE = """
mutation($input: DeleteLessonInput!) {
  deleteLesson(input: $input) {
    lesson { id title }
    deletedId
    userErrors { field message code }
  }
}"""

SEARCH = """
query($filter: LessonFilter) { lessons(filter: $filter) { totalCount nodes { title } } }"""


async def existing(sessions: Sessions, world: World, project: str | None = "alice_project",
                   ) -> int:
    """A NEGATIVE Procurement lesson tagged vendors and q1 (on no project if ``None``)."""
    [lesson_id] = await add(sessions, Lesson(
        project_id=getattr(world, project) if project else None,
        title="Book the vendor early", category="Procurement",
        what_happened="The vendor had no capacity in Q1.",
        recommendation="Reserve capacity at contract signature.",
        impact=LessonImpact.NEGATIVE, tags=["vendors", "q1"]))
    return lesson_id


async def found(api: Api, search: str) -> list[str]:
    result = await api("ana", SEARCH, filter={"search": search})
    assert "errors" not in result, result["errors"]
    return [n["title"] for n in result["data"]["lessons"]["nodes"]]


@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_manager_or_pmo_corrects_a_lesson_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    # given a recorded lesson
    lesson_id = await existing(sessions, world, project)
    # when its title, impact and tags are corrected, the tags untidy
    result = await api(who, UPDATE, input={"id": world.gid("Lesson", lesson_id),
                                           "title": "Book the supplier early",
                                           "impact": "POSITIVE",
                                           "tags": [" Suppliers ", "PLANNING", "suppliers"]})
    # then only those change, the tags trimmed, lower-cased and distinct as on add
    updated = payload(result, "updateLesson")
    assert updated["userErrors"] == []
    assert updated["lesson"] == {
        "id": world.gid("Lesson", lesson_id), "title": "Book the supplier early",
        "category": "Procurement", "whatHappened": "The vendor had no capacity in Q1.",
        "recommendation": "Reserve capacity at contract signature.", "impact": "POSITIVE",
        "tags": ["suppliers", "planning"],
        "project": {"code": "PRJ-0001" if project == "alice_project" else "PRJ-0002"}}
    [row] = await rows(sessions, Lesson)
    assert (row.title, row.impact, row.tags) == (
        "Book the supplier early", LessonImpact.POSITIVE, ["suppliers", "planning"])
    # and the change is audited with its diff and announced
    [audit] = await audits(sessions, "Lesson", lesson_id)
    assert (audit.action, audit.actor_id) == ("update", world.people[who])
    assert audit.changes == {
        "title": {"before": "Book the vendor early", "after": "Book the supplier early"},
        "impact": {"before": "NEGATIVE", "after": "POSITIVE"},
        "tags": {"before": ["vendors", "q1"], "after": ["suppliers", "planning"]}}
    [event] = await outbox(sessions, "lesson.changed")
    assert event.payload == {"entity_type": "Lesson", "entity_id": lesson_id,
                             "portfolio_id": world.portfolio, "action": "update",
                             "project_id": getattr(world, project)}


async def test_an_empty_list_clears_the_tags(api: Api, world: World, sessions: Sessions) -> None:
    lesson_id = await existing(sessions, world)
    result = await api("alice", UPDATE, input={"id": world.gid("Lesson", lesson_id),
                                               "tags": []})
    assert payload(result, "updateLesson")["lesson"]["tags"] == []
    [row] = await rows(sessions, Lesson)
    assert row.tags == []


@pytest.mark.parametrize("who", ["alice", "pmo"])
async def test_manager_or_pmo_deletes_a_lesson_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    lesson_id = await existing(sessions, world)
    result = await api(who, DELETE, input={"id": world.gid("Lesson", lesson_id)})
    assert payload(result, "deleteLesson") == {
        "lesson": {"id": world.gid("Lesson", lesson_id), "title": "Book the vendor early"},
        "deletedId": world.gid("Lesson", lesson_id), "userErrors": []}
    assert await rows(sessions, Lesson) == []
    # the audit keeps every field the lesson had
    [audit] = await audits(sessions, "Lesson", lesson_id)
    assert (audit.action, audit.actor_id) == ("delete", world.people[who])
    assert audit.changes == {
        "project_id": {"before": world.alice_project, "after": None},
        "title": {"before": "Book the vendor early", "after": None},
        "category": {"before": "Procurement", "after": None},
        "what_happened": {"before": "The vendor had no capacity in Q1.", "after": None},
        "recommendation": {"before": "Reserve capacity at contract signature.", "after": None},
        "impact": {"before": "NEGATIVE", "after": None},
        "tags": {"before": ["vendors", "q1"], "after": None}}
    [event] = await outbox(sessions, "lesson.changed")
    assert event.payload == {"entity_type": "Lesson", "entity_id": lesson_id,
                             "portfolio_id": world.portfolio, "action": "delete",
                             "project_id": world.alice_project}


async def test_search_finds_a_lesson_by_its_new_words_and_not_after_deletion(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given a lesson found by its words
    lesson_id = await existing(sessions, world)
    gid = world.gid("Lesson", lesson_id)
    assert await found(api, "vendor capacity") == ["Book the vendor early"]
    # when its title, text and tags are corrected through the API
    result = await api("alice", UPDATE, input={
        "id": gid, "title": "Escrow the source code", "whatHappened": "The supplier folded.",
        "recommendation": "Negotiate escrow.", "tags": ["insolvency"]})
    assert payload(result, "updateLesson")["userErrors"] == []
    # then the old words find nothing and the new ones find it
    assert await found(api, "vendor") == []
    assert await found(api, "capacity") == []
    assert await found(api, "q1") == []
    assert await found(api, "escrow folded") == ["Escrow the source code"]
    assert await found(api, "insolvency") == ["Escrow the source code"]
    # when it is deleted through the API, then its words find nothing
    result = await api("alice", DELETE, input={"id": gid})
    assert payload(result, "deleteLesson")["userErrors"] == []
    assert await found(api, "escrow") == []
    assert await found(api, "insolvency") == []


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [({"title": ""}, ["input", "title"], "REQUIRED"),
     ({"title": None}, ["input", "title"], "REQUIRED"),
     ({"category": None}, ["input", "category"], "REQUIRED"),
     ({"whatHappened": None}, ["input", "whatHappened"], "REQUIRED"),
     ({"recommendation": ""}, ["input", "recommendation"], "REQUIRED"),
     ({"impact": None}, ["input", "impact"], "REQUIRED"),
     ({"tags": None}, ["input", "tags"], "REQUIRED"),
     ({"title": "x" * 201}, ["input", "title"], "TOO_LONG"),
     ({"category": "x" * 65}, ["input", "category"], "TOO_LONG"),
     ({"tags": ["ok", "  "]}, ["input", "tags", "1"], "REQUIRED"),
     ({"tags": ["x" * 41]}, ["input", "tags", "0"], "TOO_LONG"),
     ({"tags": [f"t{i}" for i in range(21)]}, ["input", "tags"], "TOO_LONG"),
     ({"id": "UNKNOWN"}, ["input", "id"], "NOT_FOUND"),
     ({"id": "PROJECT"}, ["input", "id"], "INVALID")],
)
async def test_invalid_correction_is_a_user_error_and_changes_nothing(
    api: Api, world: World, sessions: Sessions, changes: dict[str, Any], field: list[str],
    code: str,
) -> None:
    lesson_id = await existing(sessions, world)
    replace = {"UNKNOWN": world.gid("Lesson", 999),
               "PROJECT": world.gid("Project", world.alice_project)}
    changes = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    before = await state(sessions, Lesson)
    result = await api("alice", UPDATE, input={"id": world.gid("Lesson", lesson_id), **changes})
    assert errors(result, "updateLesson") == [(field, code)]
    assert payload(result, "updateLesson")["lesson"] is None
    assert await state(sessions, Lesson) == before


async def test_moving_a_lesson_is_refused_by_the_schema(
    api: Api, world: World, sessions: Sessions
) -> None:
    lesson_id = await existing(sessions, world)
    before = await state(sessions, Lesson)
    result = await api("alice", UPDATE, input={
        "id": world.gid("Lesson", lesson_id), "projectId": world.gid("Project", world.bob_project)})
    assert result["data"] is None and codes(result) == ["GRAPHQL_VALIDATION_FAILED"]
    assert await state(sessions, Lesson) == before


@pytest.mark.parametrize(("target", "code"), [("UNKNOWN", "NOT_FOUND"), ("PROJECT", "INVALID")])
async def test_deleting_an_unknown_or_foreign_id_is_a_user_error(
    api: Api, world: World, sessions: Sessions, target: str, code: str
) -> None:
    await existing(sessions, world)
    gid = {"UNKNOWN": world.gid("Lesson", 999),
           "PROJECT": world.gid("Project", world.alice_project)}[target]
    before = await state(sessions, Lesson)
    result = await api("alice", DELETE, input={"id": gid})
    assert errors(result, "deleteLesson") == [(["input", "id"], code)]
    assert payload(result, "deleteLesson")["deletedId"] is None
    assert await state(sessions, Lesson) == before


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_correct_or_delete_a_lesson(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    # another PM, the sponsor, another executive and an analyst
    gid = world.gid("Lesson", await existing(sessions, world))
    before = await state(sessions, Lesson)
    updated = await api(who, UPDATE, input={"id": gid, "title": "Hijacked"})
    deleted = await api(who, DELETE, input={"id": gid})
    assert codes(updated) == codes(deleted) == ["FORBIDDEN"]
    assert updated["data"] is None and deleted["data"] is None
    assert await state(sessions, Lesson) == before


async def test_a_lesson_on_no_project_is_the_pmos_alone(
    api: Api, world: World, sessions: Sessions
) -> None:
    # given a lesson kept without a project
    gid = world.gid("Lesson", await existing(sessions, world, project=None))
    # when a PM tries to change it, then it is forbidden
    before = await state(sessions, Lesson)
    refused = await api("alice", UPDATE, input={"id": gid, "title": "Hijacked"})
    assert codes(refused) == ["FORBIDDEN"]
    assert await state(sessions, Lesson) == before
    # when the PMO corrects and deletes it, then both succeed
    updated = await api("pmo", UPDATE, input={"id": gid, "category": "Vendors"})
    assert payload(updated, "updateLesson")["lesson"]["project"] is None
    deleted = await api("pmo", DELETE, input={"id": gid})
    assert payload(deleted, "deleteLesson")["deletedId"] == gid
    assert await rows(sessions, Lesson) == []
    announced = await outbox(sessions, "lesson.changed")
    assert [(e.payload["action"], e.payload["project_id"], e.payload["portfolio_id"])
            for e in announced] == [("update", None, None), ("delete", None, None)]
