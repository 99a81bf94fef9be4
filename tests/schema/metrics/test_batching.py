"""Earned value on a list of projects costs a fixed number of statements: AC comes from one
grouped query, not one per project."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx2

from server.app import create_app
from server.domain.auth.tokens import mint
from server.domain.models import CostEntry, Project
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.schema.conftest import World
from tests.schema.metrics.conftest import Sessions

BOARD = """
query($n: Int!) {
  projects(first: $n) { nodes { code health evm(asOf: "2026-02-01") { ac cpi health } } }
  portfolios { nodes { evm(asOf: "2026-02-01") { ac } } }
}"""


async def test_the_statements_do_not_depend_on_the_number_of_projects(
    sessions: Sessions, evm_world: World, db_url: str,
) -> None:
    # given: twelve projects with a cost entry each
    async with sessions() as s, s.begin():
        for i in range(3, 13):
            project = Project(code=f"PRJ-{i:04d}", name=f"P{i}", portfolio_id=evm_world.portfolio,
                              manager_id=evm_world.people["alice"])
            s.add(project)
            await s.flush()
            s.add(CostEntry(project_id=project.id, incurred_on=date(2026, 1, 2),  # type: ignore[arg-type]
                            amount=Decimal("10.00")))
    app = create_app(load_settings(database_url=db_url, debug=True))
    token = mint(evm_world.people["pmo"], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))

    # when
    bodies: list[dict[str, Any]] = []
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
            for n in (2, 12):
                response = await http.post("/graphql", json={"query": BOARD, "variables": {"n": n}},
                                           headers={"Authorization": f"Bearer {token}"})
                bodies.append(response.json())

    # then
    for body in bodies:
        assert "errors" not in body, body["errors"]
    large = bodies[1]["data"]
    assert len(large["projects"]["nodes"]) == 12
    assert large["portfolios"]["nodes"][0]["evm"]["ac"] == "85100.00"
    counts = [b["extensions"]["sql"]["statements"] for b in bodies]
    # projects, the caller's roles, AC as of the date and as of today, the milestone plans,
    # thresholds, the portfolios and their projects (how loads fall into batches varies by a
    # statement or two); one per project would add at least 10 for the larger list.
    assert max(counts) <= 10, counts
    assert counts[1] <= counts[0] + 1, counts
