"""Prometheus metrics at ``/metrics`` (prometheus-client), summed over every worker.

- GraphQL operations (over HTTP and WebSocket) by operation name and type, and their errors by
  ``extensions.code``; each query's and mutation's duration, cost and SQL statements; the
  subscriptions open now.
- HTTP requests by route, method and status, with their duration and SQL statements.
- The database pools' connections, in use and idle; refusals by a rate limit.
- The backlog: webhook deliveries and emails waiting to be sent (the two outboxes), counted
  in the database at each scrape (a figure of the database, not of a process).

Several workers (``pmo serve --workers N``): prometheus-client's multiprocess mode. ``pmo
serve`` names one fresh directory in ``PROMETHEUS_MULTIPROC_DIR`` before any worker starts
(server/workers.py); each process keeps its values in its own memory-mapped files there, and
a scrape (any worker's ``/metrics``, or the supervisor's metrics port) adds them up. The
counters and histograms of a worker that has exited still count; its gauges no longer do.
Without the variable (tests, a single process) the values live in this process only.

Label values are bounded: operation names past ``MAX_OPERATION_NAMES`` distinct ones (callers
choose them) are counted as ``other``, unknown codes and methods likewise.
"""

from __future__ import annotations

import asyncio
import glob
import hmac
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import REGISTRY
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from server.db import normalise_url
from server.domain.enums import DUE
from server.error_codes import ApiErrorCode

log = logging.getLogger("pmo.metrics")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
MAX_OPERATION_NAMES = 500
MAX_NAME_LENGTH = 100
BACKLOG_TIMEOUT_SECONDS = 3.0

SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
COSTS = (1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000, 200_000)
STATEMENTS = (0, 1, 2, 3, 5, 10, 20, 50, 100, 250)

OPERATIONS = Counter("pmo_graphql_operations", "GraphQL operations answered (HTTP and "
                     "WebSocket), by operation name and type.", ["operation", "type"])
ERRORS = Counter("pmo_graphql_errors", "Errors in GraphQL answers, by operation and "
                 "extensions.code.", ["operation", "type", "code"])
DURATION = Histogram("pmo_graphql_operation_duration_seconds", "Time to answer a GraphQL "
                     "query or mutation.", ["operation", "type"], buckets=SECONDS)
COST = Histogram("pmo_graphql_operation_cost", "The cost of each GraphQL operation measured "
                 "(the figure extensions.cost reports).", ["operation", "type"], buckets=COSTS)
OPERATION_STATEMENTS = Histogram("pmo_graphql_operation_sql_statements", "SQL statements run "
                                 "by one GraphQL query or mutation.", ["operation", "type"],
                                 buckets=STATEMENTS)
SUBSCRIPTIONS = Gauge("pmo_graphql_subscriptions_open", "GraphQL subscriptions running now.",
                      multiprocess_mode="livesum")
HTTP_REQUESTS = Counter("pmo_http_requests", "HTTP requests answered, by route, method and "
                        "status.", ["route", "method", "status"])
HTTP_DURATION = Histogram("pmo_http_request_duration_seconds", "Time to answer an HTTP "
                          "request (to its last byte).", ["route", "method"], buckets=SECONDS)
HTTP_STATEMENTS = Histogram("pmo_http_request_sql_statements", "SQL statements run by one HTTP "
                            "request (authentication included).", ["route"], buckets=STATEMENTS)
POOL = Gauge("pmo_db_pool_connections", "Database connections held by the pools, by database "
             "(primary, replica) and state (in_use, idle).", ["database", "state"],
             multiprocess_mode="livesum")
REFUSALS = Counter("pmo_rate_limit_refusals", "Requests refused by a rate limit: graphql_cost "
                   "(RATE_LIMITED), api_authentication (failed bearer tokens from an address), "
                   "console_sign_in (failed console sign-ins).", ["limit"])

ROUTES = ("/graphql", "/graphiql", "/export", "/admin", "/healthz", "/readyz", "/metrics")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
CODES = frozenset(ApiErrorCode)
_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """The label of an operation name: ``anonymous``, the name, or ``other`` past the bound."""
    if not name:
        return "anonymous"
    if name in _names:
        return name
    if len(_names) < MAX_OPERATION_NAMES and len(name) <= MAX_NAME_LENGTH:
        _names.add(name)
        return name
    return "other"


def observe_operation(name: str | None, kind: str, *, seconds: float, statements: int,
                      cost: int | None, codes: Iterable[str]) -> None:
    """Count one GraphQL operation, its errors' codes and (queries, mutations) its figures."""
    operation = operation_label(name)
    OPERATIONS.labels(operation, kind).inc()
    for code in codes:
        ERRORS.labels(operation, kind, code if code in CODES else "OTHER").inc()
    if cost is not None:
        COST.labels(operation, kind).observe(cost)
    if kind != "subscription":  # a subscription's time and statements are its whole life's
        DURATION.labels(operation, kind).observe(seconds)
        OPERATION_STATEMENTS.labels(operation, kind).observe(statements)


def route_label(path: str) -> str:
    """The route a path belongs to (a fixed few: paths themselves are unbounded)."""
    for route in ROUTES:
        if path == route or path.startswith(route + "/"):
            return route
    return "other"


def observe_http(path: str, method: str, status: int, seconds: float, statements: int) -> None:
    """Count one HTTP request."""
    route = route_label(path)
    method = method if method in METHODS else "OTHER"
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_DURATION.labels(route, method).observe(seconds)
    HTTP_STATEMENTS.labels(route).observe(statements)


def refused(limit: str) -> None:
    """Count a request refused by a rate limit (``graphql_cost``, ``api_authentication``,
    ``console_sign_in``)."""
    REFUSALS.labels(limit).inc()


def subscription_opened() -> None:
    SUBSCRIPTIONS.inc()


def subscription_closed() -> None:
    SUBSCRIPTIONS.dec()


def watch_pool(engine: AsyncEngine, database: str) -> None:
    """Follow the engine's pool: connections opened, checked out, checked in and closed.

    Kept as increments (not read from the pool when scraped) so that every worker's figure
    lands in the shared files, and several engines in one process add up.
    """
    in_use, idle = POOL.labels(database, "in_use"), POOL.labels(database, "idle")

    def connected(*_: Any) -> None:
        idle.inc()

    def checked_out(*_: Any) -> None:
        idle.dec()
        in_use.inc()

    def checked_in(*_: Any) -> None:
        in_use.dec()
        idle.inc()

    def closed(*_: Any) -> None:
        idle.dec()

    target = engine.sync_engine
    event.listen(target, "connect", connected)
    event.listen(target, "checkout", checked_out)
    event.listen(target, "checkin", checked_in)
    event.listen(target, "close", closed)


# --- The backlog, counted at each scrape ---

_deliveries = sa.table("webhook_delivery", sa.column("status"))
_emails = sa.table("email_message", sa.column("status"))
# The outbox (outbox_event) fans out into webhook deliveries in the change's own transaction
# (server/domain/events.py), so its backlog is theirs; the email outbox is email_message.
BACKLOG = sa.select(
    sa.select(sa.func.count()).select_from(_deliveries)
    .where(_deliveries.c.status.in_(DUE)).scalar_subquery().label("webhook_delivery"),
    sa.select(sa.func.count()).select_from(_emails)
    .where(_emails.c.status.in_(DUE)).scalar_subquery().label("email_message"),
)


async def backlog(engine: AsyncEngine) -> dict[str, int] | None:
    """Rows waiting to be handled, by table (one statement); None when the database does not
    answer in time (the scrape then goes without them)."""

    async def count() -> dict[str, int]:
        async with engine.connect() as connection:
            row = (await connection.execute(BACKLOG)).one()
        return {name: int(value) for name, value in row._mapping.items()}

    try:
        return await asyncio.wait_for(count(), BACKLOG_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - a scrape still answers with the rest
        log.warning("backlog not counted: %s", exc)
        return None


class Backlog:
    """A collector of backlog counts taken for one scrape."""

    def __init__(self, counts: Mapping[str, int] | None) -> None:
        self._counts = counts

    def collect(self) -> Iterable[Metric]:
        if self._counts is None:
            return []
        family = GaugeMetricFamily("pmo_backlog_rows", "Rows waiting to be handled: outbox "
                                   "events not dispatched, webhook deliveries and emails "
                                   "pending or to retry.", labels=["table"])
        for table, count in self._counts.items():
            family.add_metric([table], count)
        return [family]


class Workers(MultiProcessCollector):
    """Every worker's values from the shared directory; the gauges of workers that have exited
    are forgotten first (prometheus-client's ``mark_process_dead``)."""

    def collect(self) -> Iterable[Metric]:
        for path in glob.glob(os.path.join(self._path, "gauge_live*_*.db")):
            pid = int(os.path.basename(path).rsplit("_", 1)[1].removesuffix(".db"))
            if not _alive(pid):
                mark_process_dead(pid, self._path)
        return super().collect()  # type: ignore[no-any-return]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Sources:
    def __init__(self, *sources: Any) -> None:
        self._sources = sources

    def collect(self) -> Iterable[Metric]:
        for source in self._sources:
            yield from source.collect()


def render(counts: Mapping[str, int] | None) -> bytes:
    """The exposition text: every worker's metrics (or this process's), and the backlog."""
    directory = os.environ.get(MULTIPROC_ENV)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Sources(Workers(None, directory) if directory else REGISTRY,  # type: ignore[arg-type]
                               Backlog(counts)))
    return generate_latest(registry)


def endpoint(token: str) -> Callable[[Request], Any]:
    """``GET /metrics``, answered only with ``Authorization: Bearer <token>`` (compared in
    constant time); 401 otherwise."""
    expected = token.encode()

    async def metrics(request: Request) -> Response:
        scheme, _, sent = request.headers.get("authorization", "").partition(" ")
        if not (scheme.lower() == "bearer"
                and hmac.compare_digest(sent.strip().encode(), expected)):
            return PlainTextResponse("a bearer token is needed\n", 401,
                                     headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        counts = await backlog(request.app.state.engine)
        return Response(render(counts), media_type=CONTENT_TYPE_LATEST)

    return metrics


class _BacklogNow:
    """The backlog counted when the supervisor's port is scraped: it holds no engine, so a
    short-lived one (no pool) in this scrape's thread."""

    def __init__(self, database_url: str) -> None:
        self._url = normalise_url(database_url)

    def collect(self) -> Iterable[Metric]:
        async def once() -> dict[str, int] | None:
            engine = create_async_engine(self._url, poolclass=NullPool)
            try:
                return await backlog(engine)
            finally:
                await engine.dispose()

        return Backlog(asyncio.run(once())).collect()


def serve_port(host: str, port: int, database_url: str) -> None:
    """Serve the metrics of every worker on their own port from this process (``pmo serve``'s
    supervisor), in a thread: prometheus-client's own HTTP server, no token."""
    directory = os.environ[MULTIPROC_ENV]
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Sources(Workers(None, directory), _BacklogNow(database_url)))
    start_http_server(port, addr=host, registry=registry)
