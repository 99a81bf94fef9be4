"""No mutation is ever half-applied: the database connection is killed from outside
(``pg_terminate_backend``) in the middle of a mutation's transaction, before each of its
writes in turn; the caller gets 503 SERVICE_UNAVAILABLE and the rows, the audit trail, the
outbox, the notifications and the email outbox are exactly as before. The same process then
applies the same mutation whole."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url

from schema.base import to_global_id
from server.app import create_app
from server.domain.auth.tokens import mint
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.conftest import PG_URL
from tests.ops.servers import demo_database

ESCALATE = """mutation($i: EscalateRiskInput!) { escalateRisk(input: $i) {
  risk { status version } issue { title } userErrors { code } } }"""
CREATE = """mutation($i: CreateRiskInput!) { createRisk(input: $i) {
  risk { id version } userErrors { code } } }"""
# Everything an escalation writes (the risk, its issue, two audit rows, the outbox event,
# notifications and their emails, the project's change mark).
STATE = {
    "risks": "SELECT string_agg(id || ':' || status || ':' || version, ',' ORDER BY id) "
             "FROM risk",
    "issues": "SELECT count(*) FROM issue",
    "audit": "SELECT count(*) FROM audit_event",
    "outbox": "SELECT count(*) FROM outbox_event",
    "notifications": "SELECT count(*) FROM notification",
    "emails": "SELECT count(*) FROM email_message",
    "changed": "SELECT max(changed_at)::text FROM project",
}
KILL_BEFORE = ["UPDATE risk", "INSERT INTO issue", "INSERT INTO audit_event",
               "INSERT INTO outbox_event", "INSERT INTO notification"]


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with demo_database() as env:
        yield env["PMO_DATABASE_URL"]


@pytest.fixture
async def app(database: str) -> AsyncIterator[Any]:
    application = create_app(load_settings(database_url=database))
    async with application.router.lifespan_context(application):
        yield application


async def state(app: Any) -> dict[str, Any]:
    async with app.state.engine.connect() as connection:
        return {name: (await connection.execute(sa.text(sql))).scalar()
                for name, sql in STATE.items()}


def terminate(pid: int) -> None:
    """Kill one server connection from outside, as an operator or a failover would."""
    url = make_url(PG_URL)
    subprocess.run(["psql", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),  # noqa: S603,S607 - psql, our own arguments
                    "-U", url.username or "postgres", "-d", "postgres", "-Atc",
                    f"SELECT pg_terminate_backend({pid})"], check=True, timeout=10,
                   capture_output=True)


async def call(client: httpx2.AsyncClient, token: str, query: str, **variables: Any,
               ) -> httpx2.Response:
    return await client.post("/graphql", json={"query": query, "variables": variables},
                             headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("statement", KILL_BEFORE)
async def test_a_connection_killed_mid_transaction_leaves_nothing_half_written(
        app: Any, statement: str) -> None:
    async with app.state.engine.connect() as connection:
        alice_id, project_id = (await connection.execute(sa.text(
            "SELECT p.id, pr.id FROM person p JOIN project pr ON pr.manager_id = p.id "
            "WHERE p.email = 'pm.alice@example.com' ORDER BY pr.id LIMIT 1"))).one()
    alice = mint(alice_id, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
        created = (await call(client, alice, CREATE, i={
            "projectId": to_global_id("Project", project_id), "title": f"Kill at {statement}",
            "probability": 4, "impact": 4})).json()["data"]["createRisk"]
        assert created["userErrors"] == []
        risk = created["risk"]
        before = await state(app)
        killed: list[int] = []

        def kill_before(conn: Any, cursor: Any, sql: str, *_: Any) -> None:
            if sql.lstrip().upper().startswith(statement.upper()) and not killed:
                pid = conn.connection.driver_connection.get_server_pid()
                killed.append(pid)
                terminate(pid)

        event.listen(app.state.engine.sync_engine, "before_cursor_execute", kill_before)
        try:
            answer = await call(client, alice, ESCALATE,
                                i={"id": risk["id"], "version": risk["version"]})
        finally:
            event.remove(app.state.engine.sync_engine, "before_cursor_execute", kill_before)
        assert killed, f"the escalation never ran {statement!r}"
        assert answer.status_code == 503, answer.text
        assert answer.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert answer.headers["Retry-After"]
        assert await state(app) == before

        # the same process, on a fresh connection, applies it whole
        done = (await call(client, alice, ESCALATE,
                           i={"id": risk["id"], "version": risk["version"]})).json()
        assert done["data"]["escalateRisk"]["userErrors"] == []
        assert done["data"]["escalateRisk"]["risk"]["status"] == "OCCURRED"
        after = await state(app)
        assert after["issues"] == before["issues"] + 1
        assert after["audit"] == before["audit"] + 2
        assert after["outbox"] == before["outbox"] + 1
        assert after["notifications"] > before["notifications"]
        assert after["changed"] > before["changed"]
