"""The ``pmo`` command line: clean one-line errors with exit status 2, and working commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from schema.schema import print_sdl
from server.cli import app
from server.settings import DEMO_SECRET_KEY

runner = CliRunner()
UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"


def pmo(*args: str, url: str | None = None, **env: str):  # type: ignore[no-untyped-def]
    environment = {"PMO_DATABASE_URL": url} if url else {}
    environment.update(env)
    return runner.invoke(app, list(args), env=environment)


def assert_one_line_error(result, fragment: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize(
    ("url", "fragment"),
    [("nonsense://x", "unsupported driver"), ("::::", "not a valid database URL"),
     (UNREACHABLE, "cannot reach the database")],
)
@pytest.mark.parametrize("command", [["db", "upgrade"], ["db", "current"], ["seed", "--demo"],
                                     ["serve"]])
def test_bad_database_url_is_one_line_and_exit_2(
    clean_env: Path, command: list[str], url: str, fragment: str
) -> None:
    assert_one_line_error(pmo(*command, url=url), fragment)


def test_production_with_demo_secret_refuses_to_serve(clean_env: Path) -> None:
    result = pmo("serve", PMO_ENV="production", PMO_SECRET_KEY=DEMO_SECRET_KEY)
    assert_one_line_error(result, "development secret")


def test_real_console_script_prints_no_traceback(clean_env: Path) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("pmo")), "db", "upgrade"],
        env={"PMO_DATABASE_URL": "nonsense://x", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert "unsupported driver" in result.stderr and "Traceback" not in result.stderr


def test_db_upgrade_then_current(clean_env: Path, empty_db_url: str) -> None:
    assert "no migration applied" in pmo("db", "current", url=empty_db_url).stdout
    upgraded = pmo("db", "upgrade", url=empty_db_url)
    assert upgraded.exit_code == 0, upgraded.output
    assert "(head)" in pmo("db", "current", url=empty_db_url).stdout
    assert pmo("db", "downgrade", "base", url=empty_db_url).exit_code == 0
    assert "no migration applied" in pmo("db", "current", url=empty_db_url).stdout


def test_seed_needs_exactly_one_of_demo_or_scale(clean_env: Path, db_url: str) -> None:
    assert_one_line_error(pmo("seed", url=db_url), "exactly one of --demo or --scale")
    assert_one_line_error(pmo("seed", "--demo", "--scale", "2", url=db_url), "exactly one")


def test_user_create_and_its_errors(clean_env: Path, db_url: str) -> None:
    created = pmo("user", "create", "--email", "Dana@Example.com", "--name", "Dana Lee",
                  "--role", "pm", url=db_url)
    assert created.exit_code == 0, created.output
    assert "dana@example.com" in created.stdout
    assert_one_line_error(
        pmo("user", "create", "--email", "dana@example.com", "--name", "Dana", "--role", "pm",
            url=db_url), "already exists")
    assert_one_line_error(
        pmo("user", "create", "--email", "x@example.com", "--name", "X", "--role", "boss",
            url=db_url), "unknown role")
    assert_one_line_error(
        pmo("user", "create", "--email", "not-an-email", "--name", "X", "--role", "pm",
            url=db_url), "invalid email")


def test_token_prints_a_jwt_for_the_person_on_the_last_line(clean_env: Path, db_url: str) -> None:
    pmo("user", "create", "--email", "eve@example.com", "--name", "Eve", "--role", "executive",
        url=db_url)
    result = pmo("token", "eve@example.com", "--ttl", "30m", url=db_url)
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    claims = jwt.decode(token, DEMO_SECRET_KEY, algorithms=["HS256"])
    assert 29 * 60 <= claims["exp"] - claims["iat"] <= 30 * 60
    assert_one_line_error(pmo("token", "nobody@example.com", url=db_url), "no person")
    assert_one_line_error(pmo("token", "eve@example.com", "--ttl", "soon", url=db_url),
                          "invalid TTL")


def test_schema_export_writes_the_sdl(clean_env: Path) -> None:
    target = clean_env / "out.graphql"
    assert pmo("schema", "export", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == print_sdl()


def test_seed_demo_then_refusal_then_if_empty_then_force(
    clean_env: Path, empty_db_url: str
) -> None:
    # given a migrated, empty database
    assert pmo("db", "upgrade", url=empty_db_url).exit_code == 0
    # when the demo is seeded, then it reports rows and the demo accounts can get tokens
    seeded = pmo("seed", "--demo", url=empty_db_url)
    assert seeded.exit_code == 0, seeded.output
    assert "seeded" in seeded.stdout
    assert pmo("token", "pm.alice@example.com", url=empty_db_url).exit_code == 0
    # a second seed refuses in one line, unless told --if-empty (skip) or --force
    assert_one_line_error(pmo("seed", "--demo", url=empty_db_url), "already holds data")
    skipped = pmo("seed", "--demo", "--if-empty", url=empty_db_url)
    assert skipped.exit_code == 0 and "skipped" in skipped.stdout
    forced = pmo("seed", "--scale", "1", "--seed", "7", "--force", url=empty_db_url)
    assert forced.exit_code == 0, forced.output
