"""Read-path benchmark: the "portfolio board" query served in-process, as a client sees it.

Seeds scale N into a temporary SQLite file (or a fresh database on ``--postgres URL``), then
POSTs the board query (projects with portfolio, manager, sponsor, latest status report,
risks(first: 5), milestones and gates) through the ASGI app K times and prints latency
percentiles, SQL statements per request and fields per response.

    .venv/bin/python bench/graphql_board.py --scale 10 --first 100 --requests 30
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from server.app import create_app
from server.db import create_engine
from server.domain.auth.tokens import mint
from server.domain.models import Person, metadata
from server.seed import seed_database
from server.settings import DEMO_SECRET_KEY, load_settings

BOARD = """
query($n: Int!) {
  projects(first: $n, orderBy: [{field: PRIORITY, direction: ASC}]) {
    edges { node {
      code name status budgetAtCompletion percentComplete
      portfolio { name } manager { fullName } sponsor { fullName }
      latestStatusReport { periodEnd overall }
      risks(first: 5) { nodes { title score status } }
      milestones { nodes { name plannedDate status } }
      gates { nodes { name status } }
    } }
  }
}"""


def count_fields(value: Any) -> int:
    """Leaf and object fields in a JSON response (what the executor completed)."""
    if isinstance(value, dict):
        return sum(1 + count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 0


async def run(url: str, *, scale: int, first: int, requests: int) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await seed_database(engine, scale=scale, seed=1)
    async with engine.connect() as conn:
        alice = (await conn.execute(sa.select(Person.id).where(  # type: ignore[call-overload]
            Person.email == "pm.alice@example.com"))).scalar_one()
    await engine.dispose()
    token = mint(alice, secret=DEMO_SECRET_KEY, ttl=timedelta(hours=1))
    app = create_app(load_settings(database_url=url, debug=True))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://bench") as client:
            body = {"query": BOARD, "variables": {"n": first}}
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(3):  # warm-up: caches, connection pool, enforcer decisions
                await client.post("/graphql", json=body, headers=headers)
            times, result = [], {}
            for _ in range(requests):
                started = time.perf_counter()
                result = (await client.post("/graphql", json=body, headers=headers)).json()
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    sql = result["extensions"]["sql"]
    print(f"{make_url(url).get_backend_name():<10} scale {scale}, first {first}: "
          f"p50 {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms,"
          f" {sql['statements']} SQL statements ({sql['ms']:.1f} ms), "
          f"{count_fields(result['data']):,} fields")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--first", type=int, default=100)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to also measure on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        await run(f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}", scale=args.scale,
                  first=args.first, requests=args.requests)
    if args.postgres:
        server = make_url(args.postgres).set(drivername="postgresql+asyncpg")
        name = f"pmo_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server.set(database="postgres").render_as_string(
            hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            await run(server.set(database=name).render_as_string(hide_password=False),
                      scale=args.scale, first=args.first, requests=args.requests)
        finally:
            async with admin.connect() as conn:
                await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
