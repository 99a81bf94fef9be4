"""Comments with their people and replies, and webhooks with their deliveries, cost the same
SQL statements for a few rows as for many."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx2
import pytest

from server.app import create_app
from server.domain.auth.tokens import mint
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.schema.collaboration.conftest import Collab, at
from tests.schema.conftest import World

COMMENTS = """
query($n: Int!) {
  comments(first: $n) {
    nodes { body author { fullName } mentions { fullName } replyTo { body } }
  }
}"""

WEBHOOKS = """
query($n: Int!) {
  webhooks(first: $n) {
    nodes { url deliveries(first: 2) { totalCount nodes { status eventType webhook { url } } } }
  }
}"""

Run = Callable[[str, int], Awaitable[dict[str, Any]]]


@pytest.fixture
async def debug_run(db_url: str, world: World) -> AsyncIterator[Run]:
    """Run a query as the PMO on a debug app, whose responses count their SQL statements."""
    app = create_app(load_settings(database_url=db_url, debug=True))
    token = mint(world.people["pmo"], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
            async def run(query: str, n: int) -> dict[str, Any]:
                response = await http.post("/graphql", json={"query": query,
                                                             "variables": {"n": n}},
                                           headers={"Authorization": f"Bearer {token}"})
                body = response.json()
                assert "errors" not in body, body["errors"]
                return body  # type: ignore[no-any-return]
            yield run


def _statements(*results: dict[str, Any]) -> list[int]:
    return [result["extensions"]["sql"]["statements"] for result in results]


async def test_a_thread_costs_the_same_statements_for_2_and_12_comments(
    world: World, collab: Collab, debug_run: Run
) -> None:
    # given twelve comments by different people, each mentioning two and replying to the first
    people = list(world.people)
    first = await collab.comment("c0", created_at=at(0))
    for i in range(1, 12):
        await collab.comment(f"c{i}", author=people[i % len(people)], reply_to_id=first,
                             created_at=at(i),
                             mentions=[world.people[people[(i + 1) % len(people)]],
                                       world.people[people[(i + 2) % len(people)]]])
    # when two and then twelve are read with their authors, mentions and replied-to comments
    small, large = await debug_run(COMMENTS, 2), await debug_run(COMMENTS, 12)
    # then the statements do not grow with the rows (one per relation, batched)
    assert len(large["data"]["comments"]["nodes"]) == 12
    counts = _statements(small, large)
    assert max(counts) <= 4, counts
    assert abs(counts[0] - counts[1]) <= 1, counts


async def test_webhooks_cost_the_same_statements_for_1_and_6_webhooks(
    collab: Collab, debug_run: Run
) -> None:
    # given six webhooks with three deliveries each
    for i in range(6):
        webhook = await collab.webhook(f"https://hooks.example.com/{i}")
        for minute in range(3):
            await collab.delivery(webhook, created_at=at(minute))
    # when one and then six are read with a page of deliveries each
    small, large = await debug_run(WEBHOOKS, 1), await debug_run(WEBHOOKS, 6)
    # then the statements do not grow with the rows
    assert [len(n["deliveries"]["nodes"]) for n in large["data"]["webhooks"]["nodes"]] == [2] * 6
    counts = _statements(small, large)
    assert max(counts) <= 6, counts
    assert abs(counts[0] - counts[1]) <= 1, counts
