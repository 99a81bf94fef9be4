"""OpenTelemetry tracing (``PMO_OTEL=1``, the ``otel`` extra), off by default.

One trace per request: a span for the HTTP request or WebSocket (opentelemetry-instrumentation-
asgi), within it one for the GraphQL operation (Strawberry's extension, schema/tracing.py) and
within that one per SQL statement (opentelemetry-instrumentation-sqlalchemy). Spans go where
the standard variables say: ``OTEL_TRACES_EXPORTER`` (``otlp``, the default, over HTTP;
``console``; ``none``), ``OTEL_EXPORTER_OTLP_ENDPOINT`` and its kin, ``OTEL_SERVICE_NAME``
(``pmo-backend`` by default), ``OTEL_TRACES_SAMPLER``. A tracer provider the host process
has installed already (a test's, an agent's) is used as it is.

This module imports OpenTelemetry only when tracing is on: the app is imported without it.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

from server.settings import ConfigurationError

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from sqlalchemy.ext.asyncio import AsyncEngine

SERVICE_NAME = "pmo-backend"
traced: ContextVar[bool] = ContextVar("pmo_traced", default=False)
"""Whether the current request is traced (so that its GraphQL operation is too)."""


def provider() -> TracerProvider:
    """The process's tracer provider: the one installed, else one built from OTEL_* (once)."""
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
    except ImportError:
        raise ConfigurationError("PMO_OTEL=1 needs the otel extra: "
                                 "pip install 'pmo-backend[otel]'") from None
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": SERVICE_NAME}
    made = TracerProvider(resource=Resource.create(attributes))
    for name in os.environ.get("OTEL_TRACES_EXPORTER", "otlp").split(","):
        name = name.strip().lower()
        if name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            made.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        elif name == "console":
            made.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
        elif name not in ("none", ""):
            raise ConfigurationError(f"OTEL_TRACES_EXPORTER: {name!r} is not one of otlp, "
                                     "console, none")
    trace.set_tracer_provider(made)
    return made


def http(app: ASGIApp) -> ASGIApp:
    """The app inside a span per HTTP request and WebSocket (trace context taken from the
    request's ``traceparent``); the operations it runs are traced too."""
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    # No span for each message received or sent: a CSV export streams thousands.
    spanned = OpenTelemetryMiddleware(app, tracer_provider=provider(),
                                      exclude_spans=["receive", "send"])

    async def traced_app(scope: Scope, receive: Receive, send: Send) -> None:
        token = traced.set(True)
        try:
            await spanned(scope, receive, send)
        finally:
            traced.reset(token)

    return traced_app


def sql(engine: AsyncEngine) -> None:
    """A span per SQL statement the engine runs, within the current span."""
    spans = provider()
    from opentelemetry import trace
    from opentelemetry.instrumentation.sqlalchemy import __version__
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import get_meter

    # EngineTracer directly, as SQLAlchemyInstrumentor.instrument(engine=...) does inside: the
    # instrumentor instruments once per process (a second app's engine would be left out) and
    # also patches create_engine everywhere, which we do not want.
    tracer = trace.get_tracer("opentelemetry.instrumentation.sqlalchemy", __version__, spans)
    usage = get_meter("opentelemetry.instrumentation.sqlalchemy", __version__) \
        .create_up_down_counter("db.client.connections.usage", unit="connections")
    EngineTracer(tracer, engine.sync_engine, usage)


def current_trace_id() -> str | None:
    """The current trace's id in hex, as trace back ends show it."""
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None

