"""Two revisions side by side: the working tree against an older commit, one scenario, runs
alternated in one session.

``bench/load.py`` measures one revision per run, so a before/after comparison spans two runs
and every change in the machine's load between them. This serves both revisions at once
(``pmo serve --workers N`` each, production profile), each on its own copy of the same
PostgreSQL data at its own schema (the older one is a copy of the seeded database migrated
down to the older revision's last migration), checks that they answer with the same data, then
alternates wrk runs between them (the order flips every round) and prints each round's figures
and ratio.

    .venv/bin/python bench/versus.py --base 64d6967 [--scenario bi_page] [--rounds 4]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import load  # bench/load.py: servers, wrk, CPU meters
from load import BenchError, log

SCENARIOS = {
    "bi_page": ("the BI page, reports { projectRows(first: 500) }", {"first": 500}, 100),
    "board": ("the portfolio board, 100 projects with their top risks", {"first": 100}, 10),
}


def last_migration(tree: Path) -> str:
    """The revision id of the newest migration in a source tree (the one no other revises)."""
    revisions: dict[str, str | None] = {}
    for path in (tree / "server" / "migrations" / "versions").glob("*.py"):
        names: dict[str, Any] = {}
        for line in path.read_text().splitlines():
            if line.startswith(("revision", "down_revision")):
                key, _, value = line.partition("=")
                names[key.split(":")[0].strip()] = value.strip().strip("'\"")
        revisions[names["revision"]] = names.get("down_revision")
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        raise BenchError(f"{tree}: expected one newest migration, found {sorted(heads)}")
    return heads.pop()


async def copy_at(pg: str, source: str, target: str, revision: str) -> str:
    """A copy of ``source`` migrated down to ``revision`` (with the working tree's Alembic,
    which knows every migration)."""
    url = await load.copy_database(pg, source, target)
    env = load.plain_env(database_url=url)
    await asyncio.to_thread(subprocess.run, [str(load.PMO), "db", "downgrade", revision],
                            cwd=load.ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return url


def serve(stack: contextlib.ExitStack, name: str, source: Path, database_url: str,
          workers: int, secret: str, logs: Path) -> load.Server:
    env = load.plain_env(env="production", secret_key=secret, database_url=database_url,
                         cost_per_minute="0")
    env["PYTHONPATH"] = str(source)  # the tree's packages before the editable install's
    database = database_url.rsplit("/", 1)[1]
    server = load.Server(name, [str(load.PMO), "serve", "--workers", str(workers), "--host",
                                "127.0.0.1", "--port", "{port}"],
                         env, logs, workers=workers, database=database, cwd=source)
    stack.callback(server.stop)
    return server.start(ready=load.healthz)


def run(args: argparse.Namespace, stack: contextlib.ExitStack, workdir: Path) -> str:
    title, variables, default_scale = SCENARIOS[args.scenario]
    scale = args.scale or default_scale
    pg = args.pg.rstrip("/")
    load.ensure_wrk()
    asyncio.run(load.check_postgres(pg))
    base_tree = load.unpack(args.base, workdir)
    subprocess.run([str(load.PYTHON), "-m", "compileall", "-q", "server", "schema", "policies",
                    "admin"], cwd=base_tree, check=True)
    database = f"{args.database}_{scale}" if scale != 10 else args.database
    url = asyncio.run(load.prepare_postgres(pg, database, scale))
    base_url = asyncio.run(copy_at(pg, database, f"{database}_versus",
                                   last_migration(base_tree)))
    stack.callback(lambda: asyncio.run(load.drop_database(pg, f"{database}_versus")))
    secret = secrets.token_urlsafe(36)[:48]
    token = load.mint_token(url, secret, load.READER)
    here = serve(stack, "working-tree", load.ROOT, url, args.workers, secret, workdir)
    there = serve(stack, args.base, base_tree, base_url, args.workers, secret, workdir)

    body = {"query": load.query(args.scenario), "variables": variables}
    answers = [load.post(server.url, body, token, timeout=300) for server in (here, there)]
    for server, answer in zip((here, there), answers, strict=True):
        if answer.get("errors") or not answer.get("data"):
            raise BenchError(f"{server.name} answered with errors: {str(answer)[:500]}")
    same = answers[0]["data"] == answers[1]["data"]
    log(f"answers: {load.describe(answers[0])}; "
        + ("the same data from both" if same else "THE DATA DIFFER"))

    opts = load.Options(args.duration, args.warmup, args.connections, args.threads,
                        args.wrk_timeout, workdir)
    rounds: list[tuple[load.Run, load.Run]] = []
    for round_ in range(1, args.rounds + 1):
        log(f"round {round_} of {args.rounds}")
        order = [here, there] if round_ % 2 else [there, here]
        runs = {server.name: load.measure(server, body, token, opts) for server in order}
        rounds.append((runs[here.name], runs[there.name]))

    def cpu(run: load.Run) -> str:
        return f"{run.cpu_ms:.1f} + {run.db_cpu_ms:.1f}"

    lines = [f"{title}, scale {scale}, `pmo serve --workers {args.workers}` each, "
             f"{args.connections} connections, {args.duration:g} s runs "
             f"({load.describe_source(None)} against {args.base}):", "",
             f"| round | {args.base}: req/s | CPU ms/req (server + PostgreSQL) | working tree: "
             "req/s | CPU ms/req | ratio | other load (cores) |",
             "|---|---|---|---|---|---|---|"]
    for number, (new, old) in enumerate(rounds, 1):
        lines.append(f"| {number} | {old.rps:.1f} | {cpu(old)} | {new.rps:.1f} | {cpu(new)} | "
                     f"{new.rps / old.rps:.1f}x | {max(new.others, old.others):.2f} |")
    ratios = [new.rps / old.rps for new, old in rounds]
    lines += ["", f"Ratio of requests a second: median {statistics.median(ratios):.1f}x, lowest "
              f"{min(ratios):.1f}x, highest {max(ratios):.1f}x. "
              + ("Both answered with the same data." if same else
                 "The answers' data differ (compare them before reading the figures).")]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the older commit to compare with")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="bi_page")
    parser.add_argument("--scale", type=int, help="seed scale (default: 100 for the BI page, "
                        "10 for the board)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--wrk-timeout", type=float, default=60)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="pmo_bench")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with contextlib.ExitStack() as stack, load.terminate_on_sigterm():
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pmo-versus-")))
        try:
            table = run(args, stack, workdir)
        except (BenchError, subprocess.CalledProcessError) as exc:
            log(f"FAILED: {exc}")
            return 1
        except KeyboardInterrupt:
            log("interrupted: stopping the servers")
            return 130
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
