"""A subscription left open for hours must not grow with the events it delivers (found by
bench/soak.py: graphql-core kept every event's sub-field cache for the subscription's life)."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.domain.auth.tokens import mint
from server.domain.events import DomainEvent
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.schema.conftest import World
from tests.schema.test_subscriptions import wait_for_subscriber

SUBSCRIBE = ("subscription($p: ID!) { projectChanged(portfolioId: $p) { name version "
             "manager { fullName } } }")
# By graphql-core's execution: before the fix about 1,200 bytes kept per event; after, none.
KEPT_PER_EVENT = 100


@pytest.fixture
def live(db_url: str, world: World) -> Iterator[tuple[TestClient, Any]]:
    app = create_app(load_settings(database_url=db_url))
    with TestClient(app) as client:
        yield client, app


def test_an_open_subscription_keeps_nothing_per_event(
        live: tuple[TestClient, Any], world: World) -> None:
    client, app = live
    token = mint(world.people["carol"], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    event = DomainEvent("project.changed", "Project", world.alice_project, world.portfolio, {})
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "s1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"p": world.gid("Portfolio", world.portfolio)}}})

        def deliver(count: int) -> None:
            for _ in range(count):
                client.portal.call(app.state.broadcast.publish, event)  # type: ignore[union-attr]
                message = ws.receive_json()
                assert message["type"] == "next", message

        wait_for_subscriber(app)
        deliver(100)  # every cache warmed up
        gc.collect()
        tracemalloc.start(5)
        try:
            before = tracemalloc.take_snapshot()
            deliver(500)
            gc.collect()
            after = tracemalloc.take_snapshot()
        finally:
            tracemalloc.stop()
    # What graphql-core's execution keeps (the rest of the process fills caches of its own
    # meanwhile: SQLAlchemy's, the enforcer's, the allocator's; bounded, but noisy here).
    execution = [tracemalloc.Filter(True, "*/graphql/execution/*")]
    kept = sum(stat.size_diff for stat in after.filter_traces(execution).compare_to(
        before.filter_traces(execution), "filename"))
    assert kept / 500 < KEPT_PER_EVENT, f"{kept / 500:.0f} bytes kept per event"
