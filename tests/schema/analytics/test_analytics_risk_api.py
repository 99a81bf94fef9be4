"""Risk exposure through the API: riskHeatmap and topRisks count only open risks."""

from __future__ import annotations

import pytest

from tests.schema.analytics.conftest import Analytics
from tests.schema.conftest import Api, codes

HEATMAP = """
query($portfolioId: ID, $projectId: ID) {
  riskHeatmap(portfolioId: $portfolioId, projectId: $projectId) {
    probability impact score count
  }
}"""

TOP = """
query($first: Int!) { topRisks(first: $first) { title score status project { code } } }"""


def nonzero(cells: list[dict[str, int]]) -> dict[tuple[int, int], int]:
    return {(c["probability"], c["impact"]): c["count"] for c in cells if c["count"]}


@pytest.mark.parametrize("who", ["pmo", "bob", "dave", "ana"])
async def test_heatmap_counts_open_and_mitigating_risks_per_cell(
    api: Api, analytics: Analytics, who: str,
) -> None:
    # given: 5x5 OPEN + MITIGATING and 3x4 OPEN are open; a CLOSED and an OCCURRED are not
    # when
    result = await api(who, HEATMAP)
    # then
    assert "errors" not in result, result
    cells = result["data"]["riskHeatmap"]
    assert len(cells) == 25
    assert cells[0] == {"probability": 1, "impact": 1, "score": 1, "count": 0}
    assert cells[-1] == {"probability": 5, "impact": 5, "score": 25, "count": 2}
    assert nonzero(cells) == {(5, 5): 2, (3, 4): 1}


async def test_heatmap_of_one_project_or_portfolio(api: Api, analytics: Analytics) -> None:
    w = analytics.world
    by_project = await api("ana", HEATMAP, projectId=w.gid("Project", w.bob_project))
    by_portfolio = await api("ana", HEATMAP, portfolioId=w.gid("Portfolio", w.portfolio))
    elsewhere = await api("ana", HEATMAP, portfolioId=w.gid("Portfolio", w.portfolio + 1000))
    assert nonzero(by_project["data"]["riskHeatmap"]) == {(3, 4): 1}
    assert nonzero(by_portfolio["data"]["riskHeatmap"]) == {(5, 5): 2, (3, 4): 1}
    assert nonzero(elsewhere["data"]["riskHeatmap"]) == {}


async def test_heatmap_rejects_an_id_of_the_wrong_type(api: Api, analytics: Analytics) -> None:
    w = analytics.world
    result = await api("ana", HEATMAP, projectId=w.gid("Portfolio", w.portfolio))
    assert codes(result) == ["BAD_USER_INPUT"]


async def test_top_risks_by_score_among_open_risks(api: Api, analytics: Analytics) -> None:
    # when
    two = await api("carol", TOP, first=2)
    every = await api("carol", TOP, first=10)
    # then
    assert "errors" not in two, two
    assert [(r["title"], r["score"]) for r in two["data"]["topRisks"]] == [
        ("Vendor late", 25), ("Scope creep", 25)]
    assert [r["title"] for r in every["data"]["topRisks"]] == [
        "Vendor late", "Scope creep", "Key person leaves"]
    assert {r["status"] for r in every["data"]["topRisks"]} == {"OPEN", "MITIGATING"}
    assert every["data"]["topRisks"][2]["project"] == {"code": "PRJ-0002"}


@pytest.mark.parametrize("first", [-1, 501])
async def test_top_risks_bounds_first(api: Api, analytics: Analytics, first: int) -> None:
    result = await api("ana", TOP, first=first)
    assert codes(result) == ["BAD_USER_INPUT"]
