"""CPU-heavy work off the event loop, a bounded number of jobs at once.

Work that takes more than a few milliseconds of CPU (a password hash, the portfolio
optimiser) would hold every other request on the event loop while it runs. It runs here on
a small pool of its own: the loop keeps serving (the GIL is handed over every few
milliseconds, and Argon2 releases it), and a flood of such work queues in the pool rather
than multiplying.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
THREADS = 2
_POOL = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="pmo-cpu")


async def off_loop(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``work(*args, **kwargs)`` on the CPU pool; the caller awaits it without blocking."""
    return await asyncio.get_running_loop().run_in_executor(_POOL, partial(work, *args,
                                                                           **kwargs))
