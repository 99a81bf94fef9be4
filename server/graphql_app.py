"""The Strawberry ASGI view with our per-request context and WebSocket authentication."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET

from schema.context import Context
from server.authentication import resolve_viewer
from server.domain.auth.authn import AuthenticationError


class PmoGraphQL(GraphQL[Context, None]):
    """GraphQL over HTTP and graphql-transport-ws, every operation with a known caller."""

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        state = request.app.state
        viewer = request.scope.get("state", {}).get("viewer")
        return Context(sessions=state.sessions, authorizer=state.authorizer, viewer=viewer,
                       request=request, response=response, debug=state.settings.debug,
                       broadcast=state.broadcast)

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
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "reason": exc.reason}) \
                from None
        return UNSET
