"""The GraphQL operation's span (``PMO_OTEL=1``; imported only then: it needs the otel extra)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

from opentelemetry import trace
from strawberry.extensions import LifecycleStep, SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension


class OperationSpans(OpenTelemetryExtension):
    """Strawberry's spans for the operation, its parsing and its validation, with the
    operation's span made current while it runs, so that its SQL statements' spans are its
    children. No span per resolved field (Strawberry's ``resolve`` hook is left out): a page
    of rows would make thousands, each slowing the answer."""

    resolve = SchemaExtension.resolve  # type: ignore[assignment]

    def on_operation(self) -> Iterator[None]:
        steps = super().on_operation()
        next(steps)  # the span starts
        span = self._span_holder[LifecycleStep.OPERATION]
        try:
            with trace.use_span(span, end_on_exit=False):
                yield
            context = self.execution_context
            if context.graphql_document is not None:
                with suppress(RuntimeError):  # the document has no such operation
                    span.set_attribute("graphql.operation.type", context.operation_type.value)
            if context.operation_name:
                span.set_attribute("graphql.operation.name", context.operation_name)
        finally:
            next(steps, None)  # its final name, and its end
