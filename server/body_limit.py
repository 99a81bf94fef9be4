"""Request bodies past a size are refused with 413 before the application reads them.

Starlette reads a body whole, whatever its size, and the GraphQL view then parses it: a 5 MB
document cost 30 s of CPU and half a gigabyte before any limit saw it. This middleware counts
the bytes as they arrive and answers 413 at the first byte past ``max_bytes`` (at once when
``Content-Length`` says so). Starlette has no such setting and the libraries that offer one
target other frameworks, hence these few lines.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.error_codes import ApiErrorCode

PAYLOAD_TOO_LARGE = ApiErrorCode.PAYLOAD_TOO_LARGE


class BodyLimit:
    """Refuse HTTP request bodies over ``max_bytes`` with 413 and a GraphQL-shaped error."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        # Read the body here, counting, and hand it on whole: nothing downstream sees a byte
        # of a body that is too large.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(chunks, None, receive), send)

    async def _refuse(self, send: Send) -> None:
        body = orjson.dumps({"errors": [{
            "message": f"the request body is larger than {self.max_bytes} bytes",
            "extensions": {"code": PAYLOAD_TOO_LARGE}}]})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def _replay(chunks: list[bytes], pending: Message | None, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read so far in one message, then defers to the
    original (for the disconnect a streaming response waits for)."""
    queue: list[Message] = [{"type": "http.request", "body": b"".join(chunks),
                             "more_body": False}] if pending is None else [pending]

    async def replay() -> Message:
        if queue:
            return queue.pop(0)
        return await receive()
    return replay
