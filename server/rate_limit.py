"""Budgets over time, with the ``limits`` library: each caller's GraphQL cost per minute, and
failed sign-ins per client address and per account.

A caller (a person's session token, or one API token) may spend ``per_caller`` cost units a
minute; a request whose cost does not fit is refused with ``RATE_LIMITED`` and the seconds to
wait. The window slides (``limits``' sliding window counter), so the budget comes back
gradually rather than all at once. Failures count the same way: past ``per_address`` failed
authentications a minute, a client address is refused before its credentials are checked.

The counters live in this process's memory (``limits``' MemoryStorage), or in Redis when a
storage URL is given, so that several instances share one budget.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string


class Budgets:
    """The counters of one process (or of every instance sharing ``storage_url``); each budget
    is per ``window_seconds`` (a minute)."""

    def __init__(self, *, per_caller: int, per_address: int, per_account: int,
                 storage_url: str | None = None, window_seconds: int = 60) -> None:
        storage: Storage = (storage_from_string(storage_url) if storage_url  # type: ignore[assignment]
                            else MemoryStorage())
        self._limiter = SlidingWindowCounterRateLimiter(storage)
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

    async def _wait(self, item: RateLimitItem, kind: str, key: str) -> int:
        stats = await self._limiter.get_window_stats(item, kind, key)
        return max(1, math.ceil(stats.reset_time - time.time()))
