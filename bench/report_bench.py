"""Reporting benchmark: reports.projectRows pages and the CSV export, served in-process.

Seeds scale N into a temporary SQLite file (or a fresh database on ``--postgres URL``), then as
the analyst ``bi.reader@example.com`` walks every page of ``projectRows`` (500 a page, every
field) and downloads ``/export/projectRows.csv`` and ``/export/riskRows.csv``, printing rows
per second and SQL statements per page.

    .venv/bin/python bench/report_bench.py --scale 10
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx2
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from schema.reporting.reports import PROJECT_ROWS
from server.app import create_app
from server.db import create_engine
from server.domain.auth.tokens import mint
from server.domain.models import Person, metadata
from server.export import columns
from server.seed import seed_database
from server.settings import DEMO_SECRET_KEY, load_settings

FIELDS = " ".join(api for _, api in columns(PROJECT_ROWS.row_type))
PAGE = f"""
query($after: String) {{
  reports {{ projectRows(first: 500, after: $after, asOf: "2026-06-30") {{
    nodes {{ {FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}
}}"""


async def run(url: str, *, scale: int) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await seed_database(engine, scale=scale, seed=1)
    async with engine.connect() as conn:
        analyst = (await conn.execute(sa.select(Person.id).where(  # type: ignore[call-overload]
            Person.email == "bi.reader@example.com"))).scalar_one()
    await engine.dispose()
    token = mint(analyst, secret=DEMO_SECRET_KEY, ttl=timedelta(hours=1))
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(load_settings(database_url=url, debug=True))
    backend = make_url(url).get_backend_name()
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://bench",
                                     timeout=None) as client:
            await client.post("/graphql", json={"query": PAGE}, headers=headers)  # warm-up
            rows, pages, statements, after = 0, 0, [], None
            started = time.perf_counter()
            while True:
                body = (await client.post("/graphql", json={"query": PAGE, "variables": {
                    "after": after}}, headers=headers)).json()
                connection = body["data"]["reports"]["projectRows"]
                rows += len(connection["nodes"])
                pages += 1
                statements.append(body["extensions"]["sql"]["statements"])
                if not connection["pageInfo"]["hasNextPage"]:
                    break
                after = connection["pageInfo"]["endCursor"]
            seconds = time.perf_counter() - started
            print(f"{backend:<10} scale {scale}: projectRows GraphQL {rows:,} rows in {pages} "
                  f"pages, {seconds:.2f} s ({rows / seconds:,.0f} rows/s), "
                  f"{max(statements)} SQL statements per page at most")
            for report, params in (("projectRows", {"asOf": "2026-06-30"}), ("riskRows", {})):
                started = time.perf_counter()
                response = await client.get(f"/export/{report}.csv", params=params,
                                            headers=headers)
                seconds = time.perf_counter() - started
                lines = sum(1 for _ in csv.reader(io.StringIO(response.text))) - 1
                print(f"{backend:<10} scale {scale}: {report}.csv {lines:,} rows, "
                      f"{len(response.content) / 1e6:.1f} MB in {seconds:.2f} s "
                      f"({lines / seconds:,.0f} rows/s)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to also measure on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        await run(f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}", scale=args.scale)
    if args.postgres:
        server = make_url(args.postgres).set(drivername="postgresql+asyncpg")
        name = f"pmo_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server.set(database="postgres").render_as_string(
            hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            await run(server.set(database=name).render_as_string(hide_password=False),
                      scale=args.scale)
        finally:
            async with admin.connect() as conn:
                await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
