"""Schema extensions: per-operation SQL statistics in development, masked internal errors."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import ParserCache, SchemaExtension

from server.db import QueryStats, current_stats

logger = logging.getLogger("pmo.graphql")


class SqlStatistics(SchemaExtension):
    """With ``PMO_DEBUG=1``: ``extensions.sql = {statements, ms}`` on every response."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if not getattr(context, "debug", False):
            yield
            return
        stats = QueryStats()
        token = current_stats.set(stats)
        self._stats = stats
        try:
            yield
        finally:
            current_stats.reset(token)

    def get_results(self) -> dict[str, Any]:
        stats = getattr(self, "_stats", None)
        if stats is None:
            return {}
        served = self.execution_context.context.read_path_stats
        return {"sql": {"statements": stats.statements, "ms": round(stats.seconds * 1000, 3)},
                "readPath": {"compiled": served.compiled, "standard": served.standard}}


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
        debug = getattr(self.execution_context.context, "debug", False)
        result.errors = [_classify(error, debug) for error in result.errors]


def _classify(error: GraphQLError, debug: bool) -> GraphQLError:
    if (error.extensions or {}).get("code"):
        return error
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        code = ("GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError)
                else "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_USER_INPUT")
        return GraphQLError(error.message, nodes=error.nodes, source=error.source,
                            positions=error.positions, path=error.path,
                            extensions={**(error.extensions or {}), "code": code})
    request_id = uuid.uuid4().hex
    logger.error("unexpected error %s at %s", request_id, error.path, exc_info=original)
    return GraphQLError(error.message if debug else "internal server error",
                        nodes=error.nodes, path=error.path,
                        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id})
