"""Prometheus metrics at /metrics (server/metrics.py): behind a bearer token, and moving with
the requests served. Each test reads the change it causes (the values are the process's)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.testclient import TestClient

from server.app import create_app
from server.domain.auth.tokens import mint
from server.domain.base import utcnow
from server.domain.collaboration.models import EmailMessage
from server.domain.enums import DeliveryStatus
from server.domain.integration.models import OutboxEvent, Webhook, WebhookDelivery
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.server.console import sign_in

Sessions = async_sessionmaker[AsyncSession]
TOKEN = "a-metrics-token-for-prometheus"
SCRAPE = {"Authorization": f"Bearer {TOKEN}"}
PROJECTS = "query Projects { projects(first: 3) { nodes { code } } }"
COST = 1 + 3 * 2


def value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels``."""
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples
               if sample.name == name and all(sample.labels.get(k) == v
                                              for k, v in labels.items()))


async def app_client(app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture
async def app(db_url: str) -> Starlette:
    return create_app(load_settings(database_url=db_url, metrics_token=TOKEN))


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    async for c in app_client(app):
        yield c


def bearer(person_id: int) -> dict[str, str]:
    return {"Authorization": "Bearer " + mint(person_id, secret=DEMO_SECRET_KEY,
                                              ttl=timedelta(minutes=5))}


async def scrape(client: httpx2.AsyncClient) -> str:
    response = await client.get("/metrics", headers=SCRAPE)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": TOKEN}])
async def test_metrics_are_refused_without_the_token(client: httpx2.AsyncClient,
                                                     headers: dict[str, str]) -> None:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "pmo_" not in response.text


async def test_the_token_is_compared_whatever_the_scheme_case(
        client: httpx2.AsyncClient) -> None:
    response = await client.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"})
    assert response.status_code == 200


async def test_without_a_token_or_port_there_is_no_metrics_route(db_url: str) -> None:
    async for client in app_client(create_app(load_settings(database_url=db_url))):
        assert (await client.get("/metrics", headers=SCRAPE)).status_code == 404


async def test_operations_errors_latency_cost_and_statements_move(
        client: httpx2.AsyncClient, person: int) -> None:
    # given the figures before
    before = await scrape(client)
    # when a named query is answered twice, and two operations fail
    for _ in range(2):
        answer = await client.post("/graphql", json={"query": PROJECTS}, headers=bearer(person))
        assert answer.status_code == 200 and "errors" not in answer.json()
    invalid = await client.post("/graphql", json={"query": "query Broken { nope }"},
                                headers=bearer(person))
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    unparsable = await client.post("/graphql", json={"query": "{"}, headers=bearer(person))
    assert unparsable.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    after = await scrape(client)

    # then operations are counted by name and type
    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    query = {"operation": "Projects", "type": "query"}
    assert moved("pmo_graphql_operations_total", **query) == 2
    assert moved("pmo_graphql_operations_total", operation="Broken", type="query") == 1
    assert moved("pmo_graphql_operations_total", operation="anonymous", type="unknown") == 1
    # and errors by their code
    assert moved("pmo_graphql_errors_total", **query) == 0
    assert moved("pmo_graphql_errors_total", operation="Broken",
                 code="GRAPHQL_VALIDATION_FAILED") == 1
    assert moved("pmo_graphql_errors_total", code="GRAPHQL_PARSE_FAILED") == 1
    # and each query's latency, cost and SQL statements
    assert moved("pmo_graphql_operation_duration_seconds_count", **query) == 2
    assert moved("pmo_graphql_operation_duration_seconds_sum", **query) > 0
    assert moved("pmo_graphql_operation_duration_seconds_bucket", le="+Inf", **query) == 2
    assert moved("pmo_graphql_operation_cost_count", **query) == 2
    assert moved("pmo_graphql_operation_cost_sum", **query) == 2 * COST
    assert moved("pmo_graphql_operation_sql_statements_count", **query) == 2
    assert moved("pmo_graphql_operation_sql_statements_sum", **query) >= 2
    # and the HTTP requests, by route and status, with their statements (authentication too)
    http = {"route": "/graphql", "method": "POST"}
    assert moved("pmo_http_requests_total", status="200", **http) == 4
    assert moved("pmo_http_request_duration_seconds_count", **http) == 4
    assert moved("pmo_http_request_sql_statements_count", route="/graphql") == 4
    assert moved("pmo_http_request_sql_statements_sum", route="/graphql") > \
        moved("pmo_graphql_operation_sql_statements_sum", **query)
    assert moved("pmo_http_requests_total", route="/metrics", status="200") == 1


async def test_the_pool_connections_in_use_and_idle(app: Starlette,
                                                    client: httpx2.AsyncClient) -> None:
    # given a served request (the pool holds a connection)
    before = await scrape(client)
    in_use = value(before, "pmo_db_pool_connections", database="primary", state="in_use")
    held = in_use + value(before, "pmo_db_pool_connections", database="primary", state="idle")
    assert held >= 1
    # when a connection is taken from the pool
    async with app.state.engine.connect():
        during = await scrape(client)
    after = await scrape(client)
    # then it is in use meanwhile, and idle again once given back
    assert value(during, "pmo_db_pool_connections", database="primary",
                 state="in_use") == in_use + 1
    assert value(after, "pmo_db_pool_connections", database="primary", state="in_use") == in_use


async def test_the_backlog_counts_rows_waiting_to_be_handled(client: httpx2.AsyncClient,
                                                             sessions: Sessions,
                                                             person: int) -> None:
    # given deliveries and emails, some handled already
    now = utcnow()
    async with sessions() as s, s.begin():
        waiting = OutboxEvent(event_type="project.changed")
        hook = Webhook(url="https://example.com/hook", secret="s" * 32, event_types=["*"])
        s.add_all([waiting, hook])
        await s.flush()
        s.add_all([WebhookDelivery(webhook_id=hook.id, event_id=waiting.id, status=status,  # type: ignore[arg-type]
                                   next_attempt_at=now)
                   for status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED,
                                  DeliveryStatus.SUCCEEDED, DeliveryStatus.DEAD)])
        s.add_all([EmailMessage(recipient_id=person, kind="mention", message="hello",
                                status=status, next_attempt_at=now)
                   for status in (DeliveryStatus.PENDING, DeliveryStatus.SUCCEEDED)])
    # when scraped
    text = await scrape(client)
    # then the rows waiting are counted, by table
    assert "outbox_event" not in text  # it fans out into webhook deliveries at once
    assert value(text, "pmo_backlog_rows", table="webhook_delivery") == 2
    assert value(text, "pmo_backlog_rows", table="email_message") == 1


@pytest.fixture
async def limited(db_url: str) -> AsyncIterator[httpx2.AsyncClient]:
    async for c in app_client(create_app(load_settings(
            database_url=db_url, metrics_token=TOKEN, cost_per_minute=COST * 2,
            failures_per_minute_per_address=1, failures_per_minute_per_account=1))):
        yield c


async def test_rate_limit_refusals_are_counted_by_limit(limited: httpx2.AsyncClient,
                                                       person: int) -> None:
    client = limited
    before = await scrape(client)
    # the GraphQL cost budget (two queries' worth)
    codes = [(await client.post("/graphql", json={"query": PROJECTS},
                                headers=bearer(person))).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # failed bearer tokens from one address (one a minute)
    codes = [(await client.post("/graphql", json={"query": "{ __typename }"},
                                headers={"Authorization": "Bearer pmo_nope"})).status_code
             for _ in range(2)]
    assert codes == [401, 429]
    # failed console sign-ins for one account (one a minute)
    codes = [(await sign_in(client, "ada@example.com", "wrong")).status_code for _ in range(2)]
    assert codes[-1] == 429
    after = await scrape(client)
    for limit in ("graphql_cost", "api_authentication", "console_sign_in"):
        assert value(after, "pmo_rate_limit_refusals_total", limit=limit) - \
            value(before, "pmo_rate_limit_refusals_total", limit=limit) == 1, limit
    assert value(after, "pmo_graphql_errors_total", operation="Projects",
                 code="RATE_LIMITED") - value(before, "pmo_graphql_errors_total",
                                              operation="Projects", code="RATE_LIMITED") == 1


def test_open_subscriptions_are_counted_while_they_run(app: Starlette, person: int) -> None:
    def open_now(client: TestClient) -> float:
        text = client.get("/metrics", headers=SCRAPE).text
        return value(text, "pmo_graphql_subscriptions_open")

    def waits_for(client: TestClient, expected: float) -> None:
        deadline = time.monotonic() + 5
        while open_now(client) != expected:
            assert time.monotonic() < deadline, f"never {expected}"
            time.sleep(0.02)

    with TestClient(app) as client:
        before = open_now(client)
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": bearer(person)})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json({"id": "n", "type": "subscribe", "payload": {
                "query": "subscription Mine { notificationReceived { id } }"}})
            waits_for(client, before + 1)
            ws.send_json({"id": "n", "type": "complete"})
            waits_for(client, before)
        text: Any = client.get("/metrics", headers=SCRAPE).text
        assert value(text, "pmo_graphql_operations_total", operation="Mine",
                     type="subscription") >= 1
