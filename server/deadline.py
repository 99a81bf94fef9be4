"""A deadline per GraphQL request: past ``seconds`` it is cancelled and answered 504
``TIMEOUT``.

The limits (``schema.limits``) refuse what is large on its face; this catches what is slow
anyway (a heavy search, a database under load), so that one request cannot hold a worker and
its connections indefinitely. Cancelling the task cancels its database statements; a
mutation's transaction is rolled back unless it had already committed. Starlette and
Strawberry have no request timeout of their own, hence this middleware.
"""

from __future__ import annotations

import asyncio

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.error_codes import ApiErrorCode

TIMEOUT = ApiErrorCode.TIMEOUT


class Deadline:
    """Cancel a request to ``path`` still unanswered after ``seconds`` (0: never)."""

    def __init__(self, app: ASGIApp, seconds: float, path: str = "/graphql") -> None:
        self.app = app
        self.seconds = seconds
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0 or scope.get("path") != self.path:
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            async with asyncio.timeout(self.seconds):
                await self.app(scope, receive, sending)
        except TimeoutError:
            if started:
                raise  # part of an answer is out: nothing better to do than drop it
            body = orjson.dumps({"errors": [{
                "message": f"the request took longer than {self.seconds:g} s and was stopped",
                "extensions": {"code": TIMEOUT}}]})
            await send({"type": "http.response.start", "status": 504,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
