"""BI feed benchmark: every page of projectRows and allocationRows, their plans, CSV memory.

What the BI feed promises: paging through every ``reports { projectRows }`` and
``reports { allocationRows }`` row costs the same per page from the first page to the last
(keyset pagination, indexes, no sequential scan of a large table), and ``/export/<report>.csv``
streams in constant memory whatever the row count. This script measures each part:

1. Seeds scale N (default 100) into a throwaway PostgreSQL database (tables from the models,
   then ``ANALYZE``), and with ``--sqlite`` into a temporary SQLite file too.
2. As the analyst ``bi.reader@example.com``, in-process through the ASGI app (no GraphQL cost
   budget: a whole allocationRows walk at scale 100 spends more than the default's minute),
   walks every page of projectRows (every field, ``first: 500``, ``asOf`` 2026-06-30) and of
   allocationRows (every field, ``first: 500``, the 26 weeks from 2026-06-01) ``--rounds``
   times, keeping each page's best time: the mean of the first and the last 5 pages, their
   ratio, p50, max, the mean of each tenth of the walk and SQL statements per page; for
   allocationRows also the allocations per person by tenth of the people (the data a page
   reads, which differs along the walk).
3. PostgreSQL: every SELECT the last page of each report ran (caught with a
   ``before_cursor_execute`` listener on the app's engine, with its parameters) is run under
   ``EXPLAIN (ANALYZE, FORMAT JSON)`` with those parameters (the custom plan) and as the plan
   PostgreSQL keeps for a prepared statement run many times (``PREPARE``, then ``EXPLAIN
   ANALYZE EXECUTE`` under ``plan_cache_mode = force_generic_plan``: asyncpg prepares every
   statement); ``pg_prepared_statements`` on the app's connections tells which of the two the
   app ran. Every scan is listed with its table's size; sequential scans of a table over 1,000
   rows are the offenders (a custom plan with one is timed again with ``enable_seqscan`` off),
   and index scans with no index condition that filter rows out (they read the index from its
   start, so they cost more the further the page) are listed too.
4. ``pmo serve`` as a real process on that database: ``/export/projectRows.csv``,
   ``riskRows.csv`` and ``allocationRows.csv`` (52 weeks) streamed with httpx2 (bytes counted,
   rows parsed, nothing kept) while the server's RSS is sampled every 20 ms from
   ``/proc/<pid>/status``; its peak (``VmHWM``, reset before each download) is read too. Then
   the same on a second database at ``--compare-scale`` (default 10), so that the peak can be
   compared across row counts.

    .venv/bin/python bench/bi_feed.py [--scale 100] [--sqlite] [--compare-scale 10]
    .venv/bin/python bench/bi_feed.py --scale 10 --compare-scale 0    # bounded (make bench-ci)
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import contextlib
import csv
import json
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url

from schema.reporting.reports import PROJECT_ROWS
from schema.reporting.types import AllocationRow
from server.app import create_app
from server.db import create_engine
from server.domain.auth.tokens import mint
from server.domain.models import Person, metadata
from server.export import columns
from server.seed import seed_database
from server.settings import DEMO_SECRET_KEY, load_settings

ROOT = Path(__file__).resolve().parent.parent
PMO = ROOT / ".venv" / "bin" / "pmo"
ANALYST = "bi.reader@example.com"
AS_OF = "2026-06-30"
WEEK_FROM = date(2026, 6, 1)  # a Monday
WEEK_TO = WEEK_FROM + timedelta(weeks=25)  # 26 weeks for the pages
CSV_WEEK_TO = WEEK_FROM + timedelta(weeks=51)  # 52 weeks for the CSV
LARGE = 1_000  # rows: a sequential scan of a table past this is an offender
EDGE = 5  # pages averaged at each end of a walk
SAMPLE_SECONDS = 0.02

PROJECT_FIELDS = " ".join(api for _, api in columns(PROJECT_ROWS.row_type))
ALLOCATION_FIELDS = " ".join(api for _, api in columns(AllocationRow))
REPORTS = {
    "projectRows": f"""
query($after: String) {{
  reports {{ projectRows(first: 500, after: $after, asOf: "{AS_OF}") {{
    nodes {{ {PROJECT_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}
}}""",
    "allocationRows": f"""
query($after: String) {{
  reports {{ allocationRows(first: 500, after: $after,
                            filter: {{weekFrom: "{WEEK_FROM}", weekTo: "{WEEK_TO}"}}) {{
    nodes {{ {ALLOCATION_FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}
}}""",
}
EXPORTS = [
    ("projectRows", {"asOf": AS_OF}),
    ("riskRows", {}),
    ("allocationRows", {"weekFrom": str(WEEK_FROM), "weekTo": str(CSV_WEEK_TO)}),
]


def log(message: str) -> None:
    print(message, flush=True)


# --- databases ------------------------------------------------------------------------------

@dataclass
class Database:
    url: str
    backend: str
    scale: int
    analyst: int = 0
    sizes: dict[str, int] = field(default_factory=dict)  # PostgreSQL: table -> rows


async def prepare(url: str, scale: int) -> Database:
    """Tables from the models, the seed at ``scale``, ANALYZE; the analyst's id."""
    engine = create_engine(url)
    backend = make_url(url).get_backend_name()
    db = Database(url, backend, scale)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        started = time.perf_counter()
        await seed_database(engine, scale=scale, seed=1)
        seeded = time.perf_counter() - started
        if backend == "postgresql":
            # As autovacuum would have by now on a live database: statistics, and the
            # visibility map that makes index-only scans cheap.
            async with engine.connect() as conn:
                await (await conn.execution_options(isolation_level="AUTOCOMMIT")
                       ).execute(sa.text("VACUUM ANALYZE"))
        async with engine.begin() as conn:
            await conn.execute(sa.text("ANALYZE"))
            db.analyst = (await conn.execute(sa.select(Person.id).where(  # type: ignore[call-overload]
                Person.email == ANALYST))).scalar_one()
            if backend == "postgresql":
                db.sizes = {name: int(rows) for name, rows in (await conn.execute(sa.text(
                    "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' "
                    "AND relnamespace = 'public'::regnamespace"))).all()}
    finally:
        await engine.dispose()
    log(f"{backend} scale {scale}: seeded in {seeded:.1f} s"
        + (f" ({sum(db.sizes.values()):,} rows)" if db.sizes else ""))
    return db


@contextlib.asynccontextmanager
async def postgres_database(server_url: str) -> Any:
    """A fresh database on the server (dropped afterwards): its URL."""
    server = make_url(server_url).set(drivername="postgresql+asyncpg")
    name = f"pmo_bi_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres").render_as_string(
        hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def bearer(db: Database) -> dict[str, str]:
    token = mint(db.analyst, secret=DEMO_SECRET_KEY, ttl=timedelta(hours=2))
    return {"Authorization": f"Bearer {token}"}


# --- 2. every page --------------------------------------------------------------------------

@dataclass
class Walk:
    report: str
    seconds: list[float] = field(default_factory=list)  # per page
    statements: list[int] = field(default_factory=list)  # per page
    rows: int = 0
    last_page: list[tuple[str, Any]] = field(default_factory=list)  # (SQL, parameters)
    plans: dict[str, tuple[int, int]] = field(default_factory=dict)
    """PostgreSQL: (generic, custom) plans each statement ran with on the app's connections."""


def mean_ms(values: list[float]) -> float:
    return 1000 * statistics.fmean(values)


def describe(db: Database, walk: Walk, rounds: int) -> str:
    s = walk.seconds
    first, last = mean_ms(s[:EDGE]), mean_ms(s[-EDGE:])
    p50, slowest = mean_ms([statistics.median(s)]), mean_ms([max(s)])
    tenths = [s[len(s) * i // 10:len(s) * (i + 1) // 10] for i in range(10)]
    by_tenth = " ".join(f"{mean_ms(t):.0f}" for t in tenths if t)
    return (f"{db.backend} scale {db.scale}: {walk.report} {walk.rows:,} rows in {len(s)} "
            f"pages, {sum(s):.1f} s (each page's best of {rounds} walk{'s' * (rounds > 1)}); "
            f"first {EDGE} pages "
            f"{first:.0f} ms, last {EDGE} {last:.0f} ms (x{last / first:.2f}); p50 {p50:.0f} "
            f"ms, max {slowest:.0f} ms; {max(walk.statements)} SQL statements per "
            f"page at most\n    mean ms by tenth of the walk: {by_tenth}")


DENSITY = sa.text("""
WITH tenths AS (SELECT id, ntile(10) OVER (ORDER BY id) AS tenth FROM person)
SELECT tenths.tenth, count(DISTINCT tenths.id), count(allocation.id)
FROM tenths LEFT JOIN allocation ON allocation.person_id = tenths.id
  AND allocation.start_date <= :last AND allocation.end_date >= :first
GROUP BY tenths.tenth ORDER BY tenths.tenth""")


async def allocation_density(engine: Any) -> None:
    """Allocations in the pages' window per person, by tenth of the people: the data a page
    of allocationRows reads (pages go in person order), to read the page times against."""
    async with engine.connect() as conn:
        found = (await conn.execute(DENSITY, {"first": WEEK_FROM,
                                              "last": WEEK_TO + timedelta(days=6)})).all()
    log("    allocations in the window per person, by tenth of the people: "
        + " ".join(f"{allocated / people:.2f}" for _, people, allocated in found))


async def walk_pages(db: Database, rounds: int) -> list[Walk]:
    """Every page of each report, in-process, ``rounds`` times: each page's fastest time (the
    machine is shared), and the last page's SQL with its parameters."""
    headers = bearer(db)
    # No cost budget: the whole allocationRows walk at scale 100 costs more than the default
    # 1,000,000 a minute (about 8,500 a page), and a client would wait between pages.
    app = create_app(load_settings(database_url=db.url, debug=True, cost_per_minute=0))
    caught: list[tuple[str, Any]] = []

    def catch(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
              executemany: bool) -> None:
        caught.append((statement, parameters))

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", catch)
    walks = []
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://bench",
                                      timeout=None) as client:
            for report, query in REPORTS.items():
                await client.post("/graphql", json={"query": query}, headers=headers)  # warm-up
                tries = []
                for _ in range(rounds):
                    walk, after = Walk(report), None
                    while True:
                        caught.clear()
                        started = time.perf_counter()
                        response = await client.post("/graphql", json={
                            "query": query, "variables": {"after": after}}, headers=headers)
                        walk.seconds.append(time.perf_counter() - started)
                        body = response.json()
                        if "errors" in body:
                            raise SystemExit(f"{report}: {body['errors']}")
                        connection = body["data"]["reports"][report]
                        walk.rows += len(connection["nodes"])
                        walk.statements.append(body["extensions"]["sql"]["statements"])
                        if not connection["pageInfo"]["hasNextPage"]:
                            break
                        after = connection["pageInfo"]["endCursor"]
                    walk.last_page = list(caught)
                    tries.append(walk)
                walk = tries[-1]
                walk.seconds = [min(times) for times in zip(*(t.seconds for t in tries),
                                                             strict=True)]
                log(describe(db, walk, rounds))
                if report == "allocationRows":
                    await allocation_density(app.state.engine)
                walks.append(walk)
        if db.backend == "postgresql":
            plans = await plan_choices(app.state.engine)
            for walk in walks:
                walk.plans = plans
    event.remove(app.state.engine.sync_engine, "before_cursor_execute", catch)
    return walks


async def plan_choices(engine: Any) -> dict[str, tuple[int, int]]:
    """(generic, custom) plans per statement text, summed over the pool's connections, from
    ``pg_prepared_statements`` (asyncpg prepares every statement; after five runs PostgreSQL
    may keep to a generic plan)."""
    out: dict[str, tuple[int, int]] = {}
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(engine.sync_engine.pool.checkedin()):
            conn = await stack.enter_async_context(engine.connect())
            for sql, generic, custom in (await conn.exec_driver_sql(
                    "SELECT statement, generic_plans, custom_plans "
                    "FROM pg_prepared_statements")).all():
                before = out.get(sql, (0, 0))
                out[sql] = (before[0] + generic, before[1] + custom)
    return out


# --- 3. EXPLAIN -----------------------------------------------------------------------------

@dataclass
class Scan:
    node: str
    relation: str
    index: str | None
    estimated: float
    actual: float | None
    removed: float | None  # rows removed by a filter
    index_condition: str | None
    filter: str | None


def scans(plan: dict[str, Any]) -> Iterator[Scan]:
    """The scan nodes of a plan tree, depth first."""
    if "Relation Name" in plan:
        loops = plan.get("Actual Loops") or 1
        actual = plan.get("Actual Rows")
        removed = plan.get("Rows Removed by Filter")
        yield Scan(plan["Node Type"], plan["Relation Name"], plan.get("Index Name"),
                   plan.get("Plan Rows", 0),
                   None if actual is None else actual * loops,
                   None if removed is None else removed * loops,
                   plan.get("Index Cond"), plan.get("Filter"))
    for child in plan.get("Plans", ()):
        yield from scans(child)


def literal(value: Any) -> str:
    """A parameter as SQL text for ``EXECUTE name(...)``: the prepared statement casts it."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return "'{" + ",".join("NULL" if v is None else json.dumps(str(v))
                               for v in value) + "}'"
    if isinstance(value, date | datetime):
        value = value.isoformat()
    return "'" + str(value).replace("'", "''") + "'"


def as_json(value: Any) -> Any:
    """EXPLAIN's JSON: text, or decoded already by the codec SQLAlchemy sets on asyncpg."""
    return json.loads(value) if isinstance(value, str | bytes) else value


@dataclass
class Explained:
    number: int
    sql: str
    custom: list[Scan]
    generic: list[Scan]
    custom_ms: float
    generic_ms: float
    no_seqscan_ms: float | None = None  # the custom plan with enable_seqscan off


async def analysed(raw: Any, sql: str, params: list[Any], repeat: int = 3,
                   ) -> tuple[dict[str, Any], float]:
    """EXPLAIN ANALYZE's plan and its shortest execution time of ``repeat`` runs."""
    best, plan = float("inf"), {}
    for _ in range(repeat):
        plan = as_json(await raw.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, *params))[0]
        best = min(best, plan["Execution Time"])
    return plan, best


def offending(found: list[Scan], sizes: dict[str, int]) -> list[Scan]:
    """Sequential scans of a table over LARGE rows."""
    return [scan for scan in found if scan.node == "Seq Scan" and sizes.get(scan.relation, 0)
            > LARGE]


def from_the_start(found: list[Scan], sizes: dict[str, int]) -> list[Scan]:
    """Index scans of a table over LARGE rows with no index condition that threw rows away:
    they read the index from its first entry, so their cost grows with a keyset page's
    position when the filter is the page's bound."""
    return [scan for scan in found if scan.node in ("Index Scan", "Index Only Scan")
            and scan.index_condition is None and scan.removed
            and sizes.get(scan.relation, 0) > LARGE]


async def explain(db: Database, statements: list[tuple[str, Any]]) -> list[Explained]:
    """Each SELECT's plan with its parameters and its generic plan, both run (EXPLAIN
    ANALYZE); a custom plan with a sequential scan of a large table is run again with
    sequential scans off, for comparison."""
    engine = create_engine(db.url)
    out = []
    try:
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            for number, (sql, parameters) in enumerate(statements, 1):
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                params = list(parameters or ())
                plan, custom_ms = await analysed(raw, sql, params)
                await raw.execute("SET plan_cache_mode = force_generic_plan")
                await raw.execute(f"PREPARE bench_bi AS {sql}")
                try:
                    arguments = ", ".join(literal(p) for p in params)
                    generic, generic_ms = await analysed(
                        raw, "EXECUTE bench_bi" + (f"({arguments})" if params else ""), [])
                finally:
                    await raw.execute("DEALLOCATE bench_bi")
                    await raw.execute("RESET plan_cache_mode")
                e = Explained(number, sql, list(scans(plan["Plan"])),
                              list(scans(generic["Plan"])), custom_ms, generic_ms)
                if offending(e.custom, db.sizes):
                    await raw.execute("SET enable_seqscan = off")
                    try:
                        _, e.no_seqscan_ms = await analysed(raw, sql, params)
                    finally:
                        await raw.execute("RESET enable_seqscan")
                out.append(e)
    finally:
        await engine.dispose()
    return out


def scan_text(scan: Scan, sizes: dict[str, int]) -> str:
    where = f" using {scan.index}" if scan.index else ""
    actual = "" if scan.actual is None else f", actual {scan.actual:,.0f}"
    removed = "" if not scan.removed else f", {scan.removed:,.0f} removed by filter"
    return (f"{scan.node} on {scan.relation}{where} (table {sizes.get(scan.relation, 0):,} "
            f"rows; estimated {scan.estimated:,.0f}{actual}{removed})")


def report_plans(db: Database, walk: Walk, explained: list[Explained]) -> list[str]:
    """Print each statement's scans; the offenders, as lines."""
    log(f"{db.backend} scale {db.scale}: {walk.report}, last page: {len(walk.last_page)} "
        f"statements, {len(explained)} SELECTs explained")
    offenders, unbounded, named = [], [], {}
    for e in explained:
        first_line = " ".join(e.sql.split())[:80]
        no_seqscan = ("" if e.no_seqscan_ms is None
                      else f", custom with enable_seqscan off {e.no_seqscan_ms:.1f} ms")
        generic, custom = walk.plans.get(e.sql, (0, 0))
        log(f"  #{e.number} custom plan {e.custom_ms:.1f} ms, generic {e.generic_ms:.1f} ms"
            f"{no_seqscan}: {first_line}...\n      the app ran it with {generic} generic "
            f"and {custom} custom plans")
        for kind, found in (("custom", e.custom), ("generic", e.generic)):
            for scan in found:
                log(f"      {kind:<7} {scan_text(scan, db.sizes)}")
            for scan in offending(found, db.sizes):
                offenders.append(f"#{e.number} ({kind} plan): {scan_text(scan, db.sizes)}")
                named[e.number] = e.sql
            for scan in from_the_start(found, db.sizes):
                unbounded.append(f"#{e.number} ({kind} plan): {scan_text(scan, db.sizes)}; "
                                 f"filter {scan.filter}")
                named[e.number] = e.sql
    if unbounded:
        log(f"  {walk.report}: INDEX SCANS FROM THE START OF THE INDEX (no index condition, "
            f"rows removed by filter) on tables larger than {LARGE:,} rows:")
        for line in unbounded:
            log(f"    {line}")
    if offenders:
        log(f"  {walk.report}: SEQUENTIAL SCANS of tables larger than {LARGE:,} rows:")
        for line in offenders:
            log(f"    {line}")
    else:
        log(f"  {walk.report}: no sequential scan of a table larger than {LARGE:,} rows "
            "(custom and generic plans)")
    for number, sql in sorted(named.items()):
        log(f"    SQL of #{number}: {' '.join(sql.split())}")
    return [f"{walk.report} {line}" for line in offenders]


# --- 4. CSV memory --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> bool:
    """Reset the process's VmHWM (``echo 5 > /proc/PID/clear_refs``); False if not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class Sampler(threading.Thread):
    """The largest VmRSS of a process, read every SAMPLE_SECONDS until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.samples = pid, status_kb(pid, "VmRSS"), 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.peak_kb = max(self.peak_kb, status_kb(self.pid, "VmRSS"))
            self.samples += 1

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.peak_kb


@contextlib.contextmanager
def serve(db: Database, logs: Path) -> Iterator[tuple[int, str]]:
    """``pmo serve`` (development profile, one process) on the database: (pid, base URL)."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PMO_")}
    env.update(PMO_DATABASE_URL=db.url, PMO_ENV="development")
    log_path = logs / f"serve-{db.scale}.log"
    with log_path.open("wb") as out:
        process = subprocess.Popen([str(PMO), "serve", "--host", "127.0.0.1", "--port",
                                    str(port)], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"pmo serve exited:\n{log_path.read_text()[-3000:]}")
            with contextlib.suppress(httpx2.HTTPError):
                if httpx2.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"pmo serve not ready:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield process.pid, base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def csv_lines(response: Any, size: list[int]) -> Iterator[str]:
    """The body's lines as they arrive (for csv.reader); counts the bytes into size[0]."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending = ""
    for chunk in response.iter_bytes():
        size[0] += len(chunk)
        pending += decoder.decode(chunk)
        *complete, pending = pending.split("\n")
        for line in complete:
            yield line + "\n"
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


@dataclass
class Download:
    report: str
    rows: int
    megabytes: float
    seconds: float
    before_mb: float
    peak_mb: float  # sampled
    hwm_mb: float | None  # VmHWM since the reset, when it could be reset
    after_mb: float


def download(pid: int, base: str, report: str, params: dict[str, str],
             headers: dict[str, str]) -> Download:
    before = status_kb(pid, "VmRSS")
    can_reset = reset_peak(pid)
    sampler = Sampler(pid)
    sampler.start()
    size = [0]
    started = time.perf_counter()
    try:
        with httpx2.stream("GET", f"{base}/export/{report}.csv", params=params,
                           headers=headers, timeout=None) as response:
            if response.status_code != 200:
                raise SystemExit(f"{report}.csv: {response.status_code} {response.read()!r}")
            rows = sum(1 for _ in csv.reader(csv_lines(response, size))) - 1
    finally:
        peak = sampler.stop()
    seconds = time.perf_counter() - started
    hwm = status_kb(pid, "VmHWM") / 1024 if can_reset else None
    return Download(report, rows, size[0] / 1e6, seconds, before / 1024,
                    max(peak, before) / 1024, hwm, status_kb(pid, "VmRSS") / 1024)


def measure_csv(db: Database, logs: Path, passes: int) -> list[tuple[int, Download]]:
    headers = bearer(db)
    out = []
    with serve(db, logs) as (pid, base):
        httpx2.post(f"{base}/graphql", json={"query": "{ __typename }"}, headers=headers)
        log(f"{db.backend} scale {db.scale}: pmo serve pid {pid}, RSS "
            f"{status_kb(pid, 'VmRSS') / 1024:.1f} MB after start")
        for number in range(1, passes + 1):
            for report, params in EXPORTS:
                d = download(pid, base, report, params, headers)
                hwm = "" if d.hwm_mb is None else f", VmHWM {d.hwm_mb:.1f}"
                log(f"  pass {number} {report}.csv: {d.rows:,} rows, {d.megabytes:.1f} MB "
                    f"in {d.seconds:.1f} s ({d.rows / d.seconds:,.0f} rows/s); server RSS "
                    f"before {d.before_mb:.1f} MB, peak {d.peak_mb:.1f}{hwm} "
                    f"(+{max(d.peak_mb, d.hwm_mb or 0) - d.before_mb:.1f}), after "
                    f"{d.after_mb:.1f}")
                out.append((number, d))
    return out


# --- main -----------------------------------------------------------------------------------

async def pages_and_plans(db: Database, rounds: int) -> list[str]:
    offenders = []
    for walk in await walk_pages(db, rounds):
        if db.backend == "postgresql":
            offenders += report_plans(db, walk, await explain(db, walk.last_page))
    return offenders


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/"
                        "postgres", help="the PostgreSQL server (a throwaway database on it)")
    parser.add_argument("--sqlite", action="store_true", help="walk the pages on SQLite too")
    parser.add_argument("--compare-scale", type=int, default=10,
                        help="the CSV memory again at this scale (0: not)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="walks of each report (each page's best time is kept)")
    parser.add_argument("--passes", type=int, default=2, help="downloads of each CSV")
    args = parser.parse_args()
    offenders: list[str] = []
    log("load average (1, 5, 15 min) at the start: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as directory:
        logs = Path(directory)
        if args.sqlite:
            db = await prepare(f"sqlite+aiosqlite:///{logs / 'bench.db'}", args.scale)
            await pages_and_plans(db, args.rounds)
        async with postgres_database(args.postgres) as url:
            db = await prepare(url, args.scale)
            offenders += await pages_and_plans(db, args.rounds)
            await asyncio.to_thread(measure_csv, db, logs, args.passes)
        if args.compare_scale and args.compare_scale != args.scale:
            async with postgres_database(args.postgres) as url:
                db = await prepare(url, args.compare_scale)
                await asyncio.to_thread(measure_csv, db, logs, args.passes)
    log("load average at the end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    log(f"{len(offenders)} sequential scans of tables larger than {LARGE:,} rows in the last "
        "pages' plans" + (" (listed above)" if offenders else ""))


if __name__ == "__main__":
    asyncio.run(main())
