"""Seed benchmark: how long ``pmo seed --scale N`` takes.

Seeds scale N (default 100) into a temporary SQLite file and, given ``--postgres URL``,
into a temporary database on that PostgreSQL server; prints rows, seconds and rows/s.

    .venv/bin/python bench/seed_bench.py 100 --postgres postgresql+asyncpg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from server.db import create_engine
from server.domain.models import metadata
from server.seed import seed_database


async def bench(url: str, *, scale: int, seed: int) -> None:
    """Create the tables at ``url``, seed them and print the figures."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        report = await seed_database(engine, scale=scale, seed=seed)
    finally:
        await engine.dispose()
    rows = report.total_rows
    print(f"{engine.dialect.name:<10} scale {scale}: {rows:,} rows in {report.seconds:.1f} s "
          f"= {rows / report.seconds:,.0f} rows/s")


async def bench_sqlite(*, scale: int, seed: int) -> None:
    """Seed a SQLite file in a temporary directory."""
    with tempfile.TemporaryDirectory() as directory:
        await bench(f"sqlite+aiosqlite:///{Path(directory) / 'seed.db'}", scale=scale, seed=seed)


async def bench_postgres(server_url: str, *, scale: int, seed: int) -> None:
    """Seed a fresh database on the server at ``server_url``, dropped afterwards."""
    server = make_url(server_url).set(drivername="postgresql+asyncpg")
    name = f"pmo_seed_bench_{uuid.uuid4().hex[:8]}"
    # CREATE and DROP DATABASE cannot run inside a transaction.
    admin = create_engine(server.set(database="postgres").render_as_string(hide_password=False))
    autocommit = admin.execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with autocommit.connect() as conn:
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            await bench(url, scale=scale, seed=seed)
        finally:
            async with autocommit.connect() as conn:
                await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def main() -> None:
    """Parse the arguments and run the benchmark on each backend asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", type=int, nargs="?", default=100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to bench as well")
    parser.add_argument("--no-sqlite", action="store_true", help="bench PostgreSQL only")
    args = parser.parse_args()
    if not args.no_sqlite:
        asyncio.run(bench_sqlite(scale=args.scale, seed=args.seed))
    if args.postgres:
        asyncio.run(bench_postgres(args.postgres, scale=args.scale, seed=args.seed))


if __name__ == "__main__":
    main()
