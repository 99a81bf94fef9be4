"""Bearer-token authentication in front of GraphQL (and any other API route).

A request without valid credentials never reaches a resolver: it gets HTTP 401 with
``WWW-Authenticate: Bearer`` and a GraphQL-shaped error ``UNAUTHENTICATED``, and no data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from server import metrics
from server.domain.auth import api_tokens
from server.domain.auth.authn import AuthenticationError, authenticate, bearer_token
from server.domain.auth.viewer import Viewer, load_viewer
from server.error_codes import ApiErrorCode
from server.rate_limit import Budgets
from server.settings import Settings


async def resolve_viewer(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, authorization: str | None
) -> Viewer:
    """The caller behind an ``Authorization`` header, with current roles; AuthenticationError."""
    if _writes_on_use(authorization):
        async with sessions() as session, session.begin():
            identity = await authenticate(session, authorization=authorization,
                                          settings=settings)
            return await load_viewer(session, identity)
    # A JWT only reads (the person and their roles): on an autocommit connection, without
    # the BEGIN and COMMIT round trips that every request would otherwise pay.
    async with sessions.kw["bind"].connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        async with sessions(bind=connection) as session:
            identity = await authenticate(session, authorization=authorization,
                                          settings=settings)
            return await load_viewer(session, identity)


def _signed_token(authorization: str | None) -> bool:
    """Whether the credentials are a signed token (checked without the database)."""
    return not _writes_on_use(authorization)


def _writes_on_use(authorization: str | None) -> bool:
    """Whether authenticating records something (an API token's last use)."""
    try:
        return bearer_token(authorization).startswith(api_tokens.PREFIX)
    except AuthenticationError:
        return True  # the usual path reports it


def unauthenticated_response(reason: str) -> JSONResponse:
    """HTTP 401 in the shape GraphQL clients read, per RFC 6750 for the header."""
    safe = reason.replace('"', "'")
    return JSONResponse(
        {"errors": [{"message": f"authentication failed: {reason}",
                     "extensions": {"code": ApiErrorCode.UNAUTHENTICATED}}]},
        status_code=401,
        headers={"WWW-Authenticate": f'Bearer realm="pmo", error="invalid_token", '
                                     f'error_description="{safe}"'},
    )


def rate_limited_response(retry_after: int, reason: str) -> JSONResponse:
    """HTTP 429 with ``Retry-After``, in the shape GraphQL clients read."""
    return JSONResponse(
        {"errors": [{"message": f"{reason}: retry in {retry_after} s",
                     "extensions": {"code": ApiErrorCode.RATE_LIMITED,
                                    "retryAfter": retry_after}}]},
        status_code=429, headers={"Retry-After": str(retry_after)})


def _is_ide_page(request: Request, settings: Settings) -> bool:
    # The GraphiQL page itself is static and holds no data; its queries carry a token.
    return (not settings.is_production and request.method == "GET"
            and "text/html" in request.headers.get("accept", "")
            and "query" not in request.query_params)


class RequireBearer:
    """ASGI wrapper: authenticate HTTP requests and put the ``Viewer`` in ``scope['state']``.

    WebSocket connections are authenticated by the GraphQL view on ``connection_init``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state: Any = request.app.state
        if not _is_ide_page(request, state.settings):
            budgets: Budgets | None = getattr(state, "budgets", None)
            address = "api:" + (request.client.host if request.client else "unknown")
            authorization = request.headers.get("authorization")
            # Past its budget of failures an address is refused before an API token is looked
            # up (each lookup is a query); a signed token costs no query to check, so a valid
            # one still gets through (people behind the same address keep working).
            wait = budgets and await budgets.exhausted("address", address)
            if wait and not _signed_token(authorization):
                metrics.refused("api_authentication")
                await rate_limited_response(
                    wait, "too many failed authentications from this address")(
                        scope, receive, send)
                return
            try:
                viewer = await resolve_viewer(state.sessions, state.settings, authorization)
            except AuthenticationError as exc:
                if wait:
                    metrics.refused("api_authentication")
                    await rate_limited_response(
                        wait, "too many failed authentications from this address")(
                            scope, receive, send)
                    return
                if budgets is not None:
                    await budgets.spend("address", address)
                await unauthenticated_response(exc.reason)(scope, receive, send)
                return
            scope.setdefault("state", {})["viewer"] = viewer
        await self.app(scope, receive, send)
