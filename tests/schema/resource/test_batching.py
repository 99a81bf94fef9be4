"""Nested delivery connections are batched: the statements a board of projects costs do not
depend on how many projects it shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from server.app import create_app
from server.domain.auth.tokens import mint
from server.domain.enums import LessonImpact
from server.domain.models import (
    Allocation,
    Benefit,
    CostEntry,
    Lesson,
    Milestone,
    Project,
    ProjectObjective,
    StrategicObjective,
)
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.schema.conftest import World
from tests.schema.resource.conftest import Sessions, add

BOARD = """
query($n: Int!) {
  projects(first: $n) {
    nodes {
      code
      milestones { totalCount nodes { name viewerCanUpdate viewerCanDelete project { code } } }
      costs(first: 3) { totalCount nodes { amount category } }
      allocations { nodes { percent person { fullName } viewerCanUpdate } }
      benefits { nodes { name owner { fullName } viewerCanUpdate } }
      lessons(filter: {tags: ["vendors"]}) { totalCount nodes { title tags } }
      objectives { nodes { alignmentScore weightedScore objective { code } } }
    }
  }
}"""


@pytest.fixture
async def board(sessions: Sessions, world: World, db_url: str) -> AsyncIterator[Any]:
    """Twelve projects, each with two rows of every delivery type; a debug client as Alice."""
    [objective] = await add(sessions, StrategicObjective(code="GROW", name="Grow"))
    projects = await add(sessions, *(
        Project(code=f"PRJ-{i:04d}", name=f"P{i}", portfolio_id=world.portfolio,
                manager_id=world.people["alice" if i % 2 else "bob"]) for i in range(3, 13)))
    for project_id in [world.alice_project, world.bob_project, *projects]:
        await add(sessions, *[row for n in (1, 2) for row in (
            Milestone(project_id=project_id, name=f"M{n}", planned_date=date(2026, n, 1)),
            CostEntry(project_id=project_id, incurred_on=date(2026, n, 1),
                      amount=Decimal(n)),
            Allocation(project_id=project_id, person_id=world.people["ana" if n == 1 else "dave"],
                       role_name="Dev", start_date=date(2026, n, 1),
                       end_date=date(2026, n, 20), percent=10),
            Benefit(project_id=project_id, name=f"B{n}", target_value=Decimal(n), unit="EUR",
                    owner_id=world.people["carol"]),
            Lesson(project_id=project_id, title=f"L{n}", category="C", what_happened="W",
                   recommendation="R", impact=LessonImpact.POSITIVE, tags=["vendors"]))],
            ProjectObjective(project_id=project_id, objective_id=objective, alignment_score=3))
    app = create_app(load_settings(database_url=db_url, debug=True))
    token = mint(world.people["alice"], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
            async def run(n: int) -> dict[str, Any]:
                response = await http.post("/graphql", json={"query": BOARD,
                                                             "variables": {"n": n}},
                                           headers={"Authorization": f"Bearer {token}"})
                body = response.json()
                assert "errors" not in body, body["errors"]
                return body  # type: ignore[no-any-return]
            yield run


async def test_a_board_of_delivery_data_costs_the_same_statements_for_2_and_12_projects(
    board: Any,
) -> None:
    small, large = await board(2), await board(12)
    assert len(large["data"]["projects"]["nodes"]) == 12
    first = large["data"]["projects"]["nodes"][0]
    assert first["milestones"]["totalCount"] == 2
    assert first["lessons"]["nodes"][0]["tags"] == ["vendors"]
    assert first["objectives"]["nodes"][0]["weightedScore"] == "3.00"
    # About one statement per connection, count and loader (6 + 3 + 4, plus the projects and
    # the caller's roles); a query per row would add at least 24 for the larger board. Which
    # loads share a batch depends on scheduling, so allow one either way.
    counts = [r["extensions"]["sql"]["statements"] for r in (small, large)]
    assert max(counts) <= 16, counts
    assert abs(counts[0] - counts[1]) <= 1, counts
