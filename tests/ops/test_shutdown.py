"""Graceful shutdown of ``pmo serve`` on SIGTERM: a request in flight finishes, an open
subscription is closed with 1012 (service restart: reconnect elsewhere), and the process exits
within PMO_SHUTDOWN_TIMEOUT, even when a client never finishes its request."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.ops.servers import Served, demo_database, served, token

BOUND = 4.0
STOPPED = (0, -signal.SIGTERM)
QUERY = b'{"query": "{ projects(first: 3) { nodes { code } } }"}'


@pytest.fixture(scope="module")
def seeded() -> Iterator[dict[str, str]]:
    with demo_database(shutdown_timeout=str(BOUND)) as env:
        yield env


def slow_post(server: Served, token: str, pieces: int, pause: float,
              answers: list[Any]) -> None:
    """POST /graphql with the body sent a piece at a time: a request in flight for a while
    (``pieces`` < the body's length: the body never ends)."""
    def body() -> Iterator[bytes]:
        for index in range(len(QUERY)):
            if index == pieces:
                time.sleep(3600)
            yield QUERY[index:index + 1]
            time.sleep(pause)

    try:
        answers.append(httpx2.post(f"{server.url}/graphql", content=body(), timeout=30, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
            "Content-Length": str(len(QUERY))}))
    except httpx2.HTTPError as exc:
        answers.append(exc)


async def test_sigterm_finishes_requests_in_flight_and_closes_subscriptions(
        seeded: dict[str, str], tmp_path: Path) -> None:
    alice = token(seeded, "pm.alice@example.com")
    with served(seeded, tmp_path) as server:
        ws = await connect(server.ws_url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                           open_timeout=10)
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {alice}"}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { notificationReceived { id } }"}}))
        answers: list[Any] = []
        # about 1.5 s of body still to send when SIGTERM arrives
        uploading = threading.Thread(target=slow_post, args=(
            server, alice, len(QUERY), 2.0 / len(QUERY), answers))
        uploading.start()
        await asyncio.sleep(0.5)
        signalled = time.monotonic()
        status = await asyncio.to_thread(server.terminate, BOUND + 5)
        exited = time.monotonic() - signalled
        await asyncio.to_thread(uploading.join, 10)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)

    # uvicorn ends by raising the signal again, so a supervisor sees it end by SIGTERM
    assert status in STOPPED, server.output()[-2000:]
    assert exited < BOUND + 2, exited
    [answer] = answers
    assert isinstance(answer, httpx2.Response), answer
    assert answer.status_code == 200
    assert answer.json()["data"]["projects"]["nodes"]
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012


async def test_a_request_that_never_ends_does_not_hold_the_exit_past_the_bound(
        seeded: dict[str, str], tmp_path: Path) -> None:
    alice = token(seeded, "pm.alice@example.com")
    with served(seeded, tmp_path) as server:
        answers: list[Any] = []
        stalled = threading.Thread(target=slow_post, args=(server, alice, 10, 0.01, answers),
                                   daemon=True)
        stalled.start()
        await asyncio.sleep(0.5)
        signalled = time.monotonic()
        status = await asyncio.to_thread(server.terminate, BOUND + 10)
        exited = time.monotonic() - signalled
    assert status in STOPPED, server.output()[-2000:]
    assert BOUND - 0.5 < exited < BOUND + 3, exited
    assert "timeout graceful shutdown exceeded" in server.output()
