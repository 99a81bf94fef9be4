"""Schema extensions: each operation measured (metrics, the request's log line, SQL statistics
in development), traced when tracing is on, limited, and its internal errors masked."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import orjson
from asgi_correlation_id import correlation_id
from graphql import GraphQLError, GraphQLSyntaxError, NoSchemaIntrospectionCustomRule
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from schema.limits import Measure, measure, refused
from server import metrics, tracing
from server.db import QueryStats, current_stats
from server.error_codes import ApiErrorCode
from server.limits import Limits
from server.rate_limit import Budgets
from server.request_log import current_request
from server.unavailable import MESSAGE as UNAVAILABLE
from server.unavailable import is_unavailable

logger = logging.getLogger("pmo.graphql")
# graphql-core's parser stops with this message past ``max_tokens`` (and has no error class of
# its own for it): the one parse error that is a limit, not a mistake.
TOKEN_LIMIT = "tokens. Parsing aborted."
# graphql-core's hints ("Did you mean 'projects'?"), which map the schema for a stranger:
# removed in production, where introspection is off too.
SUGGESTION = re.compile(r" ?Did you mean [^\n]*\?")


@dataclass(slots=True)
class OperationFigures:
    """What one operation did: its SQL statements (within the request's) and its cost."""

    sql: QueryStats
    cost: int | None = None


_operation: ContextVar[OperationFigures | None] = ContextVar("pmo_operation", default=None)
# Raised by Strawberry before anything runs; the view answers them with HTTP 400 (or 405).
_REQUEST_ERRORS = {MissingQueryError: ApiErrorCode.GRAPHQL_VALIDATION_FAILED,
                   CannotGetOperationTypeError: ApiErrorCode.GRAPHQL_VALIDATION_FAILED,
                   InvalidOperationTypeError: ApiErrorCode.OPERATION_NOT_ALLOWED}


class Observe(SchemaExtension):
    """Every operation measured (the first extension, so around all the others): its SQL
    statements, also counted in the request's (``server.db.instrument``), and, once the other
    extensions have given its errors their codes, its name, type, duration, cost and errors
    for the metrics (``server.metrics``) and the request's log line (``server.request_log``);
    an open subscription counted while it runs. With ``PMO_DEBUG=1`` every answer shows
    ``extensions.sql = {statements, ms}`` and which read path served it."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        figures = OperationFigures(QueryStats(parent=current_stats.get()))
        self._figures = figures
        self._subscribed = False
        stats_token = current_stats.set(figures.sql)
        figures_token = _operation.set(figures)
        codes: list[str] = []
        try:
            yield
            result = self.execution_context.result
            codes = [str((error.extensions or {}).get("code"))
                     for error in (result.errors if result else None) or []]
        except (asyncio.CancelledError, GeneratorExit):
            # How a subscription ends when its client completes it or goes away; a query or
            # a mutation is cancelled past its deadline (server/deadline.py).
            codes = [] if self._subscribed else [ApiErrorCode.TIMEOUT]
            raise
        except BaseException as exc:
            codes = [_REQUEST_ERRORS.get(type(exc), ApiErrorCode.INTERNAL_SERVER_ERROR)]
            raise
        finally:
            # A subscription ends in the task that ran it; should it not, the variables are
            # that task's to drop.
            with suppress(ValueError):
                _operation.reset(figures_token)
                current_stats.reset(stats_token)
            if self._subscribed:
                metrics.subscription_closed()
            self._record(time.perf_counter() - started, codes)

    def on_execute(self) -> Iterator[None]:
        if self._kind() == "subscription":
            self._subscribed = True
            metrics.subscription_opened()
        yield

    def _kind(self) -> str:
        context = self.execution_context
        if context.graphql_document is None:
            return "unknown"
        try:
            return context.operation_type.value
        except RuntimeError:  # the document has no such operation
            return "unknown"

    def _record(self, seconds: float, codes: list[str]) -> None:
        figures, kind = self._figures, self._kind()
        name = self.execution_context.operation_name if kind != "unknown" else None
        metrics.observe_operation(name, kind, seconds=seconds,
                                  statements=figures.sql.statements, cost=figures.cost,
                                  codes=codes)
        request = current_request.get()
        if request is not None:  # over HTTP: the request's log line
            request.operation, request.operation_type = name, kind
            request.cost = figures.cost

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        if not getattr(context, "debug", False):
            return {}
        stats = self._figures.sql
        served = context.read_path_stats
        return {"sql": {"statements": stats.statements, "ms": round(stats.seconds * 1000, 3)},
                "readPath": {"compiled": served.compiled, "standard": served.standard}}


def operation_spans() -> SchemaExtension:
    """Strawberry's OpenTelemetry spans for an operation of a traced request (``PMO_OTEL=1``);
    for any other, an extension without hooks (nothing runs)."""
    if not tracing.traced.get():
        return SchemaExtension()
    from schema.tracing import OperationSpans  # the otel extra, needed only now

    return OperationSpans(tracer_provider=tracing.provider())


class CachedParsing(ParserCache):
    """Strawberry's parser cache, except that a document that does not parse is left to
    Strawberry's own parsing step, which reports it like every parse error (through the
    operation's extensions, so it gets its ``GRAPHQL_PARSE_FAILED`` code)."""

    def on_parse(self) -> Iterator[None]:
        try:
            yield from super().on_parse()
        except GraphQLError:
            self.execution_context.graphql_document = None
            yield


class PersistedOperations(SchemaExtension):
    """The operation a request runs when it names a persisted one (or when only registered
    operations may run): ``server.persisted``, before anything is parsed."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        store = getattr(context.context, "operations", None)
        if store is not None:
            context.query = store.text_of(context.query, context.operation_extensions)
        yield


class RequestLimits(ValidationCache):
    """The request's limits (``schema.limits``) before anything else: the token limit while
    parsing, then depth, aliases, root fields, directives, operations, variables and cost in
    one linear walk, then the caller's budget (``server.rate_limit``), charged the cost. A
    request over any of them is refused without graphql-core's validation (which a crafted
    document would also keep busy); otherwise validation runs, cached by document as
    Strawberry's ``ValidationCache`` does. Answers report their cost in ``extensions.cost``.
    """

    def __init__(self, maxsize: int | None = None) -> None:
        super().__init__(maxsize)
        self._limits = Limits()
        self._measure: Measure | None = None
        self._remaining: int | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        self._limits = getattr(context.context, "limits", None) or Limits()
        context.parse_options["max_tokens"] = self._limits.tokens
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        refusal = await self._refusal()
        if refusal:
            context.pre_execution_errors = refusal
        else:
            rules = tuple(context.validation_rules)
            if not getattr(context.context, "introspection", True):
                rules = (*rules, NoSchemaIntrospectionCustomRule)
            context.pre_execution_errors = self.cached_validate_document(
                context.schema._schema, context.graphql_document, rules)  # noqa: SLF001
        yield

    async def _refusal(self) -> list[GraphQLError]:
        context = self.execution_context
        limits = self._limits
        variables = context.variables or {}
        encoded = _json(variables) if variables else b""
        if len(encoded) > limits.variables_bytes:
            return [refused(f"the variables take {len(encoded)} bytes as JSON; at most "
                            f"{limits.variables_bytes}", ApiErrorCode.MAX_VARIABLES_SIZE_EXCEEDED)]
        assert context.graphql_document is not None
        # The figures depend on the document, the operation, the variables and the limits
        # only: a request seen before (a dashboard's refresh) reuses them.
        key = (context.query, context.operation_name, encoded, limits)
        found = _MEASURED.get(key)
        if found is None:
            found = measure(context.schema._schema, context.graphql_document,  # noqa: SLF001
                            context.operation_name, variables, limits)
            if not found.errors:  # refusals are rare and carry error objects: not kept
                if len(_MEASURED) >= MEASURED_MAX:
                    _MEASURED.pop(next(iter(_MEASURED)))
                _MEASURED[key] = found
        if found.errors:
            return found.errors
        self._measure = found
        figures = _operation.get()
        if figures is not None:
            figures.cost = found.cost
        budgets, caller = _caller(context.context)
        if budgets is None:
            return []
        wait, self._remaining = await budgets.charge("caller", caller, max(found.cost, 1))
        if wait is not None:
            metrics.refused("graphql_cost")
            return [refused(f"the cost budget of {budgets.budget('caller')} a minute is spent "
                            f"(this operation costs {found.cost}): retry in {wait} s",
                            ApiErrorCode.RATE_LIMITED, retryAfter=wait, cost=found.cost)]
        return []

    def get_results(self) -> dict[str, Any]:
        found = self._measure
        if found is None or self.execution_context.pre_execution_errors:
            return {}
        cost: dict[str, Any] = {"requested": found.cost, "maximum": self._limits.cost}
        if self._remaining is not None:
            cost["remaining"] = self._remaining
        return {"cost": cost}


MEASURED_MAX = 512
_MEASURED: dict[tuple[Any, ...], Measure] = {}
"""The figures of recent requests (oldest first, dropped past MEASURED_MAX)."""


def _json(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # what orjson refuses (a lone surrogate) json escapes
        return json.dumps(value, sort_keys=True).encode()


def _caller(context: Any) -> tuple[Budgets | None, str]:
    """The process's budgets and the key of the caller's: one per API token, else one per
    person."""
    request = getattr(context, "request", None)
    viewer = getattr(context, "viewer", None)
    budgets = getattr(getattr(getattr(request, "app", None), "state", None), "budgets", None)
    if budgets is None or viewer is None:
        return None, ""
    identity = viewer.identity
    if identity.token_name is not None:
        return budgets, f"token:{identity.person_id}:{identity.token_name}"
    return budgets, f"person:{identity.person_id}"


class MaskInternalErrors(SchemaExtension):
    """Give every error a code. Client mistakes keep their message (``GRAPHQL_PARSE_FAILED``,
    ``GRAPHQL_VALIDATION_FAILED``); exceptions from our code are bugs: logged with a request
    id and shown only as ``INTERNAL_SERVER_ERROR`` with that id (the message in debug only).
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if not result or not result.errors:
            return
        result.errors = client_errors(result.errors, self.execution_context.context)


def client_errors(errors: list[GraphQLError], context: Any) -> list[GraphQLError]:
    """The errors as a client sees them, over HTTP and WebSocket alike: each with a code,
    internal ones masked, and no "Did you mean" suggestions where the context hides them."""
    classified = [_classify(error, getattr(context, "debug", False)) for error in errors]
    if getattr(context, "hide_suggestions", False):
        for error in classified:
            error.message = SUGGESTION.sub("", error.message)
    return classified


def _classify(error: GraphQLError, debug: bool) -> GraphQLError:
    if (error.extensions or {}).get("code"):
        return error
    original = error.original_error
    if isinstance(original, CannotGetOperationTypeError):  # no such operation in the document
        return GraphQLError(original.as_http_error_reason(),
                            extensions={"code": ApiErrorCode.GRAPHQL_VALIDATION_FAILED})
    if isinstance(error, GraphQLSyntaxError) and TOKEN_LIMIT in error.message:
        return GraphQLError(error.message, extensions={"code": ApiErrorCode.MAX_TOKENS_EXCEEDED})
    if original is None or isinstance(original, GraphQLError):
        code = (ApiErrorCode.GRAPHQL_PARSE_FAILED if isinstance(error, GraphQLSyntaxError)
                else ApiErrorCode.GRAPHQL_VALIDATION_FAILED if error.path is None
                else ApiErrorCode.BAD_USER_INPUT)
        return GraphQLError(error.message, nodes=error.nodes, source=error.source,
                            positions=error.positions, path=error.path,
                            extensions={**(error.extensions or {}), "code": code})
    if is_unavailable(original):
        return GraphQLError(UNAVAILABLE, nodes=error.nodes, path=error.path,
                            extensions={"code": ApiErrorCode.SERVICE_UNAVAILABLE})
    request_id = correlation_id.get() or uuid.uuid4().hex  # the request's, as in its log line
    logger.error("unexpected error %s at %s", request_id, error.path, exc_info=original)
    return GraphQLError(error.message if debug else "internal server error",
                        nodes=error.nodes, path=error.path,
                        extensions={"code": ApiErrorCode.INTERNAL_SERVER_ERROR,
                                    "requestId": request_id})
