"""Connections over seeded data: statement counts independent of page size, and paging that
returns every row exactly once in any order, forwards and backwards, while rows are added."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from server.domain.auth.tokens import mint
from server.domain.models import Person, Project
from server.seed import seed_database
from server.settings import DEMO_SECRET_KEY, load_settings

BOARD = """
query($n: Int!) {
  projects(first: $n, orderBy: [{field: PRIORITY, direction: ASC}]) {
    totalCount
    edges { cursor node {
      code name status
      portfolio { name }
      manager { fullName } sponsor { fullName }
      latestStatusReport { periodEnd overall }
      risks(first: 5) { totalCount nodes { title score } }
      milestones { nodes { name plannedDate } }
      gates { nodes { name status viewerCanDecide } }
      viewerCanUpdate
    } }
  }
}"""

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String, $order: [ProjectOrder!]) {
  projects(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id code } }
  }
}"""


class Client:
    def __init__(self, http: httpx2.AsyncClient, token: str) -> None:
        self.http, self.token = http, token

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables},
                                        headers={"Authorization": f"Bearer {self.token}"})
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body  # type: ignore[no-any-return]


@pytest.fixture
async def client(engine: AsyncEngine, db_url: str) -> AsyncIterator[Client]:
    await seed_database(engine, scale=2, seed=7)
    async with engine.connect() as conn:
        alice = (await conn.execute(sa.select(Person.id).where(  # type: ignore[call-overload]
            Person.email == "pm.alice@example.com"))).scalar_one()
    app = create_app(load_settings(database_url=db_url, debug=True))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
            yield Client(http, mint(alice, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=10)))


async def test_board_query_runs_the_same_statements_for_10_and_100_projects(
    client: Client,
) -> None:
    # One statement per relation level (people load in one batch). DataLoader caches can
    # only ever save statements, so deeper queries have this many or fewer.
    small = await client(BOARD, n=10)
    large = await client(BOARD, n=100)
    assert len(small["data"]["projects"]["edges"]) == 10
    assert len(large["data"]["projects"]["edges"]) == 100
    statements = small["extensions"]["sql"]["statements"]
    assert statements == large["extensions"]["sql"]["statements"]
    assert statements <= 15
    assert large["extensions"]["sql"]["ms"] >= 0


ORDERS = [
    [{"field": "PRIORITY", "direction": "ASC"}],
    [{"field": "STATUS", "direction": "DESC"}, {"field": "PRIORITY", "direction": "ASC"}],
    [{"field": "PLANNED_START", "direction": "ASC"}],
    [{"field": "BUDGET_AT_COMPLETION", "direction": "DESC"}],
    [{"field": "UPDATED_AT", "direction": "DESC"}],
]


async def walk(client: Client, order: list[dict[str, str]], *, backwards: bool,
               size: int = 7) -> tuple[list[str], int]:
    seen: list[str] = []
    cursor: str | None = None
    total = -1
    while True:
        args = ({"last": size, "before": cursor} if backwards else {"first": size, "after": cursor})
        page = (await client(PAGE, order=order, **args))["data"]["projects"]
        total = page["totalCount"]
        ids = [edge["node"]["id"] for edge in page["edges"]]
        seen = ids + seen if backwards else seen + ids
        more = page["pageInfo"]["hasPreviousPage"] if backwards else page["pageInfo"]["hasNextPage"]
        if not more:
            return seen, total
        cursor = page["pageInfo"]["startCursor"] if backwards else page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: "+".join(f"{t['field']}.{t['direction']}"
                                                                 for t in o))
async def test_walking_every_page_returns_each_row_once_in_both_directions(
    client: Client, order: list[dict[str, str]]
) -> None:
    forwards, total = await walk(client, order, backwards=False)
    assert len(forwards) == len(set(forwards)) == total == 120
    backwards, _ = await walk(client, order, backwards=True)
    assert backwards == forwards
    everything = (await client(PAGE, order=order, first=500))["data"]["projects"]["edges"]
    assert [e["node"]["id"] for e in everything] == forwards


async def test_a_cursor_stays_correct_while_rows_are_inserted(
    client: Client, engine: AsyncEngine
) -> None:
    order = [{"field": "CODE", "direction": "ASC"}]
    first = (await client(PAGE, order=order, first=10))["data"]["projects"]
    # when a project sorting before the cursor is inserted by someone else
    async with engine.begin() as conn:
        template = (await conn.execute(sa.select(Project).limit(1))).mappings().one()  # type: ignore[call-overload]
        values = {k: v for k, v in template.items()
                  if k not in {"id", "score"}} | {"code": "AAA-0001", "name": "Early bird"}
        await conn.execute(sa.insert(Project).values(**values))
    # then the next page continues exactly after the last row seen, nothing repeated
    second = (await client(PAGE, order=order, first=10,
                           after=first["pageInfo"]["endCursor"]))["data"]["projects"]
    first_codes = [e["node"]["code"] for e in first["edges"]]
    second_codes = [e["node"]["code"] for e in second["edges"]]
    assert not set(first_codes) & set(second_codes)
    assert second_codes[0] > first_codes[-1]
    assert second["totalCount"] == 121


async def test_a_cursor_for_another_order_is_refused(client: Client) -> None:
    page = (await client(PAGE, order=[{"field": "CODE", "direction": "ASC"}], first=5))
    cursor = page["data"]["projects"]["pageInfo"]["endCursor"]
    response = await client.http.post("/graphql", json={"query": PAGE, "variables": {
        "first": 5, "after": cursor, "order": [{"field": "NAME", "direction": "ASC"}]}},
        headers={"Authorization": f"Bearer {client.token}"})
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("moment", ["2020-01-01T00:00:00", "2020-01-01T00:00:00+00:00"])
async def test_updated_since_accepts_times_with_or_without_an_offset(
    client: Client, moment: str
) -> None:
    result = await client("query($m: DateTime!) { projects(filter: {updatedSince: $m}) "
                          "{ totalCount } }", m=moment)
    assert result["data"]["projects"]["totalCount"] == 120
    future = await client("query($m: DateTime!) { projects(filter: {updatedSince: $m}) "
                          "{ totalCount } }", m="2999-01-01T00:00:00")
    assert future["data"]["projects"]["totalCount"] == 0
