"""``pmo serve`` processes for operations tests, started as an operator starts them.

``Served`` is one running server: its base URL, process and log; ``graphql`` posts an
operation, ``console`` is a client for its console. Every wait is bounded: a server that does
not answer in time fails the test with its log.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from tests.conftest import (
    PG_URL,
    _require_postgres,
    create_pg_database,
    drop_pg_database,
    free_port,
)

PMO = str(Path(sys.executable).with_name("pmo"))
START_SECONDS = 30


def environment(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without its PMO_* settings, plus the database and
    ``settings`` (``cost_per_minute="20"`` becomes PMO_COST_PER_MINUTE=20)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
    env["PMO_DATABASE_URL"] = database_url
    env |= {f"PMO_{name.upper()}": value for name, value in settings.items()}
    return env


@contextmanager
def demo_database(**settings: str) -> Iterator[dict[str, str]]:
    """A fresh database on the test PostgreSQL server, migrated and seeded as an operator
    would (``pmo db upgrade``, ``pmo seed --demo``): the environment of a server on it, with
    ``settings``; dropped afterwards."""
    _require_postgres()
    url = asyncio.run(create_pg_database(PG_URL))
    try:
        env = environment(url, **settings)
        pmo(env, "db", "upgrade")
        pmo(env, "seed", "--demo")
        yield env
    finally:
        asyncio.run(drop_pg_database(url))


def token(env: dict[str, str], email: str) -> str:
    """A person's JWT (``pmo token EMAIL``)."""
    return pmo(env, "token", email).strip().splitlines()[-1]


def data(answer: httpx2.Response) -> Any:
    """A GraphQL answer's data; the test fails on any error."""
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


def pmo(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run a ``pmo`` command; its standard output (the test fails if it fails)."""
    done = subprocess.run([PMO, *args], env=env, capture_output=True, text=True,  # noqa: S603 - our own command
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"pmo {' '.join(args)}: {done.stderr}"
    return done.stdout


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def graphql(self, query: str, token: str | None = None, *, timeout: float = 10,
                **variables: Any) -> httpx2.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx2.post(f"{self.url}/graphql", json={"query": query, "variables": variables},
                           headers=headers, timeout=timeout)

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit status (killed, and the test failed, past ``timeout``)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise AssertionError(f"pmo serve did not exit {timeout:g} s after SIGTERM:\n"
                                 + self.output()[-3000:]) from None


@contextmanager
def served(env: dict[str, str], work: Path, *args: str) -> Iterator[Served]:
    """A ``pmo serve`` on a free port (extra ``args`` such as ``--workers 2``), answering
    /healthz before this returns; stopped (SIGTERM) afterwards."""
    port = free_port()
    log = work / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([PMO, "serve", "--port", str(port), *args], env=env,  # noqa: S603 - our own command
                                   cwd=work, stdout=out, stderr=subprocess.STDOUT)
    server = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert process.poll() is None, f"pmo serve exited:\n{server.output()}"
            try:
                if httpx2.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            assert time.monotonic() < deadline, f"pmo serve did not start:\n{server.output()}"
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
