"""Other users' API latency during a flood of wrong console passwords.

Starts ``pmo serve`` (production profile, one worker, a seeded demo SQLite database in a
temporary folder) and measures ``{ apiVersion }`` as a logged-in user sees it, one request
after another: alone, then while ``--flooders`` anonymous clients post wrong passwords to
``/admin/login`` as fast as they can, once with the failed-login throttle off (every attempt
is hashed, on the hashing threads) and once with the defaults (attempts past the budget are
refused without hashing). Prints one Markdown table.

    .venv/bin/python bench/login_flood.py [--seconds 10] [--flooders 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
PMO = ROOT / ".venv" / "bin" / "pmo"
USER = "pm.alice@example.com"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
    env.update(PMO_ENV="production", PMO_SECRET_KEY=secrets.token_hex(32),
               PMO_DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'flood.db'}")
    env.update({f"PMO_{k.upper()}": v for k, v in extra.items()})
    return env


class Server:
    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.port = env, free_port()
        self.log = (folder / f"serve-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            [str(PMO), "serve", "--port", str(self.port), "--workers", "1"], env=env, cwd=ROOT,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx2.HTTPError:
                time.sleep(0.2)
        raise SystemExit("pmo serve did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self.log.close()


async def latencies(url: str, token: str, seconds: float) -> list[float]:
    found = []
    async with httpx2.AsyncClient(timeout=30) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            answer = await client.post(f"{url}/graphql", json={"query": "{ apiVersion }"},
                                       headers={"Authorization": f"Bearer {token}"})
            answer.raise_for_status()
            found.append(1000 * (time.perf_counter() - started))
    return found


async def flood(url: str, stop: asyncio.Event, counter: list[int]) -> None:
    async with httpx2.AsyncClient(timeout=30) as client:
        # As a browser would: the sign-in page's form token and our own Origin, so that each
        # attempt reaches the password check (a forged one is refused before it).
        page = await client.get(f"{url}/admin/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        while not stop.is_set():
            await client.post(f"{url}/admin/login", headers={"Origin": url}, data={
                "username": f"nobody{secrets.randbelow(10**6)}@example.com",
                "password": "wrong", "csrf_token": token})
            counter[0] += 1


async def measure(url: str, token: str, seconds: float, flooders: int) -> tuple[list[float], int]:
    stop, counter = asyncio.Event(), [0]
    tasks = [asyncio.create_task(flood(url, stop, counter)) for _ in range(flooders)]
    await asyncio.sleep(0.5 if flooders else 0)
    found = await latencies(url, token, seconds)
    stop.set()
    await asyncio.gather(*tasks)
    return found, counter[0]


def row(label: str, found: list[float], attempts: int, seconds: float) -> str:
    ordered = sorted(found)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (f"| {label} | {len(found)} | {statistics.median(found):.1f} | {p99:.1f} | "
            f"{attempts / seconds:.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--flooders", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pmo-flood-") as tmp:
        folder = Path(tmp)
        base = environment(folder)
        subprocess.run([str(PMO), "db", "upgrade"], env=base, cwd=ROOT, check=True,
                       capture_output=True)
        subprocess.run([str(PMO), "seed", "--demo"], env=base, cwd=ROOT, check=True,
                       capture_output=True)
        token = subprocess.run([str(PMO), "token", USER], env=base, cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.strip().splitlines()[-1]
        lines = [f"`{{ apiVersion }}` as {USER}, one request after another for "
                 f"{args.seconds:g} s; {args.flooders} flooders posting wrong console passwords",
                 "", "| setup | requests | p50 ms | p99 ms | login attempts/s |",
                 "|---|---|---|---|---|"]
        setups = [("alone", {}, 0),
                  ("flood, throttle off (every attempt hashed)",
                   {"failures_per_minute_per_address": "0",
                    "failures_per_minute_per_account": "0"}, args.flooders),
                  ("flood, default throttle", {}, args.flooders)]
        for label, extra, flooders in setups:
            env = dict(base)
            env.update({f"PMO_{k.upper()}": v for k, v in extra.items()})
            server = Server(env, folder)
            try:
                found, attempts = asyncio.run(measure(server.url, token, args.seconds, flooders))
            finally:
                server.stop()
            lines.append(row(label, found, attempts, args.seconds))
            print(lines[-1], file=sys.stderr, flush=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
