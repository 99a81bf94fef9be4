"""The request id, one log line per request, and the HTTP metrics.

- The request id: asgi-correlation-id takes ``X-Request-ID`` when it looks like an id (8 to
  128 letters, digits and ``._:+/=-``; anything else is replaced, so a log line cannot be
  forged through it), else makes one (32 hex digits), and returns it on every response. Log
  records carry it (its ``CorrelationIdFilter``), and so does ``extensions.requestId`` of an
  INTERNAL_SERVER_ERROR (schema/extensions.py).
- The line (logger ``pmo.request``): method, path, status and duration, with what the request
  did: the GraphQL operation's name and type, the caller's roles, its SQL statements and the
  operation's cost. JSON (python-json-logger) where ``Settings.json_logs`` (production by
  default), one readable line otherwise: ``server.workers.log_config``, what ``pmo serve``
  gives uvicorn, whose own access log this line replaces.

Both wrap the whole app, Starlette's error handling included (``server.app.PmoApp``): a 500 is
logged, counted and carries its id like any other answer.
"""

from __future__ import annotations

import logging
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import metrics, tracing
from server.db import QueryStats, current_stats

log = logging.getLogger("pmo.request")

REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{8,128}")
MAX_OPERATION_NAME = 100


def valid_request_id(value: str) -> bool:
    """Whether a client's ``X-Request-ID`` is kept (else a new one is made)."""
    return REQUEST_ID.fullmatch(value) is not None


@dataclass(slots=True)
class RequestRecord:
    """What one HTTP request did, filled in as it runs (the GraphQL operation by
    ``schema.extensions.Observe``, statements by ``server.db.instrument``)."""

    sql: QueryStats = field(default_factory=QueryStats)
    operation: str | None = None
    operation_type: str | None = None
    cost: int | None = None


current_request: ContextVar[RequestRecord | None] = ContextVar("pmo_request", default=None)


def wrap(app: ASGIApp) -> ASGIApp:
    """The app with its request id, request log and HTTP metrics around it."""
    return CorrelationIdMiddleware(RequestLog(app), validator=valid_request_id)


class RequestLog:
    """Time each HTTP request, count its SQL statements, then count it and log its line.

    Written here rather than taken from a library: the line's substance (the operation, its
    cost, the statements, the caller) is ours, and access-log middlewares know none of it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = RequestRecord()
        # The same dict as the app's request.state: the caller is found there afterwards.
        state = scope.setdefault("state", {})
        status = 500  # unless an answer starts

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        record_token = current_request.set(record)
        stats_token = current_stats.set(record.sql)
        try:
            await self.app(scope, receive, send_status)
        finally:
            seconds = time.perf_counter() - started
            current_stats.reset(stats_token)
            current_request.reset(record_token)
            path, method = scope.get("path", ""), scope.get("method", "")
            metrics.observe_http(path, method, status, seconds, record.sql.statements)
            if log.isEnabledFor(logging.INFO):
                _log_line(record, state, path, method, status, seconds)


def _roles(state: dict[str, Any]) -> str | None:
    """The caller's roles: an API caller's (server.authentication) or a console user's."""
    subject = getattr(state.get("viewer"), "subject", None) or state.get("console_subject")
    roles = getattr(subject, "roles", None)
    return ",".join(sorted(roles)) if roles else None


def _log_line(record: RequestRecord, state: dict[str, Any], path: str, method: str,
              status: int, seconds: float) -> None:
    fields: dict[str, Any] = {
        "method": method, "path": path, "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "operation": (record.operation or "")[:MAX_OPERATION_NAME] or None,
        "operation_type": record.operation_type, "role": _roles(state),
        "statements": record.sql.statements, "cost": record.cost,
    }
    if tracing.traced.get():
        fields["trace_id"] = tracing.current_trace_id()
    # Readable on its own (the text format shows only the message); JSON adds the fields.
    words = [method, path, str(status), f"{fields['duration_ms']}ms"]
    if record.operation_type:
        words += [record.operation_type, fields["operation"] or "(anonymous)"]
    words += [f"{name}={fields[name]}" for name in ("role", "statements", "cost")
              if fields[name] is not None]
    words.append(f"id={correlation_id.get()}")
    log.info(" ".join(words), extra=fields)

