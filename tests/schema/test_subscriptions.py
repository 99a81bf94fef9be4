"""Live updates: published after commit, only for the portfolio asked, never for a rollback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.domain.auth.tokens import mint
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.schema.conftest import World

SUBSCRIBE = "subscription($p: ID!) { projectChanged(portfolioId: $p) { name version } }"
UPDATE = """mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) { userErrors { code } project { version } } }"""


@pytest.fixture
def live(db_url: str, world: World) -> Iterator[tuple[TestClient, Any]]:
    app = create_app(load_settings(database_url=db_url))
    with TestClient(app) as client:
        yield client, app


def bearer(world: World, who: str) -> str:
    return "Bearer " + mint(world.people[who], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))


def update(client: TestClient, world: World, who: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/graphql", headers={"Authorization": bearer(world, who)}, json={
        "query": UPDATE, "variables": {"input": {
            "id": world.gid("Project", world.alice_project), **fields}}})
    return response.json()  # type: ignore[no-any-return]


def wait_for_subscriber(app: Any) -> None:
    deadline = time.monotonic() + 5
    while app.state.broadcast.subscribers == 0:
        assert time.monotonic() < deadline, "the subscription never registered"
        time.sleep(0.01)


def test_project_changed_arrives_after_commit_and_skips_rolled_back_changes(
    live: tuple[TestClient, Any], world: World
) -> None:
    client, app = live
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        # given an executive subscribed to their portfolio
        ws.send_json({"type": "connection_init",
                      "payload": {"Authorization": bearer(world, "carol")}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "s1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"p": world.gid("Portfolio", world.portfolio)}}})
        wait_for_subscriber(app)
        # when a refused and an invalid change happen (both roll back), then a real one
        assert update(client, world, "bob", version=1, name="Hijack")["errors"]
        assert update(client, world, "alice", version=1, priority=9)["data"][
            "updateProject"]["userErrors"]
        assert update(client, world, "alice", version=1, name="Live")["data"][
            "updateProject"]["userErrors"] == []
        # then the first message is the committed change
        message = ws.receive_json()
        assert message["type"] == "next" and message["id"] == "s1"
        assert message["payload"]["data"]["projectChanged"] == {"name": "Live", "version": 2}


def test_subscribing_to_a_bad_portfolio_id_is_an_error(
    live: tuple[TestClient, Any], world: World
) -> None:
    client, _app = live
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init",
                      "payload": {"Authorization": bearer(world, "ana")}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "s1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"p": world.gid("Project", world.alice_project)}}})
        message = ws.receive_json()
        assert message["type"] == "error" or message["payload"].get("errors")


def subscribe(ws: Any, world: World, who: str, query: str) -> None:
    ws.send_json({"type": "connection_init", "payload": {"Authorization": bearer(world, who)}})
    assert ws.receive_json()["type"] == "connection_ack"
    ws.send_json({"id": "s1", "type": "subscribe", "payload": {
        "query": query, "variables": {"p": world.gid("Portfolio", world.portfolio)}}})


def call(client: TestClient, world: World, who: str, query: str, **variables: Any) -> Any:
    response = client.post("/graphql", headers={"Authorization": bearer(world, who)},
                           json={"query": query, "variables": variables})
    return response.json()


def test_status_report_submitted_reaches_portfolio_subscribers(
    live: tuple[TestClient, Any], world: World
) -> None:
    client, app = live
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        subscribe(ws, world, "ana", "subscription($p: ID!) { statusReportSubmitted("
                                    "portfolioId: $p) { periodEnd overall } }")
        wait_for_subscriber(app)
        result = call(client, world, "alice", """mutation($input: SubmitStatusReportInput!) {
            submitStatusReport(input: $input) { userErrors { code } } }""", input={
            "projectId": world.gid("Project", world.alice_project), "periodEnd": "2026-03-31",
            "overall": "AMBER", "schedule": "GREEN", "cost": "AMBER", "scope": "GREEN",
            "risk": "RED", "summary": "Slipped a week"})
        assert result["data"]["submitStatusReport"]["userErrors"] == []
        message = ws.receive_json()
        assert message["payload"]["data"]["statusReportSubmitted"] == {
            "periodEnd": "2026-03-31", "overall": "AMBER"}


def test_risk_escalated_reaches_portfolio_subscribers(
    live: tuple[TestClient, Any], world: World
) -> None:
    client, app = live
    created = call(client, world, "alice", """mutation($input: CreateRiskInput!) {
        createRisk(input: $input) { risk { id } userErrors { code } } }""", input={
        "projectId": world.gid("Project", world.alice_project), "title": "Vendor late",
        "probability": 4, "impact": 5})
    risk_id = created["data"]["createRisk"]["risk"]["id"]
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        subscribe(ws, world, "carol", "subscription($p: ID!) { riskEscalated(portfolioId: $p) "
                                      "{ title status } }")
        wait_for_subscriber(app)
        escalated = call(client, world, "alice", """mutation($input: EscalateRiskInput!) {
            escalateRisk(input: $input) { userErrors { code } } }""",
                         input={"id": risk_id, "version": 1})
        assert escalated["data"]["escalateRisk"]["userErrors"] == []
        message = ws.receive_json()
        assert message["payload"]["data"]["riskEscalated"] == {"title": "Vendor late",
                                                               "status": "OCCURRED"}


# LISTEN/NOTIFY is PostgreSQL's; SQLite serves one process, so this runs on PostgreSQL only.
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_change_made_by_one_worker_reaches_a_subscriber_of_another(
    backend: str, db_url: str, world: World
) -> None:
    # given two workers (two apps) on the same PostgreSQL database
    writer_app = create_app(load_settings(database_url=db_url))
    reader_app = create_app(load_settings(database_url=db_url))
    with TestClient(writer_app) as writer, TestClient(reader_app) as reader, \
            reader.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        # and a subscriber on the second
        ws.send_json({"type": "connection_init",
                      "payload": {"Authorization": bearer(world, "carol")}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "s1", "type": "subscribe", "payload": {
            "query": SUBSCRIBE, "variables": {"p": world.gid("Portfolio", world.portfolio)}}})
        wait_for_subscriber(reader_app)
        # when the first worker commits a change
        assert update(writer, world, "alice", version=1, name="Shared")["data"][
            "updateProject"]["userErrors"] == []
        # then the subscriber of the second hears of it (pinging meanwhile, so a missing
        # event fails after five seconds instead of waiting for ever)
        deadline = time.monotonic() + 5
        while True:
            ws.send_json({"type": "ping"})
            message = ws.receive_json()
            if message["type"] == "next":
                break
            assert message["type"] == "pong" and time.monotonic() < deadline, message
            time.sleep(0.05)
        assert message["payload"]["data"]["projectChanged"] == {"name": "Shared", "version": 2}


@pytest.mark.parametrize(("document", "code"), [
    ("subscription { projectChanged(", "GRAPHQL_PARSE_FAILED"),
    ("subscription($p: ID!) { projectChanged(portfolioId: $p) { nope } }",
     "GRAPHQL_VALIDATION_FAILED"),
])
def test_a_refused_subscription_is_an_error_message_and_the_socket_stays_open(
    live: tuple[TestClient, Any], world: World, document: str, code: str,
) -> None:
    client, app = live
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        # given an executive's connection
        ws.send_json({"type": "connection_init",
                      "payload": {"Authorization": bearer(world, "carol")}})
        assert ws.receive_json()["type"] == "connection_ack"
        portfolio = {"p": world.gid("Portfolio", world.portfolio)}
        # when one subscription cannot be parsed or validated
        ws.send_json({"id": "bad", "type": "subscribe",
                      "payload": {"query": document, "variables": portfolio}})
        # then it gets an error message with the code HTTP would give
        error = ws.receive_json()
        assert error["type"] == "error" and error["id"] == "bad"
        assert [e["extensions"]["code"] for e in error["payload"]] == [code]
        # and another subscription on the same socket still works
        ws.send_json({"id": "good", "type": "subscribe",
                      "payload": {"query": SUBSCRIBE, "variables": portfolio}})
        wait_for_subscriber(app)
        assert update(client, world, "alice", version=1, name="Still here")["data"][
            "updateProject"]["userErrors"] == []
        message = ws.receive_json()
        assert message["id"] == "good"
        assert message["payload"]["data"]["projectChanged"]["name"] == "Still here"
