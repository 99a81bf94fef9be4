"""Lessons learned through the live API: recorded on a project by its manager or the PMO,
tags normalised, audited and announced; found again by text, category, impact and tags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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

ADD = """
mutation($input: AddLessonInput!) {
  addLesson(input: $input) {
    lesson { id title category whatHappened recommendation impact tags project { code } }
    userErrors { field message code }
  }
}"""

SEARCH = """
query($filter: LessonFilter, $orderBy: [LessonOrder!]) {
  lessons(filter: $filter, orderBy: $orderBy) { totalCount nodes { title } }
}"""

NESTED = """
query($id: ID!, $filter: LessonFilter) {
  node(id: $id) { ... on Project { lessons(filter: $filter) { totalCount nodes { title } } } }
}"""


def new(world: World, project: str = "alice_project", **fields: Any) -> dict[str, Any]:
    return {"projectId": world.gid("Project", getattr(world, project)),
            "title": "Book the vendor early", "category": "Procurement",
            "whatHappened": "The vendor had no capacity in Q1.",
            "recommendation": "Reserve capacity at contract signature.", "impact": "NEGATIVE",
            **fields}


@pytest.mark.parametrize(("who", "project"), [("alice", "alice_project"), ("pmo", "bob_project")])
async def test_manager_or_pmo_records_a_lesson_audited_and_announced(
    api: Api, world: World, sessions: Sessions, who: str, project: str
) -> None:
    # when a lesson is recorded with untidy tags
    result = await api(who, ADD, input=new(world, project,
                                           tags=[" Vendors ", "planning", "VENDORS"]))
    # then the tags are trimmed, lower-cased and distinct
    added = payload(result, "addLesson")
    assert added["userErrors"] == []
    lesson = added["lesson"]
    assert (lesson["impact"], lesson["tags"]) == ("NEGATIVE", ["vendors", "planning"])
    [row] = await rows(sessions, Lesson)
    assert lesson["id"] == world.gid("Lesson", row.id)
    assert (row.project_id, row.impact, row.tags) == (
        getattr(world, project), LessonImpact.NEGATIVE, ["vendors", "planning"])
    [audit] = await audits(sessions, "Lesson", row.id)
    assert (audit.action, audit.actor_id) == ("create", world.people[who])
    assert audit.changes["title"] == {"before": None, "after": "Book the vendor early"}
    [event] = await outbox(sessions, "lesson.added")
    assert (event.payload["entity_id"], event.payload["project_id"]) == (
        row.id, getattr(world, project))


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [({"title": ""}, ["input", "title"], "REQUIRED"),
     ({"title": "x" * 201}, ["input", "title"], "TOO_LONG"),
     ({"category": ""}, ["input", "category"], "REQUIRED"),
     ({"whatHappened": ""}, ["input", "whatHappened"], "REQUIRED"),
     ({"recommendation": ""}, ["input", "recommendation"], "REQUIRED"),
     ({"tags": ["ok", "  "]}, ["input", "tags", "1"], "REQUIRED"),
     ({"tags": ["x" * 41]}, ["input", "tags", "0"], "TOO_LONG"),
     ({"tags": [f"t{i}" for i in range(21)]}, ["input", "tags"], "TOO_LONG"),
     ({"projectId": "UNKNOWN"}, ["input", "projectId"], "NOT_FOUND")],
)
async def test_invalid_lesson_is_a_user_error_and_writes_nothing(
    api: Api, world: World, sessions: Sessions, fields: dict[str, Any], field: list[str],
    code: str,
) -> None:
    if fields.get("projectId") == "UNKNOWN":
        fields["projectId"] = world.gid("Project", 999)
    before = await state(sessions, Lesson)
    result = await api("alice", ADD, input=new(world, **fields))
    assert errors(result, "addLesson") == [(field, code)]
    assert payload(result, "addLesson")["lesson"] is None
    assert await state(sessions, Lesson) == before


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_only_the_manager_or_pmo_may_record_a_lesson(
    api: Api, world: World, sessions: Sessions, who: str
) -> None:
    before = await state(sessions, Lesson)
    result = await api(who, ADD, input=new(world))
    assert codes(result) == ["FORBIDDEN"]
    assert result["data"] is None
    assert await state(sessions, Lesson) == before


@pytest.fixture
async def library(sessions: Sessions, world: World) -> None:
    """Three lessons on Alice's project, one on Bob's, recorded a day apart."""
    recorded = iter(datetime(2026, 1, day, tzinfo=UTC) for day in range(1, 5))

    def lesson(title: str, category: str, impact: LessonImpact, tags: list[str],
               project: int, text: str = "") -> Lesson:
        return Lesson(project_id=project, title=title, category=category, impact=impact,
                      tags=tags, what_happened=f"It happened. {text}",
                      recommendation="Do better.", created_at=next(recorded))

    await add(sessions,
              lesson("Vendor late", "Procurement", LessonImpact.NEGATIVE, ["vendors", "q1"],
                     world.alice_project, "The supplier slipped by 50% of the plan."),
              lesson("Daily stand-ups", "Team", LessonImpact.POSITIVE, ["agile"],
                     world.alice_project),
              lesson("Scope creep", "Planning", LessonImpact.NEGATIVE, [],
                     world.alice_project, "Change control was skipped."),
              lesson("Early vendor demo", "Procurement", LessonImpact.POSITIVE,
                     ["vendors", "demo"], world.bob_project))


@pytest.mark.parametrize(
    ("filter", "titles"),
    [({}, ["Daily stand-ups", "Early vendor demo", "Scope creep", "Vendor late"]),
     ({"search": "VENDOR"}, ["Early vendor demo", "Vendor late"]),
     ({"search": "change control"}, ["Scope creep"]),
     ({"search": "50%"}, ["Vendor late"]),
     ({"search": "do better"}, ["Daily stand-ups", "Early vendor demo", "Scope creep",
                                "Vendor late"]),
     ({"category": ["Procurement", "Team"]}, ["Daily stand-ups", "Early vendor demo",
                                              "Vendor late"]),
     ({"impact": ["POSITIVE"]}, ["Daily stand-ups", "Early vendor demo"]),
     ({"tags": ["Demo", "agile"]}, ["Daily stand-ups", "Early vendor demo"]),
     ({"tags": ["vendors"], "impact": ["NEGATIVE"]}, ["Vendor late"]),
     ({"tags": ["nothing"]}, []),
     ({"tags": []}, []),
     ({"projectIds": ["BOB"]}, ["Early vendor demo"]),
     ({"updatedSince": "FUTURE"}, [])],
)
async def test_lessons_are_found_by_text_category_impact_tags_and_project(
    api: Api, world: World, library: None, filter: dict[str, Any], titles: list[str]
) -> None:
    replace = {"FUTURE": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}
    if "projectIds" in filter:
        filter = {"projectIds": [world.gid("Project", world.bob_project)]}
    filter = {k: replace.get(v, v) if isinstance(v, str) else v for k, v in filter.items()}
    result = await api("ana", SEARCH, filter=filter,
                       orderBy=[{"field": "TITLE", "direction": "ASC"}])
    assert "errors" not in result, result["errors"]
    found = result["data"]["lessons"]
    assert [n["title"] for n in found["nodes"]] == titles
    assert found["totalCount"] == len(titles)


async def test_a_project_lists_its_own_lessons_newest_first(
    api: Api, world: World, library: None
) -> None:
    result = await api("carol", NESTED, id=world.gid("Project", world.alice_project),
                       filter={"tags": ["vendors", "agile"]})
    assert result["data"]["node"]["lessons"] == {
        "totalCount": 2, "nodes": [{"title": "Daily stand-ups"}, {"title": "Vendor late"}]}
