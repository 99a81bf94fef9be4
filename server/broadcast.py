"""A small publish/subscribe interface for live updates; in-memory by default.

One process serves its own subscribers. A shared backend (Redis, PostgreSQL LISTEN/NOTIFY)
can implement the same two methods later without touching publishers or subscribers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from server.domain.events import DomainEvent

QUEUE_SIZE = 1000


class Broadcast(Protocol):
    """Publish domain events; subscribe to all of them."""

    async def publish(self, event: DomainEvent) -> None: ...

    def subscribe(self) -> AsyncIterator[DomainEvent]: ...


class InMemoryBroadcast:
    """Fan events out to every subscriber of this process through bounded queues."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[DomainEvent]] = set()

    async def publish(self, event: DomainEvent) -> None:
        for queue in list(self._queues):
            if queue.full():  # a stalled subscriber loses its oldest event, not everyone's
                queue.get_nowait()
            queue.put_nowait(event)

    @asynccontextmanager
    async def _queue(self) -> AsyncIterator[asyncio.Queue[DomainEvent]]:
        queue: asyncio.Queue[DomainEvent] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    async def subscribe(self) -> AsyncIterator[DomainEvent]:  # type: ignore[override]
        async with self._queue() as queue:
            while True:
                yield await queue.get()

    @property
    def subscribers(self) -> int:
        return len(self._queues)
