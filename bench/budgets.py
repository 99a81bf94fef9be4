"""Where rate-limit budgets should live when several instances share them: what one GraphQL
request's budget costs (``Budgets.charge``: spend, and what is left) in
this process's memory, in PostgreSQL (the ``rate_budget`` table) and in Redis.

    python bench/budgets.py [--requests 2000] [--concurrency 50]

PostgreSQL: PMO_BENCH_POSTGRES_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/
postgres; a throwaway database is created and dropped). Redis: PMO_BENCH_REDIS_URL (default
redis://127.0.0.1:6379/14). A store that does not answer is reported and skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from limits.aio.storage import MemoryStorage, Storage  # noqa: E402

from server.db import create_engine  # noqa: E402
from server.domain.models import metadata  # noqa: E402
from server.rate_limit import Budgets, storage_for  # noqa: E402
from server.settings import load_settings  # noqa: E402

PG = os.environ.get("PMO_BENCH_POSTGRES_URL",
                    "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("PMO_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


async def request_cost(budgets: Budgets, key: str) -> None:
    """What one GraphQL request does with its caller's budget (schema.extensions)."""
    wait, _remaining = await budgets.charge("caller", key, 7)
    assert wait is None


async def measure(name: str, storage: Storage, requests: int, concurrency: int) -> None:
    budgets = Budgets(per_caller=10**9, per_address=0, per_account=0, storage=storage)
    key = uuid.uuid4().hex
    for _ in range(50):  # connections opened, statements prepared
        await request_cost(budgets, key)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        await request_cost(budgets, key)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()

    async def caller(index: int) -> None:
        for _ in range(requests // concurrency):
            await request_cost(budgets, f"{key}:{index}")

    started = time.perf_counter()
    await asyncio.gather(*(caller(i) for i in range(concurrency)))
    rate = (requests // concurrency) * concurrency / (time.perf_counter() - started)
    print(f"{name:<11} {statistics.median(times):8.3f} {times[int(len(times) * 0.99)]:8.3f} "
          f"{rate:12,.0f}")
    await budgets.aclose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    print(f"one request's budget (a charge: spend, and what is left), {args.requests} in a row, "
          f"then {args.concurrency} callers at once")
    print(f"{'store':<11} {'p50 ms':>8} {'p99 ms':>8} {'requests/s':>12}")
    await measure("memory", MemoryStorage(), args.requests, args.concurrency)

    name = f"pmo_bench_budgets_{uuid.uuid4().hex[:8]}"
    admin = sa.make_url(PG)
    try:
        connection = await asyncpg.connect(host=admin.host, port=admin.port or 5432,
                                           user=admin.username, database="postgres")
    except OSError as exc:
        print(f"postgresql  not measured: {exc}")
    else:
        await connection.execute(f'CREATE DATABASE "{name}"')
        engine = create_engine(admin.set(database=name).render_as_string(hide_password=False),
                               pool_size=args.concurrency)
        try:
            async with engine.begin() as setup:
                await setup.run_sync(metadata.create_all, tables=[metadata.tables["rate_budget"]])
            await measure("postgresql", storage_for(load_settings(), engine), args.requests,
                          args.concurrency)
        finally:
            await engine.dispose()
            await connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await connection.close()

    storage = storage_for(load_settings(redis_url=REDIS), create_engine("sqlite+aiosqlite://"))
    if not await storage.check():
        print(f"redis       not measured: no answer at {REDIS}")
    else:
        await measure("redis", storage, args.requests, args.concurrency)


if __name__ == "__main__":
    asyncio.run(main())
