"""The database (or Redis) is out of reach: answer 503 ``SERVICE_UNAVAILABLE`` at once.

``is_unavailable`` tells a failure to reach the database (refused, lost mid-statement, shut
down, no free connection in time) from a bug; ``schema.extensions`` gives such a GraphQL
error the code ``SERVICE_UNAVAILABLE``, ``PmoGraphQL`` answers it with HTTP 503, and
``Unavailable`` does the same for whatever else meets it outside GraphQL's resolvers (signing
a request in, a budget, a CSV export, the console) instead of a 500 with a traceback. The
engine's timeouts (``server.db.create_engine``) make these failures quick; the pool's
pre-ping replaces dead connections once the database is back, so the same process recovers.
Starlette has no such classification, and SQLAlchemy's ``connection_invalidated`` only covers
connections that were open, hence this module.
"""

from __future__ import annotations

import errno
import logging
import socket

import orjson
import sqlalchemy.exc
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.error_codes import ApiErrorCode

MESSAGE = "the service is unavailable: its database cannot be reached now; retry shortly"
RETRY_AFTER = "5"
log = logging.getLogger("pmo.unavailable")
# SQLSTATE classes: 08 connection exception, 57P operator intervention (admin or crash
# shutdown, cannot connect now), 53300 too many connections.
_STATES = ("08", "57P", "53300")
_NETWORK = {errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH, errno.ENETUNREACH,
            errno.ETIMEDOUT, errno.EPIPE}


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is the database or Redis being out of reach."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _unavailable(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _unavailable(exc: BaseException) -> bool:
    if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sqlalchemy.exc.TimeoutError):  # no free pooled connection in time
        return True
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):  # refused, reset
        return True
    if isinstance(exc, OSError) and (exc.errno in _NETWORK or "Connect call failed" in str(exc)):
        return True
    state = getattr(exc, "sqlstate", None)
    if isinstance(state, str) and state.startswith(_STATES):
        return True
    module = type(exc).__module__
    name = type(exc).__name__
    if module.startswith("asyncpg") and name in {"ConnectionDoesNotExistError",
                                                 "InterfaceError", "InternalClientError"}:
        return "closed" in str(exc) or "connection" in str(exc).lower()
    return module.startswith("redis") and name in {"ConnectionError", "TimeoutError"}


def body() -> bytes:
    return orjson.dumps({"errors": [{"message": MESSAGE,
                                     "extensions": {"code": ApiErrorCode.SERVICE_UNAVAILABLE}}]})


class Unavailable:
    """Answer 503 when a request meets an unreachable database outside GraphQL's own error
    handling: JSON with ``SERVICE_UNAVAILABLE`` for the API and exports, a short text page
    for the console; ``Retry-After`` either way."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started or not is_unavailable(exc):
                raise
            log.warning("answered 503 to %s: %s", scope.get("path"), type(exc).__name__)
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        path = scope.get("path", "")
        if path.startswith(("/graphql", "/export")):
            content, media = body(), b"application/json"
        else:
            content, media = (MESSAGE.capitalize() + ".\n").encode(), b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", media),
                                (b"content-length", str(len(content)).encode()),
                                (b"retry-after", RETRY_AFTER.encode())]})
        await send({"type": "http.response.body", "body": content})
