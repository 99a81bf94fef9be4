"""The Strawberry ASGI view with our per-request context and WebSocket authentication."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from graphql import ExecutionResult
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types.execution import PreExecutionError
from strawberry.types.unset import UNSET

from schema.context import Context
from schema.extensions import client_errors
from server.authentication import resolve_viewer
from server.domain.auth.authn import AuthenticationError
from server.error_codes import ApiErrorCode
from server.persisted import NOT_FOUND
from server.unavailable import RETRY_AFTER

GRAPHIQL_ASSETS = Path(__file__).parent / "static" / "graphiql"
GRAPHIQL_PAGE = GRAPHIQL_ASSETS / "index.html"

GRAPHQL_RESPONSE = "application/graphql-response+json"


class PmoTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws answering as HTTP does: an operation refused before it runs
    (unparsable, invalid, no such operation name) is an ``error`` message whose errors carry
    ``extensions.code`` (suggestions hidden in production), and the socket stays open for
    the connection's other operations. Strawberry's handler closes the whole socket with 4400
    on a syntax error, and sends validation errors without codes; this is the one place that
    says otherwise (it overrides the handler's pre-execution hook)."""

    async def _handle_pre_execution_error(self, operation: Operation[Context, None],
                                          result: PreExecutionError) -> None:
        await operation.send_initial_errors(client_errors(list(result.errors or []),
                                                          self.context))


class PmoGraphQL(GraphQL[Context, None]):
    """GraphQL over HTTP and graphql-transport-ws, every operation with a known caller."""

    graphql_transport_ws_handler_class = PmoTransportWS

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        request.state.pmo_response = response
        state = request.app.state
        viewer = request.scope.get("state", {}).get("viewer")
        return Context(sessions=state.sessions, report_sessions=state.report_sessions,
                       authorizer=state.authorizer, viewer=viewer,
                       request=request, response=response, debug=state.settings.debug,
                       compiled_reads=state.settings.compiled_reads,
                       raw_json=not isinstance(request, WebSocket),
                       limits=state.settings.limits,
                       introspection=state.settings.introspection_enabled,
                       hide_suggestions=state.settings.is_production,
                       status_report_grace_days=state.settings.status_report_grace_days,
                       deleted_rows_retention_days=state.settings.deleted_rows_retention_days,
                       operations=state.operations,
                       broadcast=state.broadcast)

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our GraphiQL page: the pinned build the app serves at /graphiql/ (no CDN), with
        how to pass a bearer token. Strawberry's own page loads its scripts from unpkg."""
        return HTMLResponse(GRAPHIQL_PAGE.read_text(encoding="utf-8"))

    def encode_json(self, data: object) -> str:
        # orjson: several times faster than json for a large page; the same JSON (compact),
        # and it splices the JSON PostgreSQL built for a compiled read (orjson.Fragment).
        # Text, not bytes: graphql-transport-ws messages must be text frames.
        return orjson.dumps(data).decode()

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        """GraphQL over HTTP: ``application/graphql-response+json`` when the client asks for it,
        with 400 for a request that could not be parsed or validated."""
        data = await super().process_result(request, result)
        accept = request.headers.get("accept", "")
        response = getattr(request.state, "pmo_response", None)
        limited = [e for e in result.errors or []
                   if (e.extensions or {}).get("code") == ApiErrorCode.RATE_LIMITED]
        if response is not None and any(
                (e.extensions or {}).get("code") == ApiErrorCode.SERVICE_UNAVAILABLE
                for e in result.errors or []):
            # The database is out of reach: 503, whatever else the answer holds.
            response.status_code = 503
            response.headers["Retry-After"] = RETRY_AFTER
            return data
        if response is not None and limited:
            # Nothing ran: 429 whatever the media type, with the wait in Retry-After.
            response.status_code = 429
            response.headers["Retry-After"] = str(limited[0].extensions["retryAfter"])  # type: ignore[index]
            return data
        if response is not None and GRAPHQL_RESPONSE in accept:
            response.pmo_media_type = GRAPHQL_RESPONSE
            # Refused before execution (parse, validation, a limit): 400 and no data entry.
            if result.data is None and result.errors and all(
                    e.path is None and (e.extensions or {}).get("code") != NOT_FOUND
                    for e in result.errors):
                response.status_code = 400
                data.pop("data", None)
        return data

    def create_response(self, response_data: Any, sub_response: Any) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = getattr(sub_response, "pmo_media_type", None)
        if media_type:
            response.headers["content-type"] = media_type
        return response

    async def on_ws_connect(self, context: Context) -> Any:
        """Authenticate a WebSocket from ``connection_init`` (or the upgrade's header)."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        header = (params.get("Authorization") or params.get("authorization")
                  or context.request.headers.get("authorization"))
        if header and not str(header).lower().startswith("bearer "):
            header = f"Bearer {header}"
        state = context.request.app.state
        try:
            context.viewer = await resolve_viewer(state.sessions, state.settings, header)
        except AuthenticationError as exc:
            raise ConnectionRejectionError(
                {"code": ApiErrorCode.UNAUTHENTICATED, "reason": exc.reason}) from None
        return UNSET
