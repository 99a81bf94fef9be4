"""Every delivery type is a Relay node: reachable by global id through the same permissions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from server.domain.enums import LessonImpact
from server.domain.models import (
    Allocation,
    Benefit,
    CostEntry,
    Lesson,
    Milestone,
    ProjectObjective,
    StrategicObjective,
)
from tests.schema.conftest import Api, World, codes
from tests.schema.resource.conftest import Sessions, add

NODE = """
query($id: ID!) { node(id: $id) { __typename id ... on Lesson { project { code } } } }"""


@pytest.fixture
async def delivery(sessions: Sessions, world: World) -> dict[str, int]:
    """One row of each delivery type on Alice's project."""
    [objective] = await add(sessions, StrategicObjective(code="GROW", name="Grow"))
    ids = await add(
        sessions,
        Milestone(project_id=world.alice_project, name="M", planned_date=date(2026, 1, 1)),
        CostEntry(project_id=world.alice_project, incurred_on=date(2026, 1, 1),
                  amount=Decimal("1.00")),
        Allocation(project_id=world.alice_project, person_id=world.people["bob"],
                   role_name="QA", start_date=date(2026, 1, 1), end_date=date(2026, 1, 31),
                   percent=10),
        Benefit(project_id=world.alice_project, name="B", target_value=Decimal("1"), unit="EUR"),
        Lesson(project_id=world.alice_project, title="L", category="C", what_happened="W",
               recommendation="R", impact=LessonImpact.POSITIVE),
        ProjectObjective(project_id=world.alice_project, objective_id=objective,
                         alignment_score=3))
    names = ["Milestone", "CostEntry", "Allocation", "Benefit", "Lesson", "ProjectObjective"]
    return {**dict(zip(names, ids, strict=True)), "StrategicObjective": objective}


@pytest.mark.parametrize("type_name", ["Milestone", "CostEntry", "Allocation", "Benefit",
                                       "Lesson", "ProjectObjective", "StrategicObjective"])
async def test_each_type_is_reachable_by_its_global_id(
    api: Api, world: World, delivery: dict[str, int], type_name: str
) -> None:
    gid = world.gid(type_name, delivery[type_name])
    result = await api("ana", NODE, id=gid)
    assert "errors" not in result, result["errors"]
    assert (result["data"]["node"]["__typename"], result["data"]["node"]["id"]) == (type_name,
                                                                                   gid)
    missing = await api("ana", NODE, id=world.gid(type_name, 999))
    assert missing["data"]["node"] is None and codes(missing) == []
