"""Schema extensions: per-operation SQL statistics in development, masked internal errors."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

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
        return {"sql": {"statements": stats.statements, "ms": round(stats.seconds * 1000, 3)}}


class MaskInternalErrors(SchemaExtension):
    """Errors without an ``extensions.code`` are bugs: log them with a request id and show
    only ``INTERNAL_SERVER_ERROR`` and that id (unless debugging)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if not result or not result.errors:
            return
        context = self.execution_context.context
        debug = getattr(context, "debug", False)
        masked = []
        for error in result.errors:
            if (error.extensions or {}).get("code"):
                masked.append(error)
                continue
            request_id = uuid.uuid4().hex
            logger.error("unexpected error %s at %s", request_id, error.path,
                         exc_info=error.original_error or error)
            message = error.message if debug else "internal server error"
            masked.append(GraphQLError(
                message, nodes=error.nodes, path=error.path, original_error=None,
                extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}))
        result.errors = masked
