"""Soak: two ``pmo serve`` instances under mixed load, with live subscriptions, for minutes.

What a long run must show and a short benchmark cannot: no errors, steady throughput and
latency, live updates crossing instances (LISTEN/NOTIFY) without loss, and no memory growth.

* A fresh PostgreSQL database (``pmo db upgrade``, ``pmo seed --scale N``, ``VACUUM ANALYZE``),
  dropped at the end unless ``--keep``; two ``pmo serve`` processes on it (production profile,
  one worker each, no GraphQL cost budget: one token sends everything).
* Load: wrk against both instances at once, ``--connections`` each, in consecutive slices of
  ``--slice`` seconds (``bench/soak.lua``), as Alice (a project manager): 80 % reads (the
  board, a project's detail), 20 % writes (``addComment`` on her projects, mentioning Bob).
  An error is a non-2xx answer, a GraphQL error, a ``userErrors`` entry, a timeout or a socket
  error.
* Subscriptions: ``--subscriptions`` graphql-transport-ws connections per instance, as Bob,
  on ``notificationReceived``, open for the whole run. Each write notifies Bob once, whichever
  instance made it, so every subscription must receive exactly the notifications committed
  for him during the run; closing, an error or a missed event is an error.
* RSS of both servers (``/proc/PID/status``) after each slice; growth from the end of the first
  (warm-up) slice to the end must stay under 10 %.

Prints a table per slice and the totals; exits 1 on any error or on growth of 10 % or more.

    .venv/bin/python bench/soak.py [--duration 600] [--slice 30] [--scale 2] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx2
import load  # bench/load.py: servers, seeding, tokens, wrk, /proc
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

LUA = Path(__file__).with_name("soak.lua")
AUTHOR = "pm.alice@example.com"  # reads and comments on the projects she manages
LISTENER = "pm.bob@example.com"  # mentioned in every comment; the seed leaves him mentions in-app
SCHEDULE = (("board", 4), ("detail", 4), ("comment", 2))  # per 10 requests: 80/20
WRK_TIMEOUT = 30  # seconds: a request slower than this is an error, not a latency
RSS_LIMIT = 10.0  # percent
SUBSCRIBE = "subscription { notificationReceived { id kind } }"
ADD_COMMENT = """mutation($input: AddCommentInput!) {
  addComment(input: $input) { comment { id } userErrors { code message } } }"""
log = load.log


@dataclass
class Instance:
    name: str
    server: load.Server
    slices: list[dict[str, Any]] = field(default_factory=list)  # wrk's figures per slice
    latency: Counter[int] = field(default_factory=Counter)  # microseconds -> requests
    rss: list[float] = field(default_factory=list)  # MB after each slice
    listeners: list[Listener] = field(default_factory=list)

    @property
    def process(self) -> subprocess.Popen[bytes]:
        assert self.server.process is not None  # started before its Instance is made
        return self.server.process

    def total(self, key: str) -> int:
        return sum(figures[key] for figures in self.slices)

    def p99_ms(self) -> float:
        rank, seen = 0.99 * sum(self.latency.values()), 0
        for value in sorted(self.latency):
            seen += self.latency[value]
            if seen >= rank:
                return value / 1000
        return 0.0


@dataclass
class Listener:
    """One subscription's connection: events received, and why it ended if it did."""

    events: int = 0
    failure: str | None = None


async def listen(listener: Listener, url: str, token: str) -> None:
    try:
        async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
            await ws.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": f"Bearer {token}"}}))
            if json.loads(await ws.recv()).get("type") != "connection_ack":
                listener.failure = "no connection_ack"
                return
            await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                      "payload": {"query": SUBSCRIBE}}))
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "next" and not message["payload"].get("errors"):
                    listener.events += 1
                elif message["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                elif message["type"] != "pong":
                    listener.failure = f"{message['type']}: {json.dumps(message)[:300]}"
                    return
            listener.failure = "closed by the server"
    except Exception as exc:  # noqa: BLE001 - reported as the subscription's failure
        listener.failure = f"{type(exc).__name__}: {exc}"


async def graphql(url: str, token: str, query: str, **variables: Any) -> Any:
    async with httpx2.AsyncClient(timeout=60) as client:
        answer = (await client.post(url, json={"query": query, "variables": variables},
                                    headers={"Authorization": f"Bearer {token}"})).json()
    if answer.get("errors"):
        raise load.BenchError(f"{query[:60]}...: {answer['errors']}")
    return answer["data"]


def comment(project_id: str, number: int) -> dict[str, Any]:
    return {"query": ADD_COMMENT, "variables": {"input": {
        "parentId": project_id, "body": f"Soak {number}: over to you @{LISTENER}"}}}


async def write_schedule(url: str, token: str, path: Path) -> list[str]:
    """The bodies wrk sends in turn, in SCHEDULE's proportions, spread over Alice's projects;
    her projects' ids."""
    me = (await graphql(url, token, "{ viewer { person { id } } }"))["viewer"]["person"]["id"]
    mine = await graphql(url, token, """query($me: ID!) { projects(first: 10,
        filter: {managerIds: [$me]}, orderBy: [{field: CODE, direction: ASC}]) {
        nodes { id } } }""", me=me)
    projects = [node["id"] for node in mine["projects"]["nodes"]]
    if not projects:
        raise load.BenchError(f"{AUTHOR} manages no project at this scale")
    bodies = []
    for round_ in range(len(projects)):
        for kind, count in SCHEDULE:
            for number in range(count):
                project = projects[(round_ + number) % len(projects)]
                if kind == "board":
                    bodies.append({"query": load.query("board"), "variables": {"first": 100}})
                elif kind == "detail":
                    bodies.append({"query": load.query("project_detail"),
                                   "variables": {"id": project}})
                else:
                    bodies.append(comment(project, len(bodies)))
    random.Random(42).shuffle(bodies)  # no burst of one kind; the same order every run
    path.write_text("".join(json.dumps(body, separators=(",", ":")) + "\n" for body in bodies))
    return projects


async def run_wrk(instance: Instance, schedule: Path, token: str, seconds: int,
                  connections: int, threads: int) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={WRK_TIMEOUT}s",
        "-s", str(LUA), instance.server.url, "--", str(schedule), token,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await process.communicate()
    finally:
        if process.returncode is None:  # interrupted
            process.kill()
            await process.wait()
    lines = {line.split(" ", 1)[0]: line.partition(" ")[2] for line in out.decode().splitlines()}
    if process.returncode != 0 or "SOAK" not in lines:
        raise load.BenchError(f"wrk failed ({process.returncode}): {out.decode()}{err.decode()}")
    figures: dict[str, Any] = {key: int(value) for key, value in
                               (part.split("=") for part in lines["SOAK"].split())}
    for pair in lines.get("LATENCY", "").split():
        value, count = pair.split(":")
        instance.latency[int(float(value))] += int(float(count))
    figures["failures"] = figures["errors"] + figures["timeouts"] + figures["socket_errors"]
    figures["first_error"] = lines.get("FIRST_ERROR", "").strip()
    return figures


async def notifications(dsn: str, email: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval(
            "SELECT count(*) FROM notification n JOIN person p ON p.id = n.recipient_id "
            "WHERE p.email = $1", email))
    finally:
        await conn.close()


async def soak(args: argparse.Namespace, instances: list[Instance], dsn: str,
               tokens: dict[str, str], workdir: Path) -> int:
    schedule = workdir / "schedule.jsonl"
    projects = await write_schedule(instances[0].server.url, tokens[AUTHOR], schedule)
    tasks = []
    for instance in instances:
        ws_url = instance.server.url.replace("http://", "ws://", 1)
        for _ in range(args.subscriptions):
            instance.listeners.append(listener := Listener())
            tasks.append(asyncio.create_task(listen(listener, ws_url, tokens[LISTENER])))
    listeners = [listener for instance in instances for listener in instance.listeners]
    try:
        # A subscription has no acknowledgement: comment until every one has heard, then
        # count from there (no write is in flight).
        deadline = time.monotonic() + 30
        while not all(listener.events for listener in listeners):
            if time.monotonic() > deadline or any(listener.failure for listener in listeners):
                raise load.BenchError("the subscriptions did not start: " + "; ".join(
                    f"{listener.events} events, {listener.failure}" for listener in listeners))
            await graphql(instances[0].server.url, tokens[AUTHOR], ADD_COMMENT,
                          **comment(projects[0], 0)["variables"])
            await asyncio.sleep(1)
        await asyncio.sleep(1)
        baseline = await notifications(dsn, LISTENER)
        for listener in listeners:
            listener.events = 0
        log(f"{len(listeners)} subscriptions listening; {args.slices} slices of {args.slice} s")

        for number in range(1, args.slices + 1):
            results = await asyncio.gather(*(run_wrk(
                instance, schedule, tokens[AUTHOR], args.slice, args.connections, args.threads)
                for instance in instances))
            for instance, figures in zip(instances, results, strict=True):
                instance.slices.append(figures)
                instance.rss.append(load.rss_mb(instance.process.pid))
                if instance.process.poll() is not None:
                    raise load.BenchError(f"{instance.name} exited:\n{instance.server.log_tail()}")
                if figures["first_error"]:
                    log(f"  {instance.name}: first error: {figures['first_error']}")
            log(f"slice {number}: " + ", ".join(
                f"{i.name} {f['requests'] / (f['duration_us'] / 1e6):.1f} req/s p99 "
                f"{f['p99_us'] / 1000:.0f} ms RSS {i.rss[-1]:.1f} MB {f['failures']} errors"
                for i, f in zip(instances, results, strict=True)))

        # wrk drops the requests in flight when it stops; the server still finishes them.
        expected = 0
        for _ in range(30):
            await asyncio.sleep(0.5)
            expected = await notifications(dsn, LISTENER) - baseline
            if all(listener.events == expected for listener in listeners):
                break
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return report(args, instances, expected)


def report(args: argparse.Namespace, instances: list[Instance], expected: int) -> int:
    """Print the tables; the exit status."""
    a, b = instances
    lines = [f"Soak: {args.slices} x {args.slice} s, scale {args.scale}, {args.connections} "
             f"connections and {args.subscriptions} subscriptions per instance, "
             f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}.",
             "", f"| slice | {a.name} req/s | p99 ms | RSS MB | {b.name} req/s | p99 ms | "
             "RSS MB | errors |", "|---|---|---|---|---|---|---|---|"]
    for number in range(args.slices):
        cells = []
        for instance in instances:
            f = instance.slices[number]
            cells.append(f"{f['requests'] / (f['duration_us'] / 1e6):.1f} | "
                         f"{f['p99_us'] / 1000:,.0f} | {instance.rss[number]:.1f}")
        errors = sum(instance.slices[number]["failures"] for instance in instances)
        label = f"{number + 1}" + (" (warm-up)" if number == 0 else "")
        lines.append(f"| {label} | {' | '.join(cells)} | {errors} |")
    lines += ["", "| instance | requests | writes | errors | p99 ms | events per subscription "
              "| expected | subscriptions failed | RSS start MB | RSS end MB | growth |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    problems = []
    for instance in instances:
        events = [listener.events for listener in instance.listeners]
        failed = [listener.failure for listener in instance.listeners if listener.failure]
        start, end = instance.rss[0], instance.rss[-1]
        growth = 100 * (end - start) / start
        errors = instance.total("failures")
        heard = (f"{events[0]:,} (all {len(events)})" if len(set(events)) == 1
                 else " / ".join(f"{count:,}" for count in events) or "-")
        lines.append(f"| {instance.name} | {instance.total('requests'):,} | "
                     f"{instance.total('writes'):,} | {errors} | {instance.p99_ms():,.0f} | "
                     f"{heard} | {expected:,} | {len(failed)} | {start:.1f} | {end:.1f} | "
                     f"{growth:+.1f} % |")
        if errors:
            problems.append(f"{instance.name}: {errors} failed requests")
        problems += [f"{instance.name}: a subscription failed: {failure}" for failure in failed]
        if any(count != expected for count in events):
            problems.append(f"{instance.name}: subscriptions heard {events} of {expected} "
                            "notifications")
        if growth >= RSS_LIMIT:
            problems.append(f"{instance.name}: RSS grew {growth:.1f} % (limit {RSS_LIMIT:g} %)")
    lines += ["", "FAIL: " + "; ".join(problems) if problems else "PASS"]
    print("\n".join(lines), flush=True)
    return 1 if problems else 0


async def create_database(pg: str, name: str) -> None:
    admin = await asyncpg.connect(f"{pg}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def vacuum(dsn: str) -> None:
    # As autovacuum would have on a live database: visibility map and statistics.
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=600, help="seconds in all")
    parser.add_argument("--slice", type=int, default=30, help="seconds per slice (wrk run)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections per instance")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads per instance")
    parser.add_argument("--subscriptions", type=int, default=4, help="per instance")
    parser.add_argument("--scale", type=int, default=2, help="pmo seed --scale")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432",
                        help="the PostgreSQL server (trust authentication)")
    args = parser.parse_args(argv)
    args.slices = args.duration // args.slice
    if args.slices < 2:
        parser.error("--duration must hold two slices: the warm-up and one more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up as on Ctrl-C
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pmo-soak-")))
        try:
            load.ensure_wrk()
            asyncio.run(load.check_postgres(args.pg))
            name = f"pmo_soak_{secrets.token_hex(4)}"
            asyncio.run(create_database(args.pg, name))
            if args.keep:
                log(f"keeping database {name}")
            else:
                stack.callback(lambda: asyncio.run(load.drop_database(args.pg, name)))
            dsn = f"{args.pg}/{name}"
            url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
            load.migrate_and_seed(url, args.scale)
            asyncio.run(vacuum(dsn))
            secret = secrets.token_urlsafe(36)[:48]
            tokens = {email: load.mint_token(url, secret, email) for email in (AUTHOR, LISTENER)}
            env = load.plain_env(env="production", secret_key=secret, database_url=url,
                                 cost_per_minute="0")
            instances = []
            for label in ("A", "B"):
                server = load.Server(f"soak-{label}", [str(load.PMO), "serve", "--host",
                                                       "127.0.0.1", "--port", "{port}"],
                                     env, workdir, database=name)
                stack.callback(server.stop)
                instances.append(Instance(label, server.start(ready=load.healthz)))
            return asyncio.run(soak(args, instances, dsn, tokens, workdir))
        except (load.BenchError, OSError, asyncpg.PostgresError,
                subprocess.CalledProcessError) as exc:
            log(f"FAILED: {exc}")
            return 1
        except KeyboardInterrupt:
            log("interrupted: stopping the servers")
            return 130


if __name__ == "__main__":
    sys.exit(main())
