"""Start-up stays light: each ``pmo`` command imports only what it needs.

The schema, Strawberry, SQLAdmin, Alembic, the seed and the ASGI app take seconds to import;
``pmo --help`` and ``pmo token EMAIL`` must not pay for them, and neither must the process
that supervises ``pmo serve --workers N`` (each worker builds its own app). Every check runs
the real ``pmo`` console script in a fresh interpreter and lists the modules it imported.
How long start-up takes depends on the machine, so no time is asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from server.cli import app

PMO = Path(sys.executable).with_name("pmo")

# Never needed to start a command other than ``serve``'s workers, ``seed`` and
# ``schema export``: each is a package (its submodules count) or a module.
HEAVY = ("strawberry", "sqladmin", "alembic", "schema", "admin", "policies", "starlette",
         "server.app", "server.graphql_app", "server.seed", "server.migrate")
# Not even needed to print help: no database, no settings, no models.
NOT_FOR_HELP = (*HEAVY, "uvicorn", "sqlalchemy", "sqlmodel", "pydantic_settings",
                "server.db", "server.settings", "server.domain", "rich.progress")

# Runs ``pmo ARGS`` as the console script does (or only imports ``server.cli``), then writes
# its exit status, the names of the modules it imported and, when uvicorn.run is replaced by
# a recorder, what ``serve`` asked uvicorn for.
PROBE = """
import json, runpy, sys
out, mode, *args = sys.argv[1:]
calls = []
if mode == "stub-uvicorn":
    import uvicorn
    uvicorn.run = lambda app, **options: calls.append({"app": app, **options})
code = 0
if mode == "import-only":
    import server.cli
else:
    sys.argv = [args[0], *args[1:]]
    try:
        runpy.run_path(args[0], run_name="__main__")
    except SystemExit as exc:
        code = exc.code
with open(out, "w", encoding="utf-8") as f:
    json.dump({"exit": code, "modules": sorted(sys.modules), "uvicorn": calls}, f)
"""


def probe(tmp_path: Path, *args: str, mode: str = "run", **env: str) -> dict[str, Any]:
    """Run the console script with ``args`` in a fresh interpreter; what it did and imported."""
    out = tmp_path / "probe.json"
    command = [sys.executable, "-c", PROBE, str(out), mode]
    if mode != "import-only":
        command += [str(PMO), *args]
    result = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert out.exists(), result.stderr
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    report["stdout"], report["stderr"] = result.stdout, result.stderr
    return report


def loaded(report: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    """The modules among ``names`` (packages with their submodules) that were imported."""
    return [module for module in report["modules"]
            if any(module == name or module.startswith(f"{name}.") for name in names)]


def test_importing_the_cli_loads_neither_the_database_nor_the_app(clean_env: Path) -> None:
    # when the console script's module is imported (as every serve worker does again)
    report = probe(clean_env, mode="import-only")
    # then nothing beyond Typer and Rich's console came with it
    assert report["exit"] == 0, report["stderr"]
    assert loaded(report, NOT_FOR_HELP) == []


@pytest.mark.parametrize("args", [["--help"], ["token", "--help"], ["db", "--help"],
                                  ["serve", "--help"], ["seed", "--help"],
                                  ["schema", "--help"], ["user", "create", "--help"]])
def test_help_imports_nothing_heavy(clean_env: Path, args: list[str]) -> None:
    # when help is asked for, at the top or of a command
    report = probe(clean_env, *args)
    # then it is printed, without importing the database layer, the schema or the app
    assert report["exit"] == 0, report["stderr"]
    assert "Usage" in report["stdout"]
    assert loaded(report, NOT_FOR_HELP) == []


def test_top_level_help_still_lists_every_command(clean_env: Path) -> None:
    report = probe(clean_env, "--help")
    for command in ("db", "seed", "snapshot", "serve", "token", "user", "schema", "webhooks"):
        assert command in report["stdout"]


def test_token_mints_without_the_schema_or_the_app(clean_env: Path, db_url: str) -> None:
    # given a person
    created = CliRunner().invoke(
        app, ["user", "create", "--email", "eve@example.com", "--name", "Eve", "--role", "pm"],
        env={"PMO_DATABASE_URL": db_url})
    assert created.exit_code == 0, created.output
    # when a token is minted for them by the real console script
    report = probe(clean_env, "token", "eve@example.com", PMO_DATABASE_URL=db_url)
    # then the JWT is printed, and only settings, the database and PyJWT were needed
    assert report["exit"] == 0, report["stderr"]
    assert report["stdout"].strip().splitlines()[-1].count(".") == 2
    assert "jwt" in report["modules"]
    assert loaded(report, (*HEAVY, "uvicorn")) == []


def test_serve_supervisor_leaves_the_app_to_its_workers(clean_env: Path, db_url: str) -> None:
    # when production is served with two workers (uvicorn.run replaced by a recorder)
    report = probe(clean_env, "serve", "--workers", "2", mode="stub-uvicorn",
                   PMO_DATABASE_URL=db_url, PMO_ENV="production", PMO_SECRET_KEY="s" * 40)
    # then uvicorn is given the app by import string, for each worker to build its own,
    assert report["exit"] == 0, report["stderr"]
    [call] = report["uvicorn"]
    assert (call["app"], call["factory"], call["workers"]) == ("server.app:serve_app", True, 2)
    assert "PMO backend on http://127.0.0.1:8000" in report["stdout"]
    # and the supervising process imported neither the app, the schema nor the seed
    assert loaded(report, HEAVY) == []
