"""Load benchmark: our GraphQL server against PostGraphile 5, on PostgreSQL and SQLite.

``make bench`` runs it. It prepares everything it needs, measures, prints a Markdown table and
tears everything down (servers are killed on any exit, Ctrl-C included):

* ``wrk`` (installed with apt-get when missing);
* PostgreSQL databases ``pmo_bench`` (``pmo db upgrade`` + ``pmo seed --scale 10``, reused when
  already seeded at that scale), ``pmo_bench_<bi-scale>`` for the BI page, and a throwaway copy
  ``pmo_bench_writes`` for the mutations; a SQLite file in the temporary directory likewise;
* PostGraphile 5 and Node 22 from npm in a folder outside the repository (``--peers``);
* our server as production runs it (``PMO_ENV=production pmo serve --workers N``) with a token
  from ``pmo token``; PostGraphile with the amber preset, read-only, one process.

Scenarios are the operations in ``bench/queries/``. Reads are driven by wrk (``--connections``
connections, ``--threads`` threads, a Lua script that POSTs the JSON body); setups are alternated
for ``--rounds`` rounds and the medians reported. Writes are driven by 8 asyncio clients
(httpx2), each on its own project. The server CPU per request is read from /proc (the server
process and its children, i.e. both uvicorn workers); PostgreSQL's from the backends serving
the database.

    .venv/bin/python bench/load.py [--duration 10] [--rounds 2] [--bi-scale 100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx2

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "queries"
PMO = ROOT / ".venv" / "bin" / "pmo"
PYTHON = ROOT / ".venv" / "bin" / "python"
PROJECTS_PER_SCALE = 60  # `pmo seed --scale N` makes 60 N projects
READER = "pm.alice@example.com"
WRITERS = ("pm.alice@example.com", "pm.bob@example.com")  # project managers, one project each
CLK_TCK = os.sysconf("SC_CLK_TCK")
SOURCE = ROOT  # the code under test: the working tree, or a commit unpacked by ``--rev``

# PostgreSQL building the board's JSON in one statement: the floor for any GraphQL server.
FLOOR_SQL = """
SELECT json_build_object('projects', json_build_object('nodes', coalesce(json_agg(
  json_build_object(
    'code', p.code, 'name', p.name,
    'portfolio', json_build_object('name', pf.name),
    'manager', json_build_object('fullName', m.full_name),
    'sponsor', CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('fullName', s.full_name) END,
    'risks', json_build_object('nodes', coalesce(r.nodes, '[]'::json)))
  ORDER BY p.code), '[]'::json)))::text
FROM (SELECT * FROM project ORDER BY code LIMIT $1) p
JOIN portfolio pf ON pf.id = p.portfolio_id
JOIN person m ON m.id = p.manager_id
LEFT JOIN person s ON s.id = p.sponsor_id
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object(
    'title', x.title, 'score', x.score,
    'owner', CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object('fullName', o.full_name) END)
    ORDER BY x.score DESC, x.id) AS nodes
  FROM (SELECT * FROM risk WHERE project_id = p.id ORDER BY score DESC, id LIMIT 5) x
  LEFT JOIN person o ON o.id = x.owner_id
) r ON true
"""

# wrk: POST the body; count GraphQL errors; print machine-readable figures at the end.
WRK_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{auth}
wrk.body = [{eq}[{body}]{eq}]

local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) graphql_errors = 0 end
function response(status, headers, body)
  if status == 200 and string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end
function done(summary, latency, requests)
  local errors = 0
  for _, thread in ipairs(threads) do errors = errors + thread:get("graphql_errors") end
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d graphql_errors=%d " ..
    "timeouts=%d status_errors=%d socket_errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors, summary.errors.timeout, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write))
end
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


# --- processes and /proc -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from 3 (state) on


def cpu_ticks(pid: int) -> int:
    """User + system CPU of a live process (its threads included), in clock ticks."""
    fields = _stat_fields(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0


def all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def descendants(root: int) -> list[int]:
    """``root`` and every process under it."""
    children: dict[int, list[int]] = {}
    for pid in all_pids():
        fields = _stat_fields(pid)
        if fields:
            children.setdefault(int(fields[1]), []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace").strip()
    except OSError:
        return ""


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pg_backends(database: str) -> list[int]:
    """PostgreSQL client backends connected to ``database``: their titles read
    ``postgres: [CLUSTER:] USER DATABASE HOST(PORT) STATE`` (autovacuum workers are left out)."""
    found = []
    for pid in all_pids():
        words = cmdline(pid).split()
        if len(words) > 1 and words[1].endswith(":"):  # a cluster name: "postgres: 15/main: ..."
            del words[1]
        if len(words) > 3 and words[0] == "postgres:" and words[2] == database:
            found.append(pid)
    return found


def ticks(pids: list[int]) -> dict[int, int]:
    return {pid: cpu_ticks(pid) for pid in pids}


def wait_idle(pids: Callable[[], list[int]], *, limit: float) -> None:
    """Wait until the processes use (almost) no CPU: requests abandoned by a client finish."""
    deadline = time.monotonic() + limit
    quiet, last = 0, sum(ticks(pids()).values())
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
        now = sum(ticks(pids()).values())
        quiet = quiet + 1 if now - last <= 1 else 0
        last = now


@dataclass
class Server:
    """A server we started, in its own process group so that it can be ended whole."""

    name: str
    argv: list[str]
    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=free_port)
    path: str = "/graphql"
    workers: int = 1
    database: str | None = None  # the PostgreSQL database it serves (for backend CPU)
    cwd: Path | None = None  # default: the code under test
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def start(self, *, ready: Callable[[Server], bool], timeout: float = 120) -> Server:
        log_file = (self.logs / f"{self.name}.log").open("wb")
        argv = [part.replace("{port}", str(self.port)) for part in self.argv]
        self.process = subprocess.Popen(argv, cwd=self.cwd or SOURCE, env=self.env,
                                        stdout=log_file, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        log_file.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited with {self.process.returncode}:\n"
                                 f"{self.log_tail()}")
            with contextlib.suppress(httpx2.HTTPError):
                if ready(self) and len(self.worker_pids()) >= self.workers:
                    log(f"{self.name} ready on port {self.port} (pid {self.process.pid})")
                    return self
            time.sleep(0.5)
        raise BenchError(f"{self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        path = self.logs / f"{self.name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def pids(self) -> list[int]:
        return descendants(self.process.pid) if self.process else []

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn's spawned workers, else the server."""
        if self.process is None:
            return []
        if self.workers == 1:
            return [self.process.pid]
        return [pid for pid in self.pids() if "spawn_main" in cmdline(pid)]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        log(f"{self.name} stopped")


def healthz(server: Server) -> bool:
    return httpx2.get(f"http://127.0.0.1:{server.port}/healthz", timeout=2).status_code == 200


def graphql_answers(server: Server) -> bool:
    response = httpx2.post(server.url, json={"query": "{ __typename }"}, timeout=5)
    return response.status_code == 200


# --- preparation --------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: apt-get install -y wrk")
    command = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(command, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=False)
        subprocess.run(command, check=True)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk could not be installed")
    return found


@dataclass
class Peers:
    folder: Path
    node: Path
    cli: Path
    config: Path
    version: str


def ensure_peers(folder: Path) -> Peers:
    """PostGraphile 5 and Node 22 from npm, in a folder outside the repository (reused)."""
    node = folder / "node_modules" / "node" / "bin" / "node"
    package = folder / "node_modules" / "postgraphile" / "package.json"
    installed = package.exists() and json.loads(package.read_text())["version"].startswith("5.")
    if not (installed and node.exists()):
        npm = shutil.which("npm")
        if npm is None:
            raise BenchError("npm is not installed: PostGraphile cannot be set up")
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "package.json").exists():
            (folder / "package.json").write_text('{"name": "pmo-bench-peers", "private": true}\n')
        log(f"installing postgraphile@5 and node@22 into {folder}")
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "postgraphile@5", "node@22"],
                       cwd=folder, check=True, stdout=subprocess.DEVNULL)
    version = json.loads(package.read_text())["version"]
    config = folder / "graphile.config.mjs"
    # Read-only: `disablePlugins` does not survive the CLI's `-P` presets; behaviours do.
    config.write_text('export default {\n  schema: { defaultBehavior: "-insert -update -delete" },'
                      '\n};\n')
    cli = folder / "node_modules" / "postgraphile" / "dist" / "cli-run.js"
    return Peers(folder, node, cli, config, version)


async def check_postgres(pg: str) -> None:
    try:
        conn = await asyncpg.connect(f"{pg}/postgres", timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        raise BenchError(f"PostgreSQL is not reachable at {pg}: {exc}") from exc
    await conn.close()


async def _admin(pg: str) -> asyncpg.Connection:
    return await asyncpg.connect(f"{pg}/postgres")


async def _project_count(url: str) -> int:
    try:
        conn = await asyncpg.connect(url)
    except asyncpg.InvalidCatalogNameError:
        return -1
    try:
        return int(await conn.fetchval("SELECT count(*) FROM project"))
    except asyncpg.UndefinedTableError:
        return 0
    finally:
        await conn.close()


def plain_env(**pmo: str) -> dict[str, str]:
    """The environment less any PMO_* setting, plus the given ones."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PMO_")}
    env.update({f"PMO_{key.upper()}": value for key, value in pmo.items()})
    if SOURCE != ROOT:  # the unpacked tree's packages before the editable install's
        env["PYTHONPATH"] = str(SOURCE)
    return env


def migrate_and_seed(database_url: str, scale: int) -> None:
    env = plain_env(database_url=database_url)
    subprocess.run([str(PMO), "db", "upgrade"], cwd=SOURCE, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    subprocess.run([str(PMO), "seed", "--scale", str(scale), "--force"], cwd=SOURCE, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    log(f"seeded scale {scale} in {time.perf_counter() - started:.1f} s")


async def prepare_postgres(pg: str, database: str, scale: int) -> str:
    """A PostgreSQL database migrated and seeded at ``scale`` (reused when it already is)."""
    url = f"{pg}/{database}"
    sqlalchemy_url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
    count = await _project_count(url)
    if count == scale * PROJECTS_PER_SCALE:
        log(f"reusing {database} (scale {scale})")
        await asyncio.to_thread(subprocess.run, [str(PMO), "db", "upgrade"], cwd=SOURCE,
                                env=plain_env(database_url=sqlalchemy_url), check=True,
                                stdout=subprocess.DEVNULL)
        return sqlalchemy_url
    admin = await _admin(pg)
    try:
        if count != -1:
            log(f"{database} holds {count} projects, not {scale * PROJECTS_PER_SCALE}: "
                "recreating it")
            await admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    log(f"creating {database} at scale {scale}")
    await asyncio.to_thread(migrate_and_seed, sqlalchemy_url, scale)
    return sqlalchemy_url


async def copy_database(pg: str, source: str, target: str) -> str:
    admin = await _admin(pg)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    finally:
        await admin.close()
    return f"{pg}/{target}".replace("postgresql://", "postgresql+asyncpg://", 1)


async def drop_database(pg: str, database: str) -> None:
    admin = await _admin(pg)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await admin.close()


def prepare_sqlite(path: Path, scale: int) -> str:
    import sqlite3

    url = f"sqlite+aiosqlite:///{path}"
    count = 0
    if path.exists():
        with contextlib.closing(sqlite3.connect(path)) as conn:
            try:
                count = conn.execute("SELECT count(*) FROM project").fetchone()[0]
            except sqlite3.Error:
                count = 0
    if count == scale * PROJECTS_PER_SCALE:
        log(f"reusing {path} (scale {scale})")
        subprocess.run([str(PMO), "db", "upgrade"], cwd=SOURCE, env=plain_env(database_url=url),
                       check=True, stdout=subprocess.DEVNULL)
        return url
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    log(f"creating {path} at scale {scale}")
    migrate_and_seed(url, scale)
    return url


def mint_token(database_url: str, secret: str, email: str) -> str:
    result = subprocess.run([str(PMO), "token", email, "--ttl", "8h"], cwd=SOURCE,
                            env=plain_env(env="production", secret_key=secret,
                                          database_url=database_url),
                            check=True, capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1]


def unpack(rev: str, folder: Path) -> Path:
    """The repository's files at ``rev`` (``git archive``: the repository is only read)."""
    target = folder / "source"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def describe_source(rev: str | None) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=False).stdout.strip()

    if rev:
        return f"commit {git('rev-parse', '--short', rev)} (`--rev {rev}`)"
    dirty = git("status", "--porcelain", "--", "schema", "server", "policies")
    return (f"working tree at {git('rev-parse', '--short', 'HEAD')}"
            + (" with uncommitted changes" if dirty else ""))


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Run:
    """One measured run."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms: float | None = None  # server CPU per request
    db_cpu_ms: float | None = None  # PostgreSQL backends' CPU per request
    worker_split: str = ""
    others: float = 0.0  # cores busy with other work on the machine meanwhile


@dataclass
class Row:
    """A line of the final table: the medians of a setup's runs on a scenario."""

    scenario: str
    setup: str
    runs: list[Run] = field(default_factory=list)
    versus: str = ""

    def median(self, name: str) -> float | None:
        values = [getattr(run, name) for run in self.runs if getattr(run, name) is not None]
        return statistics.median(values) if values else None


def machine_busy() -> float:
    """Busy CPU seconds of the whole machine (all cores) since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / CLK_TCK  # less idle and iowait


def own_cpu() -> float:
    """CPU seconds of this process and its finished children (wrk)."""
    me, children = (resource.getrusage(who)
                    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Usage:
    per_pid: dict[int, float]  # server processes' CPU seconds
    db: float | None  # PostgreSQL backends' CPU seconds
    others: float  # cores busy with anything else on the machine, on average


class BackendSampler(threading.Thread):
    """Samples the CPU of a database's backends every 0.1 s, so that a connection closed
    during a run (a pool's overflow) still counts with its last sampled CPU."""

    def __init__(self, database: str) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.seen: dict[int, int] = {}
        self.halt = threading.Event()

    def sample(self) -> None:
        for pid, value in ticks(pg_backends(self.database)).items():
            self.seen[pid] = max(value, self.seen.get(pid, 0))

    def run(self) -> None:
        while not self.halt.wait(0.1):
            self.sample()

    def finish(self) -> dict[int, int]:
        self.halt.set()
        self.join()
        self.sample()
        return self.seen


class CpuMeter:
    """CPU used between start and stop by a server's processes, its database's backends, and
    everything else on the machine but the load generator (the machine is shared)."""

    def __init__(self, server: Server | None, database: str | None) -> None:
        self.server, self.database = server, database
        self.before: dict[int, int] = {}
        self.before_db: dict[int, int] = {}
        self.sampler: BackendSampler | None = None
        self.machine = self.own = self.started = 0.0

    def start(self) -> None:
        self.before = ticks(self.server.pids()) if self.server else {}
        if self.database:
            self.before_db = ticks(pg_backends(self.database))
            self.sampler = BackendSampler(self.database)
            self.sampler.start()
        self.machine, self.own, self.started = machine_busy(), own_cpu(), time.monotonic()

    def stop(self) -> Usage:
        after = ticks(self.server.pids()) if self.server else {}
        per_pid = {pid: (value - self.before.get(pid, 0)) / CLK_TCK
                   for pid, value in after.items()}
        db = None
        if self.sampler:
            seen = self.sampler.finish()
            db = sum(value - self.before_db.get(pid, 0) for pid, value in seen.items())
            db /= CLK_TCK
        machine = machine_busy() - self.machine
        client = own_cpu() - self.own
        others = machine - client - sum(per_pid.values()) - (db or 0.0)
        return Usage(per_pid, db, max(0.0, others) / (time.monotonic() - self.started))


@dataclass
class Options:
    duration: float
    warmup: float
    connections: int
    threads: int
    timeout: float
    logs: Path


def wrk_script(body: dict[str, Any], token: str | None, folder: Path) -> Path:
    text = json.dumps(body, separators=(",", ":"))
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"' if token else ""
    path = folder / f"wrk-{secrets.token_hex(4)}.lua"
    path.write_text(WRK_LUA.format(auth=auth, eq="=" * level, body=text))
    return path


def run_wrk(url: str, script: Path, seconds: float, opts: Options) -> dict[str, int]:
    command = ["wrk", f"-t{opts.threads}", f"-c{opts.connections}", f"-d{max(1, round(seconds))}s",
               f"--timeout={round(opts.timeout)}s", "--latency", "-s", str(script), url]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((row for row in result.stdout.splitlines() if row.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return {key: int(value) for key, value in (part.split("=") for part in line.split()[1:])}


def measure(server: Server, body: dict[str, Any], token: str | None, opts: Options) -> Run:
    """Warm up, then one wrk run, with the server's (and PostgreSQL's) CPU per request."""
    script = wrk_script(body, token, opts.logs)
    if opts.warmup > 0:
        run_wrk(server.url, script, opts.warmup, opts)
    wait_idle(server.pids, limit=opts.timeout + 5)
    meter = CpuMeter(server, server.database)
    meter.start()
    figures = run_wrk(server.url, script, opts.duration, opts)
    # The requests still in flight when wrk stops are finished by the server: count its CPU
    # until it is idle, and those requests (one per connection) with the completed ones.
    wait_idle(server.pids, limit=opts.timeout + 5)
    usage = meter.stop()
    per_pid, db = usage.per_pid, usage.db
    served = figures["requests"] + opts.connections
    workers = server.worker_pids()
    split = ""
    if len(workers) > 1:
        used = [per_pid.get(pid, 0.0) for pid in workers]
        total = sum(used) or 1.0
        split = "/".join(f"{100 * value / total:.0f}" for value in used)
    errors = (figures["graphql_errors"] + figures["timeouts"] + figures["status_errors"]
              + figures["socket_errors"])
    run = Run(rps=figures["requests"] / (figures["duration_us"] / 1e6),
              p50_ms=figures["p50_us"] / 1000, p99_ms=figures["p99_us"] / 1000,
              requests=figures["requests"], errors=errors,
              cpu_ms=1000 * sum(per_pid.values()) / served,
              db_cpu_ms=1000 * db / served if db is not None else None, worker_split=split,
              others=usage.others)
    log(f"  {server.name}: {run.rps:.1f} req/s, p50 {run.p50_ms:.0f} ms, p99 {run.p99_ms:.0f} ms,"
        f" {run.requests} requests, {run.errors} errors, CPU {run.cpu_ms:.1f} ms/request"
        + (f" (workers {split} %)" if split else "") + f", other load {run.others:.2f} cores")
    return run


async def floor_once(dsn: str, first: int) -> str:
    """The board's JSON as PostgreSQL builds it alone."""
    conn = await asyncpg.connect(dsn)
    try:
        return str(await conn.fetchval(FLOOR_SQL, first))
    finally:
        await conn.close()


async def floor_run(dsn: str, first: int, opts: Options) -> Run:
    """PostgreSQL alone building the board's JSON, through asyncpg, one prepared statement per
    connection, ``opts.connections`` connections."""
    conns = [await asyncpg.connect(dsn) for _ in range(opts.connections)]
    try:
        statements = [await conn.prepare(FLOOR_SQL) for conn in conns]

        async def client(statement: Any, until: float, latencies: list[float]) -> None:
            while time.perf_counter() < until:
                started = time.perf_counter()
                await statement.fetchval(first)
                latencies.append(time.perf_counter() - started)

        async def burst(seconds: float) -> tuple[list[float], float]:
            latencies: list[float] = []
            started = time.perf_counter()
            until = started + seconds
            await asyncio.gather(*(client(s, until, latencies) for s in statements))
            return latencies, time.perf_counter() - started

        if opts.warmup > 0:
            await burst(opts.warmup)
        database = dsn.rsplit("/", 1)[1]
        meter = CpuMeter(None, database)
        meter.start()
        latencies, elapsed = await burst(opts.duration)
        usage = meter.stop()
    finally:
        for conn in conns:
            await conn.close()
    latencies.sort()
    run = Run(rps=len(latencies) / elapsed, p50_ms=1000 * percentile(latencies, 50),
              p99_ms=1000 * percentile(latencies, 99), requests=len(latencies), errors=0,
              db_cpu_ms=1000 * (usage.db or 0.0) / max(1, len(latencies)), others=usage.others)
    log(f"  SQL floor: {run.rps:.0f} req/s, p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms, "
        f"other load {run.others:.2f} cores")
    return run


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not values:
        return 0.0
    rank = max(1, min(len(values), round(q / 100 * len(values) + 0.5)))
    return values[rank - 1]


# --- scenarios and answers -----------------------------------------------------------------------


def query(name: str) -> str:
    return (QUERIES / f"{name}.graphql").read_text()


def post(url: str, body: dict[str, Any], token: str | None, timeout: float = 120) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx2.post(url, json=body, headers=headers, timeout=timeout)
    response.raise_for_status()
    answer = response.json()
    if answer.get("errors"):
        raise BenchError(f"{url} answered with errors: {json.dumps(answer['errors'])[:2000]}")
    return answer


def normalise_ours(answer: Any) -> list[Any]:
    def name(person: Any) -> str | None:
        return person["fullName"] if person else None

    return [(p["code"], p["name"], p["portfolio"]["name"] if p["portfolio"] else None,
             name(p["manager"]), name(p["sponsor"]),
             [(r["title"], r["score"], name(r["owner"])) for r in p["risks"]["nodes"]])
            for p in answer["data"]["projects"]["nodes"]]


def normalise_postgraphile(answer: Any) -> list[Any]:
    def name(person: Any) -> str | None:
        return person["fullName"] if person else None

    return [(p["code"], p["name"],
             p["portfolioByPortfolioId"]["name"] if p["portfolioByPortfolioId"] else None,
             name(p["personByManagerId"]), name(p["personBySponsorId"]),
             [(r["title"], r["score"], name(r["personByOwnerId"]))
              for r in p["risksByProjectId"]["nodes"]])
            for p in answer["data"]["allProjects"]["nodes"]]


def same_answers(label: str, expected: list[Any], actual: list[Any]) -> None:
    if expected == actual:
        return
    for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
        if left != right:
            raise BenchError(f"{label}: the answers differ at project {index}:\n"
                             f"  ours:   {left}\n  theirs: {right}")
    raise BenchError(f"{label}: the answers differ in length: {len(expected)} and {len(actual)}")


def count_fields(value: Any) -> int:
    if isinstance(value, dict):
        return sum(1 + count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 0


def describe(answer: Any) -> str:
    return f"{count_fields(answer['data']):,} fields, {len(json.dumps(answer)):,} bytes"


# --- writes ---------------------------------------------------------------------------------------


@dataclass
class Writer:
    """One client's project: its id, current version and the next period to report on."""

    token: str
    project_id: str
    version: int
    period: date
    progress: int = 0


async def writers(url: str, tokens: dict[str, str], clients: int) -> list[Writer]:
    """One project each, managed by the client's own project manager (alice, then bob)."""
    lookup = """query($me: ID!) { projects(first: 50, filter: {managerIds: [$me]},
      orderBy: [{field: CODE, direction: ASC}]) { nodes { id version } } }"""
    pool: list[Writer] = []
    async with httpx2.AsyncClient(timeout=120) as client:
        for email in WRITERS:
            headers = {"Authorization": f"Bearer {tokens[email]}"}
            me = (await client.post(url, json={"query": "{ viewer { person { id } } }"},
                                    headers=headers)).json()["data"]["viewer"]["person"]["id"]
            nodes = (await client.post(url, json={"query": lookup, "variables": {"me": me}},
                                       headers=headers)).json()["data"]["projects"]["nodes"]
            pool.extend(Writer(tokens[email], node["id"], node["version"],
                               # Periods long past: a new week each time never reaches
                               # today (a period may not end after today and a grace).
                               date(1951, 1, 7)) for node in nodes)
    if len(pool) < clients:
        raise BenchError(f"only {len(pool)} projects managed by {', '.join(WRITERS)}")
    return pool[:clients]


def write_body(kind: str, writer: Writer) -> dict[str, Any]:
    if kind == "update_project":
        writer.progress = (writer.progress + 7) % 101
        return {"query": query(kind), "variables": {"input": {
            "id": writer.project_id, "version": writer.version,
            "percentComplete": writer.progress}}}
    writer.period += timedelta(days=7)
    return {"query": query(kind), "variables": {"input": {
        "projectId": writer.project_id, "periodEnd": writer.period.isoformat(),
        "summary": f"Week ending {writer.period.isoformat()}: on track.",
        "accomplishments": "Design review closed.", "nextSteps": "Start the build."}}}


async def write_burst(url: str, kind: str, pool: list[Writer],
                      seconds: float) -> tuple[list[float], int, float]:
    """Each client sends its next write as soon as the last is answered, for ``seconds``; the
    writes in flight at the end are awaited and counted."""
    latencies: list[float] = []
    errors = 0

    async def client(http: httpx2.AsyncClient, writer: Writer, until: float) -> None:
        nonlocal errors
        headers = {"Authorization": f"Bearer {writer.token}"}
        while time.perf_counter() < until:
            started = time.perf_counter()
            answer = (await http.post(url, json=write_body(kind, writer), headers=headers)).json()
            latencies.append(time.perf_counter() - started)
            payload = (answer.get("data") or {}).get(
                "updateProject" if kind == "update_project" else "submitStatusReport") or {}
            if answer.get("errors") or payload.get("userErrors"):
                errors += 1
                if errors <= 3:
                    log(f"  {kind} error: {json.dumps(answer)[:500]}")
            if kind == "update_project" and payload.get("project"):
                writer.version = payload["project"]["version"]

    limits = httpx2.Limits(max_connections=len(pool), max_keepalive_connections=len(pool))
    async with httpx2.AsyncClient(timeout=600, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http, w, started + seconds) for w in pool))
        elapsed = time.perf_counter() - started
    return sorted(latencies), errors, elapsed


def measure_writes(server: Server, kind: str, pool: list[Writer], opts: Options) -> Run:
    if opts.warmup > 0:
        asyncio.run(write_burst(server.url, kind, pool, opts.warmup))
    wait_idle(server.pids, limit=opts.timeout + 5)
    meter = CpuMeter(server, server.database)
    meter.start()
    latencies, errors, elapsed = asyncio.run(write_burst(server.url, kind, pool, opts.duration))
    usage = meter.stop()
    per_pid, db = usage.per_pid, usage.db
    served = max(1, len(latencies))
    run = Run(rps=len(latencies) / elapsed, p50_ms=1000 * percentile(latencies, 50),
              p99_ms=1000 * percentile(latencies, 99), requests=len(latencies), errors=errors,
              cpu_ms=1000 * sum(per_pid.values()) / served,
              db_cpu_ms=1000 * db / served if db is not None else None, others=usage.others)
    log(f"  {kind}: {run.rps:.1f} req/s, p50 {run.p50_ms:.0f} ms, p99 {run.p99_ms:.0f} ms, "
        f"{run.requests} requests, {errors} errors, other load {run.others:.2f} cores")
    return run


# --- the benchmark ------------------------------------------------------------------------------


@dataclass
class Report:
    source: str = ""
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    statements: list[tuple[str, Any, Any]] = field(default_factory=list)
    rss: list[tuple[str, list[float]]] = field(default_factory=list)

    def row(self, scenario: str, setup: str) -> Row:
        for row in self.rows:
            if (row.scenario, row.setup) == (scenario, setup):
                return row
        self.rows.append(Row(scenario, setup))
        return self.rows[-1]


def fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def render(report: Report, args: argparse.Namespace) -> str:
    lines = [
        f"{date.today().isoformat()}, {report.source}. "
        f"Scale {args.scale} (BI page: scale {args.bi_scale}), {args.connections} connections, "
        f"{args.duration:g} s per run after a {args.warmup:g} s warm-up, {args.rounds} round(s), "
        "medians.", "",
        "| scenario | setup | req/s | p50 ms | p99 ms | server CPU ms/req | "
        "PostgreSQL CPU ms/req | requests | errors | other load (cores) | vs PostGraphile |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report.rows:
        rps = row.median("rps")
        lines.append(
            f"| {row.scenario} | {row.setup} | {fmt(rps, 1 if rps and rps < 100 else 0)} | "
            f"{fmt(row.median('p50_ms'))} | {fmt(row.median('p99_ms'))} | "
            f"{fmt(row.median('cpu_ms'), 1)} | {fmt(row.median('db_cpu_ms'), 1)} | "
            f"{sum(run.requests for run in row.runs)} | {sum(run.errors for run in row.runs)} | "
            f"{fmt(row.median('others'), 2)} | {row.versus} |")
    if report.statements:
        lines += ["", "| scenario | SQL statements, first 10 | SQL statements, first 100 |",
                  "|---|---|---|"]
        lines += [f"| {name} | {ten} | {hundred} |" for name, ten, hundred in report.statements]
    if report.rss:
        lines += ["", "| `pmo serve --workers 2` on PostgreSQL | RSS per worker (MB) |",
                  "|---|---|"]
        lines += [f"| {when} | {' / '.join(f'{mb:.0f}' for mb in values)} |"
                  for when, values in report.rss]
    if report.notes:
        lines += [""] + [f"- {note}" for note in report.notes]
    return "\n".join(lines)


class Bench:
    def __init__(self, args: argparse.Namespace, stack: contextlib.ExitStack,
                 workdir: Path) -> None:
        self.args = args
        self.stack = stack
        self.workdir = workdir
        self.pg = args.pg.rstrip("/")
        self.secret = secrets.token_urlsafe(36)[:48]
        self.report = Report()
        self.server_env = dict(item.split("=", 1) for item in args.server_env)
        self.opts = Options(args.duration, args.warmup, args.connections, args.threads,
                            args.wrk_timeout, workdir)

    def ours(self, name: str, database_url: str, workers: int) -> Server:
        # One token sends every request here: its cost budget (a million a minute) would be
        # spent in seconds, so the budget is off. Everything else is as in production.
        env = plain_env(env="production", secret_key=self.secret, database_url=database_url,
                        cost_per_minute="0")
        env.update(self.server_env)
        database = (database_url.rsplit("/", 1)[1] if database_url.startswith("postgresql")
                    else None)
        server = Server(name, [str(PMO), "serve", "--workers", str(workers), "--host",
                               "127.0.0.1", "--port", "{port}"],
                        env, self.workdir, workers=workers, database=database)
        self.stack.callback(server.stop)
        return server.start(ready=healthz)

    def postgraphile(self, peers: Peers, database: str) -> Server:
        url = (f"postgres://{self.pg.split('://', 1)[1]}/{database}"
               f"?options={quote('-c default_transaction_read_only=on')}")
        env = {key: value for key, value in os.environ.items() if not key.startswith("PMO_")}
        env.update(NODE_ENV="production", GRAPHILE_ENV="production")
        server = Server("postgraphile", [str(peers.node), str(peers.cli), "-P",
                                         "postgraphile/presets/amber", "-C", str(peers.config),
                                         "-c", url, "-s", "public", "-n", "127.0.0.1",
                                         "-p", "{port}"],
                        env, self.workdir, database=database, cwd=peers.folder)
        self.stack.callback(server.stop)
        server.start(ready=graphql_answers)
        mutations = post(server.url, {"query": "{ __schema { mutationType { name } } }"}, None)
        if mutations["data"]["__schema"]["mutationType"] is not None:
            raise BenchError("PostGraphile is not read-only: it has a mutation type")
        return server

    def alternate(self, scenario: str, setups: list[tuple[str, Server, dict[str, Any],
                                                         str | None]],
                  after_run: Callable[[str, int], None] | None = None) -> None:
        for round_ in range(1, self.args.rounds + 1):
            log(f"{scenario}: round {round_} of {self.args.rounds}")
            for label, server, body, token in setups:
                run = measure(server, body, token, self.opts)
                self.report.row(scenario, label).runs.append(run)
                shares = [int(share) for share in run.worker_split.split("/") if share]
                if shares and min(shares) < 25:
                    self.report.notes.append(
                        f"{scenario}, {label}, round {round_}: worker CPU split "
                        f"{run.worker_split} % (kept-alive connections stayed on one worker).")
                if after_run:
                    after_run(label, round_)

    def run(self) -> str:
        args, report = self.args, self.report
        report.source = describe_source(args.rev) + "".join(
            f", our servers with `{item}`" for item in args.server_env)
        log(f"measuring the {report.source}; load average {os.getloadavg()[0]:.2f}")
        asyncio.run(check_postgres(self.pg))
        ensure_wrk()
        peers: Peers | None = None
        if args.postgraphile != "skip":
            try:
                peers = ensure_peers(args.peers)
            except (BenchError, subprocess.CalledProcessError, OSError) as exc:
                if args.postgraphile == "require":
                    raise BenchError(f"PostGraphile could not be set up: {exc}") from exc
                log(f"SKIPPING PostGraphile: {exc}")
                report.notes.append(f"PostGraphile skipped: {exc}")

        main_db = args.database
        bi_db = main_db if args.bi_scale == args.scale else f"{main_db}_{args.bi_scale}"
        writes_db = f"{main_db}_writes"
        main_url = asyncio.run(prepare_postgres(self.pg, main_db, args.scale))
        bi_url = (main_url if bi_db == main_db
                  else asyncio.run(prepare_postgres(self.pg, bi_db, args.bi_scale)))
        writes_url = None
        if not args.skip_writes:
            writes_url = asyncio.run(copy_database(self.pg, main_db, writes_db))
            self.stack.callback(lambda: asyncio.run(drop_database(self.pg, writes_db)))
        sqlite_url = None
        if not args.skip_sqlite:
            sqlite_url = prepare_sqlite(
                Path(tempfile.gettempdir()) / "pmo-bench" / f"pmo_bench_s{args.scale}.db",
                args.scale)

        token = mint_token(main_url, self.secret, READER)
        ours2 = self.ours("ours-2w", main_url, 2)
        ours1 = self.ours("ours-1w", main_url, 1)
        theirs = self.postgraphile(peers, main_db) if peers else None

        # The same values from every setup before any speed.
        board = {"query": query("board"), "variables": {"first": args.first}}
        board_pgl = {"query": query("board.postgraphile"), "variables": {"first": args.first}}
        ours_answer = post(ours2.url, board, token)
        expected = normalise_ours(ours_answer)
        risks = sum(len(project[5]) for project in expected)
        same_answers("pmo serve --workers 1", expected, normalise_ours(post(ours1.url, board,
                                                                             token)))
        note = (f"Board: {len(expected)} projects, {risks} risks; ours {describe(ours_answer)}")
        if theirs:
            answer = post(theirs.url, board_pgl, None)
            same_answers("PostGraphile", expected, normalise_postgraphile(answer))
            note += f"; PostGraphile {describe(answer)}"
        floor_dsn = f"{self.pg}/{main_db}"
        floor_answer = asyncio.run(floor_once(floor_dsn, args.first))
        same_answers("SQL floor", expected, normalise_ours({"data": json.loads(floor_answer)}))
        report.notes.append(note + "; the values are equal in all answers (checked before "
                            "measuring).")
        log("answers checked: equal values")

        # The board on PostgreSQL, setups alternated.
        rss_runs: list[tuple[str, list[float]]] = []

        def after_board(label: str, round_: int) -> None:
            if label.startswith("`pmo serve --workers 2`"):
                rss_runs.append((f"after board run {round_}",
                                 [rss_mb(pid) for pid in ours2.worker_pids()]))

        setups: list[tuple[str, Server, dict[str, Any], str | None]] = [
            ("`pmo serve --workers 2`", ours2, board, token),
            ("`pmo serve --workers 1`", ours1, board, token)]
        if theirs:
            setups.append((f"PostGraphile {peers.version if peers else ''}, one Node 22 process",
                           theirs, board_pgl, None))
        self.alternate("board, PostgreSQL", setups, after_board)
        if theirs:
            ref = report.row("board, PostgreSQL", setups[-1][0]).median("rps") or 0.0
            for label, *_ in setups[:2]:
                row = report.row("board, PostgreSQL", label)
                row.versus = f"{100 * (row.median('rps') or 0) / ref:.1f} %" if ref else ""
            report.row("board, PostgreSQL", setups[-1][0]).versus = "100 %"
        report.rss.extend(rss_runs)

        log("board: SQL floor")
        floor_row = report.row("board, PostgreSQL", "PostgreSQL alone: one JSON statement "
                               "(asyncpg, prepared)")
        for _ in range(args.rounds):
            floor_row.runs.append(asyncio.run(floor_run(floor_dsn, args.first, self.opts)))
        ours1.stop()
        if theirs:
            theirs.stop()

        # Project detail and the BI page on PostgreSQL.
        detail_id = post(ours2.url, {"query": "{ projects(first: 1, orderBy: [{field: CODE, "
                                              "direction: ASC}]) { nodes { id code } } }"},
                         token)["data"]["projects"]["nodes"][0]
        detail = {"query": query("project_detail"), "variables": {"id": detail_id["id"]}}
        report.notes.append(f"Project detail: {detail_id['code']}, "
                            f"{describe(post(ours2.url, detail, token))}.")
        self.alternate("project detail, PostgreSQL", [
            ("`pmo serve --workers 2`", ours2, detail, token)])
        bi_server, bi_token = ours2, token
        if bi_db != main_db:
            bi_token = mint_token(bi_url, self.secret, READER)
            bi_server = self.ours(f"ours-2w-scale{args.bi_scale}", bi_url, 2)
        bi = {"query": query("bi_page"), "variables": {"first": 500}}
        report.notes.append(f"BI page: projectRows(first: 500) at scale {args.bi_scale}, "
                            f"{describe(post(bi_server.url, bi, bi_token, timeout=300))}.")
        self.alternate(f"BI page (scale {args.bi_scale}), PostgreSQL", [
            ("`pmo serve --workers 2`", bi_server, bi, bi_token)])
        if bi_server is not ours2:
            bi_server.stop()
        report.rss.append(("after the whole read bench",
                           [rss_mb(pid) for pid in ours2.worker_pids()]))
        ours2.stop()

        # The board on SQLite.
        if sqlite_url:
            sqlite_token = mint_token(sqlite_url, self.secret, READER)
            lite2 = self.ours("sqlite-2w", sqlite_url, 2)
            lite1 = self.ours("sqlite-1w", sqlite_url, 1)
            lite_answer = normalise_ours(post(lite2.url, board, sqlite_token))
            if lite_answer != expected:
                report.notes.append("SQLite's board differs from PostgreSQL's (not compared "
                                    "further).")
            self.alternate("board, SQLite", [
                ("`pmo serve --workers 2`", lite2, board, sqlite_token),
                ("`pmo serve --workers 1`", lite1, board, sqlite_token)])
            lite1.stop()
            lite2.stop()

        # Writes, on a copy of the database, 8 clients each on its own project.
        write_state: list[Writer] = []
        if writes_url:
            tokens = {email: mint_token(writes_url, self.secret, email) for email in WRITERS}
            writer = self.ours("writes-2w", writes_url, 2)
            write_state = asyncio.run(writers(writer.url, tokens, args.connections))
            for round_ in range(1, args.rounds + 1):
                log(f"writes: round {round_} of {args.rounds}")
                for kind in ("update_project", "submit_status_report"):
                    label = f"`pmo serve --workers 2`, {len(write_state)} httpx2 clients"
                    report.row(f"{kind.replace('_', ' ')}, PostgreSQL", label).runs.append(
                        measure_writes(writer, kind, write_state, self.opts))
            writer.stop()

        self.count_statements(main_url, writes_url, detail["variables"]["id"], write_state)
        return render(report, args)

    def count_statements(self, main_url: str, writes_url: str | None, detail_id: str,
                         pool: list[Writer]) -> None:
        log("SQL statements per request (in-process, debug statistics)")
        operations = []
        for first in (10, 100):
            operations += [
                {"name": f"board/{first}", "query": query("board"),
                 "variables": {"first": first}},
                {"name": f"project detail/{first}", "query": query("project_detail"),
                 "variables": {"id": detail_id, "first": first}},
                {"name": f"BI page/{first}", "query": query("bi_page"),
                 "variables": {"first": first}},
            ]
        counts = self.sql_counts(main_url, operations)
        for name in ("board", "project detail", "BI page"):
            ten, hundred = (counts.get(f"{name}/{first}", {}) for first in (10, 100))
            self.report.statements.append((name, ten.get("statements", "-"),
                                           hundred.get("statements", "-")))
            if ten.get("statements") != hundred.get("statements"):
                self.report.notes.append(f"{name}: the statement count depends on `first` "
                                         f"({ten.get('statements')} and "
                                         f"{hundred.get('statements')}).")
        if writes_url and pool:
            writer = pool[0]
            writes = [{"name": kind, **write_body(kind, writer)}
                      for kind in ("update_project", "submit_status_report")]
            counts = self.sql_counts(writes_url, writes, email=WRITERS[0])
            for kind in ("update_project", "submit_status_report"):
                found = counts.get(kind, {})
                self.report.statements.append((kind.replace("_", " "),
                                               found.get("statements", "-"), "(no `first`)"))

    def sql_counts(self, database_url: str, operations: list[dict[str, Any]],
                   email: str = READER) -> dict[str, Any]:
        job = {"database_url": database_url, "email": email, "operations": operations}
        result = subprocess.run([str(PYTHON), str(Path(__file__).with_name("sql_counts.py"))],
                                input=json.dumps(job), cwd=SOURCE,
                                env={**plain_env(), **self.server_env},
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            self.report.notes.append("SQL statement counts failed: "
                                     + result.stderr.strip().splitlines()[-1])
            return {}
        counts: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        for name, found in counts.items():
            if found.get("errors"):
                self.report.notes.append(f"{name} (in-process): errors {found['errors']}")
        return counts


@contextlib.contextmanager
def terminate_on_sigterm() -> Iterator[None]:
    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per run")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of alternated setups")
    parser.add_argument("--scale", type=int, default=10, help="seed scale of the main database")
    parser.add_argument("--bi-scale", type=int, default=100, help="seed scale for the BI page")
    parser.add_argument("--first", type=int, default=100, help="projects on the board")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--wrk-timeout", type=float, default=60,
                        help="seconds before wrk gives up on a request (ours is slow)")
    parser.add_argument("--postgraphile", choices=("require", "auto", "skip"), default="require",
                        help="auto: skip it with a message when it cannot be installed")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-writes", action="store_true")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432",
                        help="the PostgreSQL server (trust authentication)")
    parser.add_argument("--database", default="pmo_bench")
    parser.add_argument("--peers", type=Path, default=Path("/tmp/pmo-bench-peers"),
                        help="where PostGraphile and Node are installed (outside the repository)")
    parser.add_argument("--server-env", action="append", default=[], metavar="PMO_X=VALUE",
                        help="a setting for our servers, e.g. PMO_COMPILED_READS=0 (repeatable)")
    parser.add_argument("--rev", help="measure this commit (unpacked with git archive) instead "
                        "of the working tree")
    parser.add_argument("--output", type=Path, help="also write the Markdown table here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for item in args.server_env:
        if not item.startswith("PMO_") or "=" not in item:
            sys.exit(f"--server-env takes PMO_NAME=VALUE, not {item!r}")
    with contextlib.ExitStack() as stack, terminate_on_sigterm():
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pmo-bench-")))
        global SOURCE
        try:
            if args.rev:
                SOURCE = unpack(args.rev, workdir)
            table = Bench(args, stack, workdir).run()
        except (BenchError, subprocess.CalledProcessError) as exc:
            log(f"FAILED: {exc}")
            return 1
        except KeyboardInterrupt:
            log("interrupted: stopping the servers")
            return 130
    print(table)
    if args.output:
        args.output.write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
