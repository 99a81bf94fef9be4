"""How long the console's home (the PMO dashboard) takes at seed scale 10.

Starts ``pmo serve`` (one worker) on a scale-10 demo database, SQLite in a temporary folder
and, when ``PMO_BENCH_POSTGRES_URL`` names a server, a PostgreSQL database made there and
dropped after; signs in as the demo PMO and loads ``/admin/`` one request after another.
Prints one Markdown table: p50, p95 and the slowest load per backend (the aim: under 300 ms).

    .venv/bin/python bench/console_dashboard.py [--requests 30] [--scale 10]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from login_flood import PMO, ROOT, Server  # noqa: E402

PMO_ADMIN = ("pmo.admin@example.com", "demo-password")


def _seed(env: dict[str, str], scale: int) -> None:
    for command in (["db", "upgrade"], ["seed", "--scale", str(scale)]):
        subprocess.run([str(PMO), *command], env=env, cwd=ROOT, check=True,
                       capture_output=True)


def _loads(url: str, requests: int) -> list[float]:
    with httpx2.Client(base_url=url, timeout=60) as client:
        page = client.get("/admin/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        signed = client.post("/admin/login", headers={"Origin": url}, data={
            "username": PMO_ADMIN[0], "password": PMO_ADMIN[1], "csrf_token": token})
        assert signed.status_code == 302, signed.text[:300]
        client.get("/admin/")  # warm-up
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            answer = client.get("/admin/")
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200 and 'id="health-chart"' in answer.text
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    backends = {"SQLite": None}
    if os.environ.get("PMO_BENCH_POSTGRES_URL"):
        backends["PostgreSQL"] = os.environ["PMO_BENCH_POSTGRES_URL"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, base in backends.items():
            env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
            database = None
            if base is None:
                env["PMO_DATABASE_URL"] = f"sqlite+aiosqlite:///{folder / 'dashboard.db'}"
            else:
                database = f"pmo_dashboard_{os.getpid()}"
                subprocess.run(["psql", base.replace("+asyncpg", ""), "-qc",
                                f"CREATE DATABASE {database}"], check=True)
                env["PMO_DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + database
            try:
                _seed(env, args.scale)
                server = Server(env, folder)
                try:
                    times = _loads(server.url, args.requests)
                finally:
                    server.stop()
            finally:
                if database is not None:
                    subprocess.run(["psql", base.replace("+asyncpg", ""), "-qc",  # type: ignore[union-attr]
                                    f"DROP DATABASE IF EXISTS {database}"], check=False)
            quantiles = statistics.quantiles(times, n=20)
            rows.append(f"| {name} | {args.scale} | {args.requests} "
                        f"| {statistics.median(times):.0f} | {quantiles[18]:.0f} "
                        f"| {max(times):.0f} |")
    print("| backend | scale | loads | p50 ms | p95 ms | slowest ms |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
