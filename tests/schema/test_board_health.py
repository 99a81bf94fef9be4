"""The board by health: ``projects(filter: {health})`` and ``orderBy: [{field: HEALTH}]`` agree
with ``Project.health`` (override, else the worse of the CPI and SPI bands, today), page by
cursor like any other order, and work the same under a portfolio and in ``projectRows``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.base import utcnow
from server.domain.enums import EvmMetric, Rag
from server.domain.models import CostEntry, Portfolio, Project, RagThreshold
from tests.schema.conftest import Api, World, codes

Sessions = async_sessionmaker[AsyncSession]

# code: (portfolio 1 or 2, health override, percent complete, AC spent yesterday)
# Baselined from 30 days ago to 30 days ahead with BAC 100,000: PV today is 50,000.
PLANS: dict[str, tuple[int, Rag | None, int, str | None]] = {
    "H-RED-SET": (1, Rag.RED, 0, None),
    "H-AMBER-SET": (1, Rag.AMBER, 0, None),
    "H-RED-SPI": (2, None, 10, None),  # SPI 0.2, no cost: CPI unknown -> RED
    "H-GREEN": (2, None, 60, "50000.00"),  # CPI 1.2, SPI 1.2 -> GREEN
    "H-AMBER": (1, None, 43, "50000.00"),  # CPI 0.86, SPI 0.86 -> AMBER
}
# Alice's and Bob's projects (PRJ-0001, PRJ-0002) have no baseline and no cost: unknown.
HEALTH_OF = {"H-RED-SET": "RED", "H-AMBER-SET": "AMBER", "H-RED-SPI": "RED",
             "H-GREEN": "GREEN", "H-AMBER": "AMBER", "PRJ-0001": None, "PRJ-0002": None}


@pytest.fixture
async def board(sessions: Sessions, world: World) -> World:
    today = utcnow().date()
    async with sessions() as s, s.begin():
        other = Portfolio(code="PF-2", name="Run", owner_id=world.people["carol"],
                          budget=Decimal("1000000.00"))
        s.add(other)
        s.add_all([RagThreshold(metric=EvmMetric.CPI, green_at=Decimal("0.950"),
                                amber_at=Decimal("0.850")),
                   RagThreshold(metric=EvmMetric.SPI, green_at=Decimal("0.900"),
                                amber_at=Decimal("0.800"))])
        await s.flush()
        for code, (portfolio, override, percent, spent) in PLANS.items():
            project = Project(code=code, name=code.title(),
                              portfolio_id=world.portfolio if portfolio == 1 else other.id,
                              manager_id=world.people["alice"],
                              budget_at_completion=Decimal("100000.00"),
                              baseline_start=today - timedelta(days=30),
                              baseline_finish=today + timedelta(days=30),
                              percent_complete=percent, health_override=override)
            s.add(project)
            await s.flush()
            if spent is not None:
                s.add(CostEntry(project_id=project.id, incurred_on=today - timedelta(days=1),
                                amount=Decimal(spent)))
    return world


ALL = "query { projects(first: 100) { nodes { code health } } }"
FILTERED = """query($health: [Rag!]) {
  projects(filter: {health: $health}, first: 100) { totalCount nodes { code health } } }"""
ORDERED = """query($direction: OrderDirection!, $after: String) {
  projects(orderBy: [{field: HEALTH, direction: $direction}], first: 2, after: $after) {
    nodes { code health } pageInfo { hasNextPage endCursor } } }"""


def ok(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result["errors"]
    return result["data"]  # type: ignore[no-any-return]


async def test_every_project_shows_the_health_the_cases_were_built_for(
    api: Api, board: World,
) -> None:
    nodes = ok(await api("ana", ALL))["projects"]["nodes"]
    assert {n["code"]: n["health"] for n in nodes} == HEALTH_OF


@pytest.mark.parametrize("wanted", [["RED"], ["GREEN", "AMBER"], ["GREEN"]])
async def test_the_health_filter_lists_exactly_the_projects_of_those_healths(
    api: Api, board: World, wanted: list[str],
) -> None:
    data = ok(await api("ana", FILTERED, health=wanted))["projects"]
    assert sorted(n["code"] for n in data["nodes"]) == sorted(
        code for code, health in HEALTH_OF.items() if health in wanted)
    assert data["totalCount"] == len(data["nodes"])
    assert all(n["health"] in wanted for n in data["nodes"])


async def test_an_empty_health_filter_lists_nothing(api: Api, board: World) -> None:
    assert ok(await api("pmo", FILTERED, health=[]))["projects"]["nodes"] == []


async def pages(api: Api, direction: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = ok(await api("alice", ORDERED, direction=direction, after=after))["projects"]
        seen += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def test_ordering_by_health_pages_green_to_red_then_unknown(api: Api, board: World) -> None:
    # when the board is read two projects at a time, by cursor
    ascending = await pages(api, "ASC")
    descending = await pages(api, "DESC")
    # then every project comes once, in health order, ties by id (creation order here)
    assert [n["health"] for n in ascending] == ["GREEN", "AMBER", "AMBER", "RED", "RED",
                                                None, None]
    assert [n["code"] for n in ascending] == ["H-GREEN", "H-AMBER-SET", "H-AMBER",
                                              "H-RED-SET", "H-RED-SPI", "PRJ-0001", "PRJ-0002"]
    assert [n["health"] for n in descending] == [None, None, "RED", "RED", "AMBER", "AMBER",
                                                 "GREEN"]
    assert [n["code"] for n in descending][:2] == ["PRJ-0001", "PRJ-0002"]


async def test_health_then_code_orders_within_a_health(api: Api, board: World) -> None:
    query = """{ projects(orderBy: [{field: HEALTH, direction: DESC}, {field: CODE,
      direction: DESC}], filter: {health: [RED, AMBER]}) { nodes { code } } }"""
    nodes = ok(await api("dave", query))["projects"]["nodes"]
    assert [n["code"] for n in nodes] == ["H-RED-SPI", "H-RED-SET", "H-AMBER-SET", "H-AMBER"]


async def test_a_cursor_of_the_health_order_is_refused_by_another_order(
    api: Api, board: World,
) -> None:
    cursor = ok(await api("ana", ORDERED, direction="ASC"))["projects"]["pageInfo"]["endCursor"]
    result = await api("ana", """query($after: String) {
      projects(orderBy: [{field: CODE}], after: $after) { nodes { code } } }""", after=cursor)
    assert codes(result) == ["BAD_USER_INPUT"]


async def test_each_portfolio_lists_its_own_red_projects(api: Api, board: World) -> None:
    query = """{ portfolios(orderBy: [{field: CODE}]) { nodes { code
      projects(filter: {health: [RED]}, orderBy: [{field: HEALTH}, {field: CODE}]) {
        totalCount nodes { code health } } } } }"""
    portfolios = ok(await api("carol", query))["portfolios"]["nodes"]
    assert {p["code"]: [n["code"] for n in p["projects"]["nodes"]] for p in portfolios} == {
        "PF-1": ["H-RED-SET"], "PF-2": ["H-RED-SPI"]}
    assert [p["projects"]["totalCount"] for p in portfolios] == [1, 1]


async def test_project_rows_filter_by_the_health_as_of_their_day(api: Api, board: World) -> None:
    # given the day the baselines start: nothing planned and nothing spent yet, so only the
    # overrides have a health
    start = (utcnow().date() - timedelta(days=30)).isoformat()
    query = """query($asOf: Date, $health: [Rag!]) { reports { projectRows(asOf: $asOf,
      filter: {health: $health}, orderBy: [{field: HEALTH, direction: DESC}]) {
        nodes { code health } } } }"""
    # when
    then_ = ok(await api("pmo", query, asOf=start, health=["RED", "AMBER"]))
    now = ok(await api("pmo", query, health=["RED", "AMBER"]))
    # then each list is the rows whose health on that day is RED or AMBER, worst first
    assert then_["reports"]["projectRows"]["nodes"] == [
        {"code": "H-RED-SET", "health": "RED"}, {"code": "H-AMBER-SET", "health": "AMBER"}]
    assert now["reports"]["projectRows"]["nodes"] == [
        {"code": "H-RED-SET", "health": "RED"}, {"code": "H-RED-SPI", "health": "RED"},
        {"code": "H-AMBER-SET", "health": "AMBER"}, {"code": "H-AMBER", "health": "AMBER"}]
