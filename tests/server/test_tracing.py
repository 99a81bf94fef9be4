"""OpenTelemetry tracing (server/tracing.py, the otel extra): off by default and then not even
imported; on, one trace holds the HTTP request's span, the GraphQL operation's within it and
the SQL statements' within that."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx2
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.auth.tokens import mint
from server.domain.enums import Role
from server.settings import DEMO_SECRET_KEY, load_settings

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = "query Projects { projects(first: 3) { nodes { code } } }"
TRACE_ID = "0af7651916cd43dd8448eb211c80319c"


@pytest.fixture(scope="module")
def exporter() -> Iterator[InMemorySpanExporter]:
    """Spans kept in memory, by the process's provider (installed once per process)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    memory = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    yield memory
    memory.shutdown()


@pytest.fixture
async def client(db_url: str) -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app(load_settings(database_url=db_url, otel=True))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


def ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[ReadableSpan]:
    found = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        found.append(span)
    return found


async def test_http_graphql_and_sql_spans_are_one_trace(
        client: httpx2.AsyncClient, exporter: InMemorySpanExporter,
        sessions: async_sessionmaker[AsyncSession]) -> None:
    # given a caller
    async with sessions() as s, s.begin():
        ada = await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                             role=Role.PMO)
    token = mint(ada.id, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))  # type: ignore[arg-type]
    exporter.clear()
    # when a query arrives within a trace begun upstream (W3C traceparent)
    answer = await client.post("/graphql", json={"query": PROJECTS}, headers={
        "Authorization": f"Bearer {token}",
        "traceparent": f"00-{TRACE_ID}-b7ad6b7169203331-01"})
    assert answer.status_code == 200 and "errors" not in answer.json()
    spans = exporter.get_finished_spans()
    # then every span belongs to that trace
    assert {format(span.context.trace_id, "032x") for span in spans} == {TRACE_ID}
    by_id = {span.context.span_id: span for span in spans}
    [http] = [s for s in spans if s.kind is SpanKind.SERVER and s.name.startswith("POST")]
    [operation] = [s for s in spans if s.name == "GraphQL Query: Projects"]
    statements = [s for s in spans if (s.attributes or {}).get("db.system") or
                  (s.attributes or {}).get("db.system.name")]
    # and the operation's span is within the request's, with its parsing and validation
    assert http in ancestors(operation, by_id)
    assert operation.attributes["graphql.operation.type"] == "query"  # type: ignore[index]
    assert {"GraphQL Parsing", "GraphQL Validation"} <= {s.name for s in spans
                                                         if operation in ancestors(s, by_id)}
    # and the SQL statements: the caller's roles within the request, the page within the
    # operation
    assert len(statements) >= 2
    assert all(http in ancestors(s, by_id) for s in statements)
    assert any(operation in ancestors(s, by_id) for s in statements)
    # and no span per resolved field
    assert not [s for s in spans if s.name.startswith("GraphQL Resolving")]


def test_without_otel_opentelemetry_is_not_needed(tmp_path: Path) -> None:
    # given a Python in which OpenTelemetry cannot be imported
    script = f"""
import sys
sys.modules["opentelemetry"] = None  # any import of it fails
from server.app import create_app
from server.settings import ConfigurationError, load_settings
url = "sqlite+aiosqlite:///{tmp_path / 'off.db'}"
create_app(load_settings(database_url=url))
assert not any(name.startswith("opentelemetry") for name in sys.modules if sys.modules[name])
try:
    create_app(load_settings(database_url=url, otel=True))
except ConfigurationError as exc:
    print(exc)
"""
    # when the app is built with tracing off, then on
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    # then off it needs none of it, and on it says what to install
    assert done.returncode == 0, done.stderr
    assert "PMO_OTEL=1 needs the otel extra" in done.stdout
