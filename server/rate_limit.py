"""Budgets over time, with the ``limits`` library: each caller's GraphQL cost per minute, and
failed sign-ins per client address and per account.

A caller (a person's session token, or one API token) may spend ``per_caller`` cost units a
minute; a request whose cost does not fit is refused with ``RATE_LIMITED`` and the seconds to
wait. The window slides (``limits``' sliding window counter), so the budget comes back
gradually rather than all at once. Failures count the same way: past ``per_address`` failed
authentications a minute, a client address is refused before its credentials are checked.

Where the counters live (``storage_for``): in Redis when ``PMO_REDIS_URL`` is set; else on
PostgreSQL in the ``rate_budget`` table, so that every instance spends the same budget; on
SQLite (one instance) in the process's memory.
"""

from __future__ import annotations

import math
import time
from typing import Any

import sqlalchemy as sa
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.storage.base import SlidingWindowCounterSupport
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from server.settings import Settings


class Budgets:
    """The counters of one process (or of every instance sharing ``storage``); each budget
    is per ``window_seconds`` (a minute)."""

    def __init__(self, *, per_caller: int, per_address: int, per_account: int,
                 storage: Storage | None = None, window_seconds: int = 60) -> None:
        self.storage = storage or MemoryStorage()
        self._limiter = SlidingWindowCounterRateLimiter(self.storage)
        self._items: dict[str, RateLimitItem | None] = {
            kind: RateLimitItemPerSecond(amount, window_seconds) if amount > 0 else None
            for kind, amount in (("caller", per_caller), ("address", per_address),
                                 ("account", per_account))}

    def budget(self, kind: str) -> int | None:
        item = self._items[kind]
        return None if item is None else item.amount

    async def spend(self, kind: str, key: str, cost: int = 1) -> int | None:
        """Spend ``cost`` of ``key``'s budget: None when it fit, else the seconds until it
        would (nothing is spent then). No budget of this kind: always None."""
        item = self._items[kind]
        if item is None:
            return None
        if await self._limiter.hit(item, kind, key, cost=cost):
            return None
        return await self._wait(item, kind, key)

    async def charge(self, kind: str, key: str, cost: int = 1) -> tuple[int | None, int | None]:
        """``spend``, and what is left after it: (None, remaining) when it fit, else (the
        seconds to wait, 0); (None, None) without a budget of this kind. On PostgreSQL one
        statement when it fits (a request's common case), as its round trip is the cost."""
        item = self._items[kind]
        if item is None:
            return None, None
        if isinstance(self.storage, PostgresStorage):
            weighted = await self.storage.charge(item.key_for(kind, key), item.amount,
                                                 item.get_expiry(), cost)
            if weighted is not None:
                return None, max(0, item.amount - math.floor(weighted))
            return await self._wait(item, kind, key), 0
        wait = await self.spend(kind, key, cost)
        return (wait, 0) if wait is not None else (None, await self.remaining(kind, key))

    async def exhausted(self, kind: str, key: str) -> int | None:
        """Seconds to wait when ``key`` has nothing left, else None (nothing is spent)."""
        item = self._items[kind]
        if item is None or await self._limiter.test(item, kind, key):
            return None
        return await self._wait(item, kind, key)

    async def remaining(self, kind: str, key: str) -> int | None:
        item = self._items[kind]
        if item is None:
            return None
        return int((await self._limiter.get_window_stats(item, kind, key)).remaining)

    async def aclose(self) -> None:
        """Close the storage's connections (its pool on PostgreSQL, its client on Redis)."""
        if isinstance(self.storage, PostgresStorage):
            await self.storage.aclose()
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        if client is not None:
            await client.aclose()

    async def _wait(self, item: RateLimitItem, kind: str, key: str) -> int:
        stats = await self._limiter.get_window_stats(item, kind, key)
        return max(1, math.ceil(stats.reset_time - time.time()))


def storage_for(settings: Settings, engine: AsyncEngine) -> Storage:
    """Redis when PMO_REDIS_URL is set, else the database on PostgreSQL, else memory."""
    if settings.redis_url is not None:
        url = settings.redis_url.get_secret_value()
        # Redis down: a request fails as fast as with the database down (SERVICE_UNAVAILABLE).
        timeout = settings.db_connect_timeout
        return storage_from_string(f"async+{url}", implementation="redispy",  # type: ignore[return-value]
                                   socket_connect_timeout=timeout, socket_timeout=timeout)
    if engine.dialect.name == "postgresql":
        return PostgresStorage(engine, pool_size=settings.db_pool_size,
                               connect_timeout=settings.db_connect_timeout)
    return MemoryStorage()


class PostgresStorage(Storage, SlidingWindowCounterSupport):
    """``limits`` counters in the ``rate_budget`` table, for the sliding window counter.

    ``limits`` ships storages for Redis, Memcached and MongoDB but none for a relational
    database, and an operator who runs PostgreSQL should not need another service to share
    budgets between instances, hence this one. Acquiring is one statement (an upsert whose
    condition weighs the previous window, as ``limits``' own storages do), atomic under
    concurrency: the row lock of ``ON CONFLICT DO UPDATE`` orders competing spends. Each
    statement runs in autocommit, one round trip.
    """

    STORAGE_SCHEME = None
    # A spend weighs the previous window's count by the part of it still inside the sliding
    # window, and fits when floor(weighted) + cost <= limit, i.e. weighted + cost < limit + 1.
    ACQUIRE = sa.text("""
        WITH prior AS (
            SELECT coalesce((SELECT spent FROM rate_budget
                             WHERE key = :key AND window_index = :window - 1), 0) AS spent)
        INSERT INTO rate_budget (key, window_index, spent, expires_at)
        SELECT :key, :window, :amount, :expires FROM prior
        WHERE prior.spent * :weight + :amount < :limit + 1
        ON CONFLICT (key, window_index) DO UPDATE SET spent = rate_budget.spent + excluded.spent
        WHERE (SELECT spent FROM prior) * :weight + rate_budget.spent + excluded.spent
              < :limit + 1
        RETURNING spent, (SELECT spent FROM prior) AS prior""")
    WINDOWS = sa.text("SELECT window_index, spent FROM rate_budget "
                      "WHERE key = :key AND window_index IN (:window - 1, :window)")
    PURGE = sa.text("DELETE FROM rate_budget WHERE expires_at < :now")
    PURGE_EVERY = 60.0
    # Plain counters (``incr``/``get``, for the other strategies) use this window index.
    COUNTER = -1

    def __init__(self, engine: AsyncEngine, *, pool_size: int = 10,
                 connect_timeout: float = 3.0) -> None:
        super().__init__()
        # A small pool of its own, in autocommit and without the app's pre-ping: a spend is
        # one round trip, not three (a ping, a statement, a commit). A connection lost with a
        # restart fails one spend (503, as the request would) and the pool replaces it.
        self._engine = create_async_engine(
            engine.url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=False,
            isolation_level="AUTOCOMMIT", connect_args={
                "timeout": connect_timeout,
                "server_settings": {"synchronous_commit": "off"}})
        self._purged = 0.0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sa.exc.DBAPIError

    async def _run(self, statement: sa.TextClause, **params: Any) -> list[Any]:
        async with self._engine.connect() as connection:
            now = time.time()
            if now - self._purged > self.PURGE_EVERY:
                self._purged = now
                await connection.execute(self.PURGE, {"now": int(now)})
            result = await connection.execute(statement, params)
            return list(result) if result.returns_rows else []

    async def charge(self, key: str, limit: int, expiry: int, amount: int = 1) -> float | None:
        """Acquire ``amount``: the weighted count after it, or None when it does not fit."""
        if amount > limit:
            return None
        now = time.time()
        window, elapsed = divmod(now, expiry)
        weight = 1 - elapsed / expiry
        rows = await self._run(self.ACQUIRE, key=key, window=int(window), amount=amount,
                               limit=limit, weight=weight, expires=int(window + 2) * expiry)
        return rows[0].prior * weight + rows[0].spent if rows else None

    async def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int,
                                           amount: int = 1) -> bool:
        return await self.charge(key, limit, expiry, amount) is not None

    async def aclose(self) -> None:
        await self._engine.dispose()

    async def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        now = time.time()
        window, elapsed = divmod(now, expiry)
        spent = dict(await self._run(self.WINDOWS, key=key, window=int(window)))
        previous, current = spent.get(int(window) - 1, 0), spent.get(int(window), 0)
        # As limits' storages report them: the time left of each window's weight.
        previous_ttl = (expiry - elapsed) if previous else 0.0
        return previous, previous_ttl, current, 2 * expiry - elapsed

    async def clear_sliding_window(self, key: str, expiry: int) -> None:
        await self.clear(key)

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        rows = await self._run(sa.text("""
            INSERT INTO rate_budget (key, window_index, spent, expires_at)
            VALUES (:key, :counter, :amount, :expires)
            ON CONFLICT (key, window_index) DO UPDATE SET
                spent = CASE WHEN rate_budget.expires_at < :now THEN excluded.spent
                             ELSE rate_budget.spent + excluded.spent END,
                expires_at = CASE WHEN rate_budget.expires_at < :now THEN excluded.expires_at
                                  ELSE rate_budget.expires_at END
            RETURNING spent"""), key=key, counter=self.COUNTER, amount=amount,
            now=int(time.time()), expires=math.ceil(time.time() + expiry))
        return int(rows[0][0])

    async def get(self, key: str) -> int:
        rows = await self._run(sa.text(
            "SELECT spent FROM rate_budget WHERE key = :key AND window_index = :counter "
            "AND expires_at >= :now"), key=key, counter=self.COUNTER, now=int(time.time()))
        return int(rows[0][0]) if rows else 0

    async def get_expiry(self, key: str) -> float:
        rows = await self._run(sa.text(
            "SELECT expires_at FROM rate_budget WHERE key = :key AND window_index = :counter"),
            key=key, counter=self.COUNTER)
        return float(rows[0][0]) if rows else time.time()

    async def check(self) -> bool:
        try:
            await self._run(sa.text("SELECT 1"))
        except sa.exc.DBAPIError:
            return False
        return True

    async def reset(self) -> int | None:
        rows = await self._run(sa.text("DELETE FROM rate_budget RETURNING 1"))
        return len(rows)

    async def clear(self, key: str) -> None:
        await self._run(sa.text("DELETE FROM rate_budget WHERE key = :key"), key=key)
