"""notificationReceived: a person hears of their own new notifications live, after commit,
and nobody else's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.settings import load_settings
from tests.schema.conftest import World
from tests.schema.test_subscriptions import bearer, wait_for_subscriber

SUBSCRIBE = "subscription { notificationReceived { kind message readAt } }"
ADD = """mutation($input: AddCommentInput!) {
  addComment(input: $input) { userErrors { code } comment { id } } }"""


@pytest.fixture
def live(db_url: str, world: World) -> Iterator[tuple[TestClient, Any]]:
    app = create_app(load_settings(database_url=db_url))
    with TestClient(app) as client:
        yield client, app


def comment(client: TestClient, world: World, who: str, body: str,
            project: str = "alice_project") -> dict[str, Any]:
    response = client.post("/graphql", headers={"Authorization": bearer(world, who)}, json={
        "query": ADD, "variables": {"input": {
            "parentId": world.gid("Project", getattr(world, project)), "body": body}}})
    return response.json()  # type: ignore[no-any-return]


def test_only_the_person_mentioned_hears_of_it(
    live: tuple[TestClient, Any], world: World
) -> None:
    client, app = live
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        # given Bob listening for his notifications
        ws.send_json({"type": "connection_init", "payload": {"Authorization": bearer(world,
                                                                                      "bob")}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "n1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        wait_for_subscriber(app)
        # when Alice mentions Carol (not Bob) on Beta, then a refused comment mentions Bob,
        # then Alice mentions Bob on Alpha
        assert comment(client, world, "alice", "for @carol@example.com", "bob_project")[
            "data"]["addComment"]["userErrors"] == []
        assert comment(client, world, "ana", "hi @bob@example.com")["errors"]
        assert comment(client, world, "alice", "over to you @bob@example.com")["data"][
            "addComment"]["userErrors"] == []
        # then the first thing Bob hears is his own mention
        message = ws.receive_json()
        assert message["type"] == "next" and message["id"] == "n1"
        assert message["payload"]["data"]["notificationReceived"] == {
            "kind": "MENTION", "readAt": None,
            "message": "Alice mentioned you on Project 'Alpha'"}
