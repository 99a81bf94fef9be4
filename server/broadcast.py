"""A small publish/subscribe interface for live updates.

``InMemoryBroadcast`` serves the subscribers of one process (SQLite, one worker).
``PostgresBroadcast`` shares events between every worker and machine on the same PostgreSQL
database through LISTEN/NOTIFY, so a subscriber hears of a change whichever worker made it
(``pmo serve --workers 2``). ``for_database`` picks the one the database allows.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from server.domain.events import DomainEvent

QUEUE_SIZE = 1000
CHANNEL = "pmo_events"
log = logging.getLogger(__name__)


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


class PostgresBroadcast:
    """Events shared through PostgreSQL's LISTEN/NOTIFY on ``CHANNEL``.

    ``publish`` sends a NOTIFY (the event as JSON; events carry ids, far below the 8,000-byte
    limit); one listening connection per process hands every notification, this process's
    own included, to the local subscribers. asyncpg's ``add_listener`` does the listening;
    there is no maintained broadcast library for asyncpg + Starlette to use instead (the
    ``broadcaster`` package is archived).

    The listening connection is watched from the first subscription on: when it is lost (the
    database restarted, a failover, a network cut that a ping every ``CHECK_EVERY`` seconds
    finds), it is opened again, retrying with back-off up to ``RETRY_MAX`` seconds apart,
    and the subscriptions already open hear events again. Events notified while no
    connection listened are not heard live (NOTIFY keeps nothing); the outbox and the
    notification inbox keep them.
    """

    CHECK_EVERY = 5.0
    RETRY_MAX = 5.0

    def __init__(self, url: str, engine: AsyncEngine, *, connect_timeout: float = 3.0) -> None:
        parsed = make_url(url)
        self._connect_args: dict[str, Any] = {
            "host": parsed.host, "port": parsed.port or 5432, "user": parsed.username,
            "password": parsed.password, "database": parsed.database,
            "timeout": connect_timeout}
        self._engine = engine
        self._local = InMemoryBroadcast()
        self._listener: Any = None
        self._lock = asyncio.Lock()
        self._handing_on: set[asyncio.Task[None]] = set()
        self._watcher: asyncio.Task[None] | None = None
        self._lost_event = asyncio.Event()
        self.reconnects = 0

    async def _connect(self) -> Any:
        import asyncpg

        return await asyncpg.connect(**self._connect_args)

    @property
    def listening(self) -> bool:
        return self._listener is not None and not self._listener.is_closed()

    async def start(self) -> None:
        """Open the listening connection (again, if it was lost) and watch it."""
        async with self._lock:
            if self._watcher is None or self._watcher.done():
                self._watcher = asyncio.get_running_loop().create_task(self._watch())
            if self.listening:
                return
            self._listener = await self._connect()
            self._lost_event.clear()
            await self._listener.add_listener(CHANNEL, self._received)
            self._listener.add_termination_listener(self._lost)

    def _lost(self, connection: Any) -> None:
        if connection is not self._listener:  # one we closed ourselves
            return
        log.warning("lost the %s listening connection; reconnecting", CHANNEL)
        self._lost_event.set()

    async def _alive(self) -> bool:
        if not self.listening:
            return False
        try:
            await asyncio.wait_for(self._listener.execute("SELECT 1"), self.CHECK_EVERY)
        except Exception:  # noqa: BLE001 - any failure: the connection is no use
            return False
        return True

    async def _watch(self) -> None:
        """Keep a listening connection open for as long as this broadcast runs."""
        wait = 0.1
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost_event.wait(), self.CHECK_EVERY)
            self._lost_event.clear()
            if await self._alive():
                wait = 0.1
                continue
            await self._close_listener()
            try:
                await self.start()
            except Exception as exc:  # noqa: BLE001 - the database is away: try again later
                log.warning("cannot listen on %s yet (%s); retrying in %.1f s", CHANNEL,
                            type(exc).__name__, wait)
                self._lost_event.set()
                await asyncio.sleep(wait)
                wait = min(wait * 2, self.RETRY_MAX)
                continue
            self.reconnects += 1
            log.info("listening on %s again", CHANNEL)
            wait = 0.1

    async def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None and not listener.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(listener.close(), 1)
            listener.terminate()

    async def stop(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        async with self._lock:
            await self._close_listener()

    def _received(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            event = DomainEvent(**json.loads(payload))
        except (ValueError, TypeError):
            log.warning("ignored a malformed %s notification", CHANNEL)
            return
        # Called on the event loop: hand it on without waiting (keeping the task referenced).
        task = asyncio.get_running_loop().create_task(self._local.publish(event))
        self._handing_on.add(task)
        task.add_done_callback(self._handing_on.discard)

    async def publish(self, event: DomainEvent) -> None:
        payload = json.dumps(dataclasses.asdict(event), default=str)
        # A pooled connection; the notification goes out when this small transaction commits.
        # The change itself has committed already: a failure here loses the live update (the
        # outbox keeps the event), never the caller's answer.
        try:
            async with self._engine.begin() as connection:
                await connection.execute(sa.text("SELECT pg_notify(:channel, :payload)"),
                                         {"channel": CHANNEL, "payload": payload})
        except Exception:  # noqa: BLE001 - reported, not raised
            log.warning("could not publish %s to %s", event.type, CHANNEL, exc_info=True)

    async def subscribe(self) -> AsyncIterator[DomainEvent]:  # type: ignore[override]
        await self.start()
        async for event in self._local.subscribe():
            yield event

    @property
    def subscribers(self) -> int:
        return self._local.subscribers


def for_database(url: str, engine: AsyncEngine, *,
                 connect_timeout: float = 3.0) -> InMemoryBroadcast | PostgresBroadcast:
    """LISTEN/NOTIFY on PostgreSQL, in-process otherwise."""
    if make_url(url).get_backend_name() == "postgresql":
        return PostgresBroadcast(url, engine, connect_timeout=connect_timeout)
    return InMemoryBroadcast()
