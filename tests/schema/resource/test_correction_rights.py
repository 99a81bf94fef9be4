"""viewerCanUpdate / viewerCanDelete on cost entries and lessons say what the correction
mutations will allow: the PMO, and the manager of the project; a lesson without a project is
the PMO's alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from server.domain.enums import LessonImpact
from server.domain.models import CostEntry, Lesson
from tests.schema.conftest import Api, World
from tests.schema.resource.conftest import Sessions

RIGHTS = """
query($id: ID!) {
  node(id: $id) {
    ... on CostEntry { viewerCanUpdate viewerCanDelete }
    ... on Lesson { viewerCanUpdate viewerCanDelete }
  }
}"""


async def rows(sessions: Sessions, world: World) -> dict[str, int]:
    async with sessions() as s, s.begin():
        cost = CostEntry(project_id=world.alice_project, incurred_on=date(2026, 1, 5),
                         amount=Decimal("10.00"))
        lesson = Lesson(project_id=world.alice_project, title="T", category="Planning",
                        what_happened="W", recommendation="R", impact=LessonImpact.POSITIVE)
        orphan = Lesson(project_id=None, title="T", category="Planning", what_happened="W",
                        recommendation="R", impact=LessonImpact.NEGATIVE)
        s.add_all([cost, lesson, orphan])
        await s.flush()
        return {"CostEntry": cost.id, "Lesson": lesson.id, "orphan": orphan.id}  # type: ignore[dict-item]


@pytest.mark.parametrize(("who", "expected"), [
    ("pmo", (True, True, True)), ("alice", (True, True, False)), ("bob", (False, False, False)),
    ("carol", (False, False, False)), ("ana", (False, False, False)),
])
async def test_the_flags_follow_the_policies(
    api: Api, world: World, sessions: Sessions, who: str, expected: tuple[bool, bool, bool],
) -> None:
    ids = await rows(sessions, world)
    answers = []
    for type_name, key in (("CostEntry", "CostEntry"), ("Lesson", "Lesson"),
                           ("Lesson", "orphan")):
        result = await api(who, RIGHTS, id=world.gid(type_name, ids[key]))
        assert "errors" not in result, result["errors"]
        node = result["data"]["node"]
        assert node["viewerCanUpdate"] == node["viewerCanDelete"]
        answers.append(node["viewerCanUpdate"])
    assert tuple(answers) == expected
