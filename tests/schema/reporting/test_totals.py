"""Totals add up: a portfolio's summary equals the sums over its projectRows, on the seeded
demo data at scale 1 and scale 10 (2,000-odd projects), on both backends. A BI tool that adds
up the rows it loaded must land on the figure the PMO's summary shows, to the cent."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from schema.base import to_global_id
from server.app import create_app
from server.domain.auth.tokens import mint
from server.domain.models import Person, Portfolio
from server.seed import seed_database
from server.settings import DEMO_SECRET_KEY, load_settings

SUMMARY = """
query($id: ID!, $asOf: Date) {
  reports { portfolioSummary(portfolioId: $id, asOf: $asOf) {
    projectCount byStatus { value count } byHealth { value count }
    bac pv ev ac cv sv openRisks highRisks openIssues overdueMilestones } }
}"""
ROWS = """
query($id: ID, $asOf: Date, $after: String) {
  reports { projectRows(portfolioId: $id, asOf: $asOf, first: 500, after: $after) {
    nodes { status health budgetAtCompletion pv ev ac cv sv openRisks highRisks openIssues
            overdueMilestones }
    pageInfo { hasNextPage endCursor } } }
}"""


@pytest.fixture(params=[1, 10], ids=["scale 1", "scale 10"])
async def seeded(request: pytest.FixtureRequest, engine: AsyncEngine,
                 db_url: str) -> AsyncIterator[tuple[httpx2.AsyncClient, str, list[int]]]:
    """A client of the app on the demo data seeded at a scale, an analyst's token and the
    portfolio ids."""
    await seed_database(engine, scale=request.param, seed=1)
    async with engine.connect() as conn:
        analyst = (await conn.execute(sa.select(Person.id).where(
            Person.email == "bi.reader@example.com"))).scalar_one()
        portfolios = list((await conn.execute(sa.select(Portfolio.id))).scalars())
    app = create_app(load_settings(database_url=db_url))
    token = mint(analyst, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=10))
    async with app.router.lifespan_context(app), httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app), base_url="http://test") as client:
        yield client, token, portfolios


async def graphql(client: httpx2.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables},
                                 headers={"Authorization": f"Bearer {token}"})
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]["reports"]


async def project_rows(client: httpx2.AsyncClient, token: str, portfolio: str,
                       as_of: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await graphql(client, token, ROWS, id=portfolio, asOf=as_of, after=after)
                )["projectRows"]
        rows += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]


def total(rows: list[dict[str, Any]], field: str) -> str | None:
    values = [Decimal(r[field]) for r in rows if r[field] is not None]
    return None if not values else f"{sum(values, Decimal(0)):.2f}"


async def test_a_portfolio_summary_is_the_sum_of_its_project_rows(
    seeded: tuple[httpx2.AsyncClient, str, list[int]],
) -> None:
    client, token, portfolios = seeded
    as_of = date.today().isoformat()
    checked = 0
    for portfolio_id in portfolios:
        gid = to_global_id("Portfolio", portfolio_id)
        # when
        summary = (await graphql(client, token, SUMMARY, id=gid, asOf=as_of))["portfolioSummary"]
        rows = await project_rows(client, token, gid, as_of)

        # then: counts, money to the cent, and the RAID counts
        assert summary["projectCount"] == len(rows)
        statuses = Counter(r["status"] for r in rows)
        assert {c["value"]: c["count"] for c in summary["byStatus"]} == {
            c["value"]: statuses[c["value"]] for c in summary["byStatus"]}
        healths = Counter(r["health"] or "UNKNOWN" for r in rows)
        assert {c["value"]: c["count"] for c in summary["byHealth"]} == {
            c["value"]: healths[c["value"]] for c in summary["byHealth"]}
        assert summary["bac"] == total(rows, "budgetAtCompletion")
        for field in ("pv", "ev", "ac", "cv", "sv"):
            assert summary[field] == total(rows, field), (field, portfolio_id)
        for field in ("openRisks", "highRisks", "openIssues", "overdueMilestones"):
            assert summary[field] == sum(r[field] for r in rows), (field, portfolio_id)
        checked += len(rows)
    assert checked > 10
