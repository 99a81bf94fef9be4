"""``pmo serve --workers 2`` with metrics on (server/workers.py): one scrape, from either
worker or from the supervisor's metrics port, shows the sum over both workers; the workers'
shared directory is made for the run and removed after it; the production log is one JSON
line per request, and uvicorn's access log is not repeated beside it."""

from __future__ import annotations

import asyncio
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from server.settings import load_settings
from server.workers import prepare
from tests.conftest import PG_URL, create_pg_database, drop_pg_database, free_port
from tests.server.test_metrics import value

PMO = str(Path(sys.executable).with_name("pmo"))
SECRET = "a-production-secret-of-more-than-32-characters"
METRICS_TOKEN = "a-metrics-token-for-prometheus"
PING = "query Ping { __typename }"
BATCH = 20


@dataclass
class Served:
    base: str
    metrics_port: int
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    def ping(self) -> None:
        # A new connection each time: the kernel hands each to whichever worker accepts it.
        answer = httpx2.post(f"{self.base}/graphql", json={"query": PING}, timeout=30,
                             headers={"Authorization": f"Bearer {self.token}"})
        assert answer.json()["data"] == {"__typename": "Query"}

    def directory(self) -> str:
        [found] = glob.glob(os.path.join(tempfile.gettempdir(),
                                         f"pmo-metrics-{self.process.pid}-*"))
        return found


def _pmo(env: dict[str, str], work: Path, *args: str) -> str:
    return subprocess.run([PMO, *args], env=env, cwd=work, check=True, capture_output=True,
                          text=True, timeout=120).stdout


@contextmanager
def serve(backend: str, tmp_path: Path, workers: int) -> Iterator[Served]:
    """``pmo serve --workers N`` in production with both metrics settings, on a new database
    with one PMO admin; stopped (SIGTERM) at the end if the test has not stopped it."""
    url = (f"sqlite+aiosqlite:///{tmp_path / 'served.db'}" if backend == "sqlite"
           else asyncio.run(create_pg_database(PG_URL)))
    port, metrics_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PMO_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env |= {"PMO_ENV": "production", "PMO_SECRET_KEY": SECRET, "PMO_DATABASE_URL": url,
            "PMO_PORT": str(port), "PMO_METRICS_TOKEN": METRICS_TOKEN,
            "PMO_METRICS_PORT": str(metrics_port)}
    try:
        _pmo(env, tmp_path, "db", "upgrade")
        _pmo(env, tmp_path, "user", "create", "--email", "ada@example.com", "--name", "Ada",
             "--role", "pmo")
        token = _pmo(env, tmp_path, "token", "ada@example.com").strip().splitlines()[-1]
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            process = subprocess.Popen([PMO, "serve", "--workers", str(workers)], env=env,
                                       cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
        live = Served(f"http://127.0.0.1:{port}", metrics_port, token, process, log)
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    if httpx2.get(f"{live.base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx2.HTTPError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            yield live
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    finally:
        if backend == "postgresql":
            asyncio.run(drop_pg_database(url))


@pytest.fixture
def served(backend: str, tmp_path: Path) -> Iterator[Served]:
    with serve(backend, tmp_path, workers=2) as live:
        yield live


def _pids_counting(directory: str) -> set[str]:
    return {Path(path).stem.rsplit("_", 1)[1]
            for path in glob.glob(os.path.join(directory, "counter_*.db"))}


@pytest.mark.slow
def test_one_scrape_sums_both_workers(served: Served) -> None:
    directory = served.directory()
    # when requests are served until both workers have answered some
    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        while len(_pids_counting(directory)) < 2:
            assert sent < 10 * BATCH, "one worker took every connection"
            list(pool.map(lambda _: served.ping(), range(BATCH)))
            sent += BATCH
    # then every scrape, whichever worker answers it, counts them all
    scrapes = [httpx2.get(f"{served.base}/metrics", timeout=10,
                          headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
               for _ in range(4)]
    assert all(s.status_code == 200 for s in scrapes)
    for scrape in scrapes:
        assert value(scrape.text, "pmo_graphql_operations_total", operation="Ping",
                     type="query") == sent
        assert value(scrape.text, "pmo_http_requests_total", route="/graphql",
                     status="200") == sent
        assert value(scrape.text, "pmo_backlog_rows", table="email_message") == 0
    # and so does the supervisor's metrics port, which needs no token
    port = httpx2.get(f"http://127.0.0.1:{served.metrics_port}/metrics", timeout=10)
    assert value(port.text, "pmo_graphql_operations_total", operation="Ping") == sent
    assert value(port.text, "pmo_graphql_operation_duration_seconds_count",
                 operation="Ping") == sent
    assert value(port.text, "pmo_backlog_rows", table="webhook_delivery") == 0
    # and the app's /metrics refuses a scrape without the token
    assert httpx2.get(f"{served.base}/metrics", timeout=10).status_code == 401

    # when the server stops
    served.process.terminate()
    served.process.wait(timeout=30)
    # then its metrics directory is gone
    assert not os.path.exists(directory)
    # and its log, past pmo serve's banner, was JSON throughout, one line per request, none
    # of them uvicorn's access log
    text = served.log.read_text().splitlines()
    first = next(i for i, line in enumerate(text) if line.startswith("{"))
    lines = [json.loads(line) for line in text[first:]]
    pings = [line for line in lines
             if line["logger"] == "pmo.request" and line["path"] == "/graphql"]
    assert len(pings) == sent
    assert {(p["operation"], p["operation_type"], p["role"], p["status"]) for p in pings} == \
        {("Ping", "query", "pmo", 200)}
    assert len({p["request_id"] for p in pings}) == sent
    assert not [line for line in lines if line["logger"] == "uvicorn.access"]


@pytest.mark.slow
def test_one_process_serves_its_metrics_and_cleans_up_on_sigterm(tmp_path: Path) -> None:
    # given pmo serve with one worker: the app runs in the process that serves the port
    with serve("sqlite", tmp_path, workers=1) as served:
        directory = served.directory()
        # when a request is answered
        served.ping()
        # then the metrics port shows it
        port = httpx2.get(f"http://127.0.0.1:{served.metrics_port}/metrics", timeout=10)
        assert value(port.text, "pmo_graphql_operations_total", operation="Ping") == 1
        # and when the process is sent SIGTERM, it still ends by that signal, directory gone
        served.process.terminate()
        assert served.process.wait(timeout=30) == -signal.SIGTERM
        assert not os.path.exists(directory)


def test_a_directory_given_is_used_with_its_old_values_cleared(
        clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given PROMETHEUS_MULTIPROC_DIR naming a directory with a previous run's values
    given = clean_env / "metrics"
    given.mkdir()
    (given / "counter_123.db").write_bytes(b"old")
    (given / "README").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(given))
    # when pmo serve prepares its workers with metrics on
    directory = prepare(load_settings(metrics_token=METRICS_TOKEN), host="127.0.0.1")
    # then that directory is used, emptied of old values only
    assert directory == str(given)
    assert [p.name for p in given.iterdir()] == ["README"]


def test_with_metrics_off_nothing_is_prepared(clean_env: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    assert prepare(load_settings(), host="127.0.0.1") is None
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
