"""Strategic alignment through the API: Project.alignmentScore, Portfolio.ranking and the
budget-capped portfolioScenario."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx2
import pytest
from sqlmodel import select

from server.app import create_app
from server.domain.analytics import strategy
from server.domain.auth.tokens import mint
from server.domain.models import Project, ProjectObjective, StrategicObjective
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.schema.analytics.conftest import Analytics, Sessions
from tests.schema.conftest import Api, codes

ALIGNMENT = """
query($id: ID!) { node(id: $id) { ... on Project { code alignmentScore } } }"""

RANKING = """
query($id: ID!) {
  node(id: $id) {
    ... on Portfolio { ranking { rank alignmentScore project { code } } }
  }
}"""

SCENARIO = """
query($portfolioId: ID!, $cap: Decimal!) {
  portfolioScenario(portfolioId: $portfolioId, budgetCap: $cap) {
    budgetCap totalCost totalAlignmentScore leftOutCost leftOutAlignmentScore
    optimal scoreUpperBound chosen { code alignmentScore } leftOut { code }
  }
}"""

BOARD = """
query($n: Int!) {
  projects(first: $n) { nodes { code alignmentScore } }
  portfolios { nodes { ranking { rank project { code } } } }
}"""


@pytest.mark.parametrize("who", ["pmo", "alice", "carol", "ana"])
async def test_alignment_score_is_the_weighted_sum_of_the_objectives(
    api: Api, analytics: Analytics, who: str,
) -> None:
    # given: Alpha scores GROW (weight 2) 4 and SAVE (weight 1.5) 2
    w = analytics.world
    # when
    result = await api(who, ALIGNMENT, id=w.gid("Project", w.alice_project))
    # then
    assert "errors" not in result, result
    assert result["data"]["node"] == {"code": "PRJ-0001", "alignmentScore": "11.00"}


async def test_a_project_without_objectives_scores_zero(api: Api, analytics: Analytics,
                                                         sessions: Sessions) -> None:
    # given
    w = analytics.world
    async with sessions() as s, s.begin():
        s.add(Project(code="PRJ-0009", name="Bare", portfolio_id=w.portfolio,
                      manager_id=w.people["bob"]))
        await s.flush()
        bare = (await s.exec(select(Project).where(
            Project.code == "PRJ-0009"))).one()
    # when
    result = await api("ana", ALIGNMENT, id=w.gid("Project", bare.id))  # type: ignore[arg-type]
    # then
    assert float(result["data"]["node"]["alignmentScore"]) == 0


async def test_portfolio_ranking_orders_projects_by_alignment(api: Api,
                                                              analytics: Analytics) -> None:
    # given: Alpha 11, Delta 10, Gamma 7.5, Beta 2
    w = analytics.world
    # when
    result = await api("carol", RANKING, id=w.gid("Portfolio", w.portfolio))
    # then
    assert "errors" not in result, result
    assert result["data"]["node"]["ranking"] == [
        {"rank": 1, "alignmentScore": "11.00", "project": {"code": "PRJ-0001"}},
        {"rank": 2, "alignmentScore": "10.00", "project": {"code": "PRJ-0004"}},
        {"rank": 3, "alignmentScore": "7.50", "project": {"code": "PRJ-0003"}},
        {"rank": 4, "alignmentScore": "2.00", "project": {"code": "PRJ-0002"}},
    ]


async def test_scenario_picks_the_best_set_of_proposed_and_active_projects_within_the_cap(
    api: Api, analytics: Analytics,
) -> None:
    # given: candidates Alpha (100k, 11), Beta (200k, 2), Gamma (150k, 7.5); Delta is completed
    w = analytics.world
    # when
    result = await api("ana", SCENARIO, portfolioId=w.gid("Portfolio", w.portfolio),
                       cap="250000.00")
    # then
    assert "errors" not in result, result
    scenario = result["data"]["portfolioScenario"]
    assert [p["code"] for p in scenario["chosen"]] == ["PRJ-0001", "PRJ-0003"]
    assert [p["code"] for p in scenario["leftOut"]] == ["PRJ-0002"]
    assert scenario["chosen"][0]["alignmentScore"] == "11.00"
    assert float(scenario["budgetCap"]) == 250000
    assert float(scenario["totalCost"]) == 250000
    assert float(scenario["totalAlignmentScore"]) == 18.5
    assert float(scenario["leftOutCost"]) == 200000
    assert float(scenario["leftOutAlignmentScore"]) == 2
    assert scenario["optimal"] is True
    assert float(scenario["scoreUpperBound"]) == 18.5


async def test_scenario_says_when_its_work_budget_ran_out_before_a_proof(
    api: Api, analytics: Analytics, sessions: Sessions, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: three more candidates of 6, 8 and 10 points at 10,000 a point (GROW 3, 4, 5),
    # a cap of 300,000 (the best set scores 29) and no work budget
    w = analytics.world
    async with sessions() as s, s.begin():
        grow = (await s.exec(select(StrategicObjective).where(
            StrategicObjective.code == "GROW"))).one()
        for i, alignment in enumerate((3, 4, 5), start=10):
            project = Project(code=f"PRJ-{i:04d}", name=f"P{i}", portfolio_id=w.portfolio,
                              manager_id=w.people["alice"],
                              budget_at_completion=Decimal(alignment * 20_000))
            s.add(project)
            await s.flush()
            s.add(ProjectObjective(project_id=project.id, objective_id=grow.id,  # type: ignore[arg-type]
                                   alignment_score=alignment))
    variables = {"portfolioId": w.gid("Portfolio", w.portfolio), "cap": "300000"}
    monkeypatch.setattr(strategy, "WORK_BUDGET", 0)
    # when
    result = await api("ana", SCENARIO, **variables)
    # then: the greedy set (Alpha, 6, 8), not proven, with a bound above the best
    assert "errors" not in result, result
    scenario = result["data"]["portfolioScenario"]
    assert scenario["optimal"] is False
    assert float(scenario["totalCost"]) <= 300000
    assert float(scenario["totalAlignmentScore"]) == 25
    assert float(scenario["scoreUpperBound"]) >= 29
    # and when: the usual budget
    monkeypatch.undo()
    scenario = (await api("ana", SCENARIO, **variables))["data"]["portfolioScenario"]
    # then: the best set (8, 10, Alpha), proven
    assert [p["code"] for p in scenario["chosen"]] == ["PRJ-0001", "PRJ-0011", "PRJ-0012"]
    assert scenario["optimal"] is True
    assert float(scenario["totalAlignmentScore"]) == float(scenario["scoreUpperBound"]) == 29


async def test_scenario_with_a_small_cap_chooses_nothing(api: Api, analytics: Analytics) -> None:
    w = analytics.world
    result = await api("pmo", SCENARIO, portfolioId=w.gid("Portfolio", w.portfolio), cap="10")
    scenario = result["data"]["portfolioScenario"]
    assert scenario["chosen"] == []
    assert {p["code"] for p in scenario["leftOut"]} == {"PRJ-0001", "PRJ-0002", "PRJ-0003"}
    assert float(scenario["totalCost"]) == 0


@pytest.mark.parametrize(("portfolio_id", "cap"), [
    ("not-an-id", "1000"),
    (None, "-1"),
    (None, "NaN"),
    (None, "Infinity"),
])
async def test_scenario_rejects_bad_arguments(api: Api, analytics: Analytics,
                                              portfolio_id: str | None, cap: str) -> None:
    w = analytics.world
    result = await api("pmo", SCENARIO,
                       portfolioId=portfolio_id or w.gid("Portfolio", w.portfolio), cap=cap)
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result["data"] is None


async def test_analytics_need_a_caller(client: httpx2.AsyncClient, analytics: Analytics) -> None:
    w = analytics.world
    response = await client.post("/graphql", json={
        "query": SCENARIO,
        "variables": {"portfolioId": w.gid("Portfolio", w.portfolio), "cap": "1"}})
    assert codes(response.json()) == ["UNAUTHENTICATED"]


async def test_alignment_costs_one_statement_however_many_projects(
    sessions: Sessions, analytics: Analytics, db_url: str,
) -> None:
    # given: ten more projects, each aligned to an objective
    w = analytics.world
    async with sessions() as s, s.begin():
        objective_id = (await s.exec(select(
            ProjectObjective.objective_id))).first()
        for i in range(10, 20):
            project = Project(code=f"PRJ-{i:04d}", name=f"P{i}", portfolio_id=w.portfolio,
                              manager_id=w.people["alice"])
            s.add(project)
            await s.flush()
            s.add(ProjectObjective(project_id=project.id, objective_id=objective_id,  # type: ignore[arg-type]
                                   alignment_score=i % 6))
    app = create_app(load_settings(database_url=db_url, debug=True))
    token = mint(w.people["ana"], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    # when
    bodies: list[dict[str, Any]] = []
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
            for n in (2, 14):
                response = await http.post("/graphql", json={"query": BOARD, "variables": {"n": n}},
                                           headers={"Authorization": f"Bearer {token}"})
                bodies.append(response.json())
    # then
    for body in bodies:
        assert "errors" not in body, body["errors"]
    assert len(bodies[1]["data"]["projects"]["nodes"]) == 14
    counts = [b["extensions"]["sql"]["statements"] for b in bodies]
    assert abs(counts[0] - counts[1]) <= 1, counts
    assert max(counts) <= 8, counts
