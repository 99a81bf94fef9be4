"""A live ``pmo serve`` (development profile, SQLite, seeded demo) for tests in a real browser:
Debian's Chromium driven by Playwright. Run by ``make test-browser``; ``make test`` leaves
this folder out (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
PMO = str(Path(sys.executable).with_name("pmo"))
CHROMIUM = os.environ.get("PMO_CHROMIUM", "/usr/bin/chromium")



class LiveServer:
    def __init__(self, base: str, env: dict[str, str]) -> None:
        self.base = base
        self.env = env

    def token(self, email: str) -> str:
        out = subprocess.run([PMO, "token", email], env=self.env, check=True,
                             capture_output=True, text=True, cwd=ROOT)
        return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    work = tmp_path_factory.mktemp("browser")
    port = free_port()
    env = {**os.environ, "PMO_ENV": "development",
           "PMO_DATABASE_URL": f"sqlite+aiosqlite:///{work / 'demo.db'}",
           "PMO_PORT": str(port)}
    for command in (["db", "upgrade"], ["seed", "--demo"]):
        subprocess.run([PMO, *command], env=env, check=True, capture_output=True, cwd=ROOT)
    log = (work / "serve.log").open("w")
    server = subprocess.Popen([PMO, "serve", "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx2.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError((work / "serve.log").read_text())
        yield LiveServer(base, env)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()
