"""PostgreSQL stopped under load, then started again, under one ``pmo serve`` (a throwaway
server of our own, tests/ops/cluster.py): requests fail fast with 503 SERVICE_UNAVAILABLE,
/readyz says why, and when the database is back the same process serves again and its open
subscriptions hear events again (the LISTEN connection re-established)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.ops.cluster import Cluster
from tests.ops.servers import Served, environment, pmo, served, token

WAIT = 20.0
CONNECT_TIMEOUT = 1.0
# A request during the outage may wait for a connection attempt (CONNECT_TIMEOUT), once for
# the pool's pre-ping and once for the statement's own: well under this.
FAST = 5.0
LIST = "{ projects(first: 5) { nodes { code name } } }"


@pytest.fixture
def server(migrated_cluster: Cluster, tmp_path: Path) -> Iterator[tuple[Served, dict[str, str]]]:
    env = environment(migrated_cluster.url, db_connect_timeout=str(CONNECT_TIMEOUT),
                      db_pool_timeout="2")
    pmo(env, "seed", "--demo")
    with served(env, tmp_path) as running:
        yield running, env


@dataclass
class Load:
    """Requests from several threads, each answer recorded as (status, seconds, code)."""

    server: Served
    token: str
    answers: list[tuple[float, int, float, str | None]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx2.Client(timeout=WAIT) as client:
            while not self.stopping.is_set():
                started = time.monotonic()
                try:
                    answer = client.post(f"{self.server.url}/graphql", json={"query": LIST},
                                         headers={"Authorization": f"Bearer {self.token}"})
                except httpx2.HTTPError as exc:  # a hang or a dropped connection: recorded
                    self.answers.append((started, 0, time.monotonic() - started, repr(exc)))
                    continue
                errors = answer.json().get("errors") or [{}]
                code = errors[0].get("extensions", {}).get("code") if "errors" in answer.json() \
                    else None
                self.answers.append((started, answer.status_code, time.monotonic() - started,
                                     code))
                time.sleep(0.02)


async def subscribe(server: Served, who: str, portfolio: str) -> ClientConnection:
    ws = await connect(server.ws_url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                       open_timeout=WAIT)
    await ws.send(json.dumps({"type": "connection_init",
                              "payload": {"Authorization": f"Bearer {who}"}}))
    assert json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
        "query": "subscription($p: ID!) { projectChanged(portfolioId: $p) { name } }",
        "variables": {"p": portfolio}}}))
    return ws


async def hears_a_change(ws: ClientConnection, server: Served, alice: str,
                         project: dict[str, Any], name: str) -> dict[str, Any]:
    """Rename the project until the subscription hears it (bounded); the event."""
    async with asyncio.timeout(WAIT):
        attempt = 0
        while True:
            attempt += 1
            answer = await asyncio.to_thread(
                server.graphql, "mutation($i: UpdateProjectInput!) { updateProject(input: $i) "
                "{ project { version } userErrors { code } } }", alice,
                i={"id": project["id"], "version": project["version"],
                   "name": f"{name} {attempt}"})
            if answer.status_code == 200 and "errors" not in answer.json():
                project["version"] = answer.json()["data"]["updateProject"]["project"]["version"]
            try:
                return json.loads(await asyncio.wait_for(ws.recv(), 0.5))  # type: ignore[no-any-return]
            except TimeoutError:
                continue


async def test_a_database_outage_fails_fast_with_503_and_the_process_recovers(
        server: tuple[Served, dict[str, str]], migrated_cluster: Cluster) -> None:
    running, env = server
    alice, carol = token(env, "pm.alice@example.com"), token(env, "exec.carol@example.com")
    project = next(p for p in running.graphql(
        "{ projects(first: 100) { nodes { id version manager { email } portfolio { id } } } }",
        alice).json()["data"]["projects"]["nodes"]
        if p["manager"]["email"] == "pm.alice@example.com")
    ws = await subscribe(running, carol, project["portfolio"]["id"])
    heard = await hears_a_change(ws, running, alice, project, "Before")
    assert heard["payload"]["data"]["projectChanged"]["name"].startswith("Before")

    load = Load(running, alice)
    threads = [threading.Thread(target=load.run) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        await asyncio.sleep(1)
        stopped_at = time.monotonic()
        await asyncio.to_thread(migrated_cluster.stop, "fast")
        await asyncio.sleep(4)
        ready = await asyncio.to_thread(httpx2.get, f"{running.url}/readyz", timeout=WAIT)
        started_at = time.monotonic()
        await asyncio.to_thread(migrated_cluster.start)
        # the same process serves again, without a restart
        async with asyncio.timeout(WAIT):
            while True:
                recent = [a for a in list(load.answers) if a[0] > started_at + 0.5]
                if len([a for a in recent if a[1] == 200]) >= 8:
                    break
                await asyncio.sleep(0.1)
    finally:
        load.stopping.set()
        for thread in threads:
            await asyncio.to_thread(thread.join, WAIT)

    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable" and ready.json()["reason"]
    before = [a for a in load.answers if a[0] < stopped_at - 0.1]
    during = [a for a in load.answers if stopped_at + 1 < a[0] and a[0] + a[2] < started_at]
    assert before and all(a[1] == 200 for a in before), before[:3]
    assert len(during) >= 4, "no request was answered while the database was down"
    # every request during the outage: 503 SERVICE_UNAVAILABLE, fast, never a hang or a 500
    assert {(a[1], a[3]) for a in during} == {(503, "SERVICE_UNAVAILABLE")}, during[:5]
    assert max(a[2] for a in during) < FAST, max(a[2] for a in during)
    assert ready.json() == ready.json() | {"status": "unavailable"}

    # the open subscription hears events again: its LISTEN connection came back
    heard = await hears_a_change(ws, running, alice, project, "After")
    assert heard["type"] == "next", heard
    assert heard["payload"]["data"]["projectChanged"]["name"].startswith("After")
    ready = await asyncio.to_thread(httpx2.get, f"{running.url}/readyz", timeout=WAIT)
    assert ready.status_code == 200
    await ws.close()
