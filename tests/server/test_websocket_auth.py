"""GraphQL over WebSocket (graphql-transport-ws) needs a valid token in ``connection_init``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.auth.tokens import mint
from server.domain.enums import Role
from server.settings import DEMO_SECRET_KEY, load_settings

PROTOCOL = ["graphql-transport-ws"]


@pytest.fixture
async def token(sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions() as s, s.begin():
        person = await auth_service.create_user(s, email="pm@example.com", full_name="Pat",
                                                role=Role.PM)
    return mint(person.id, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))  # type: ignore[arg-type]


def test_connection_with_a_token_runs_operations(db_url: str, token: str) -> None:
    app = create_app(load_settings(database_url=db_url))
    with TestClient(app) as client, \
            client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe",
                      "payload": {"query": "{ viewer { email roles } }"}})
        message = ws.receive_json()
        assert message["type"] == "next"
        assert message["payload"]["data"] == {"viewer": {"email": "pm@example.com",
                                                         "roles": ["pm"]}}


@pytest.mark.parametrize("payload", [{}, {"Authorization": "Bearer nope"}])
def test_connection_without_a_valid_token_is_refused(db_url: str, payload: dict[str, str]) -> None:
    app = create_app(load_settings(database_url=db_url))
    with TestClient(app) as client, \
            client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": payload})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4403


def test_the_legacy_graphql_ws_protocol_is_not_offered(db_url: str) -> None:
    # Only graphql-transport-ws: a client speaking the legacy protocol is refused at once.
    app = create_app(load_settings(database_url=db_url))
    with TestClient(app) as client, pytest.raises(WebSocketDisconnect), \
            client.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        ws.receive_json()
