"""The ``pmo`` command line: clean one-line errors with exit status 2, and working commands."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from schema.schema import print_sdl
from server.cli import app
from server.db import create_engine, session_factory
from server.domain.audit.models import AuditEvent
from server.domain.auth.api_tokens import hash_token
from server.domain.auth.authn import AuthenticationError, Identity, authenticate
from server.domain.auth.models import ApiToken
from server.settings import DEMO_SECRET_KEY, load_settings

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
    identity = authenticate_at(db_url, token)
    assert isinstance(identity, Identity)
    assert (identity.email, identity.method) == ("eve@example.com", "jwt")
    # the default command can also be named
    named = pmo("token", "mint", "eve@example.com", url=db_url)
    assert named.exit_code == 0 and named.stdout.strip().splitlines()[-1].count(".") == 2
    assert_one_line_error(pmo("token", "nobody@example.com", url=db_url), "no person")
    assert_one_line_error(pmo("token", "eve@example.com", "--ttl", "soon", url=db_url),
                          "invalid TTL")


def authenticate_at(url: str, token: str) -> Identity | str:
    """Authenticate a bearer token against the database at ``url``: the identity or the reason."""

    async def main() -> Identity | str:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session, session.begin():
                return await authenticate(
                    session, authorization=f"Bearer {token}", settings=load_settings()
                )
        except AuthenticationError as exc:
            return exc.reason
        finally:
            await engine.dispose()

    return asyncio.run(main())


def stored_api_token(url: str, name: str) -> ApiToken | None:
    """The API token row named ``name`` in the database at ``url``."""

    async def main() -> ApiToken | None:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                result = await session.exec(
                    sa.select(ApiToken).where(ApiToken.name == name)  # type: ignore[call-overload]
                )
                return result.scalar_one_or_none()
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_token_help_shows_the_three_usages(clean_env: Path) -> None:
    result = pmo("token", "--help")
    assert result.exit_code == 0, result.output
    for usage in ("EMAIL [--ttl 8h]", "create --name NAME --email EMAIL", "revoke NAME"):
        assert usage in result.stdout


def test_token_create_prints_a_token_that_authenticates(clean_env: Path, db_url: str) -> None:
    # given a person
    pmo("user", "create", "--email", "bi@example.com", "--name", "BI", "--role", "analyst",
        url=db_url)
    # when an API token is created for them with an expiry date
    result = pmo("token", "create", "--name", "powerbi", "--email", "BI@example.com",
                 "--expires", "2099-12-31", url=db_url)
    # then the token alone is on the last line, the output says it is shown once,
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("pmo_") and " " not in token
    assert "only this once" in result.stderr
    # only its hash is stored, with the expiry at midnight UTC,
    row = stored_api_token(db_url, "powerbi")
    assert row is not None and row.token_hash == hash_token(token)
    assert row.expires_at == datetime(2099, 12, 31, tzinfo=UTC)
    # and it authenticates as the person
    identity = authenticate_at(db_url, token)
    assert isinstance(identity, Identity)
    assert (identity.email, identity.method, identity.token_name) == (
        "bi@example.com", "api_token", "powerbi")


def test_token_create_errors_are_one_line(clean_env: Path, db_url: str) -> None:
    # given a person with a token named powerbi
    pmo("user", "create", "--email", "bi@example.com", "--name", "BI", "--role", "analyst",
        url=db_url)
    assert pmo("token", "create", "--name", "powerbi", "--email", "bi@example.com",
               url=db_url).exit_code == 0
    # when tokens are created wrongly, then each fails in one line with status 2
    assert_one_line_error(pmo("token", "create", "--name", "powerbi", "--email",
                              "bi@example.com", url=db_url), "already exists")
    assert_one_line_error(pmo("token", "create", "--name", "tableau", "--email",
                              "nobody@example.com", url=db_url), "no person")
    assert_one_line_error(pmo("token", "create", "--name", "tableau", "--email",
                              "bi@example.com", "--expires", "2001-01-01", url=db_url),
                          "in the past")
    assert_one_line_error(pmo("token", "create", "--name", "tableau", "--email",
                              "bi@example.com", "--expires", "someday", url=db_url),
                          "invalid expiry")


def test_token_revoke_stops_the_token(clean_env: Path, db_url: str) -> None:
    # given an API token that works
    pmo("user", "create", "--email", "bi@example.com", "--name", "BI", "--role", "analyst",
        url=db_url)
    created = pmo("token", "create", "--name", "powerbi", "--email", "bi@example.com",
                  "--expires", "90d", url=db_url)
    token = created.stdout.strip().splitlines()[-1]
    assert isinstance(authenticate_at(db_url, token), Identity)
    # when it is revoked
    revoked = pmo("token", "revoke", "powerbi", url=db_url)
    # then it no longer authenticates, and revoking again or an unknown name is an error
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in revoked.stdout
    assert authenticate_at(db_url, token) == "API token revoked"
    row = stored_api_token(db_url, "powerbi")
    assert row is not None and row.revoked_at is not None
    assert_one_line_error(pmo("token", "revoke", "powerbi", url=db_url), "already revoked")
    assert_one_line_error(pmo("token", "revoke", "tableau", url=db_url), "no API token named")


def audit_of_tokens(url: str) -> list[tuple[str, str, int | None, dict[str, Any]]]:
    """(action, source, actor, changes) of the audit events about API tokens, in order."""

    async def main() -> list[tuple[str, str, int | None, dict[str, Any]]]:
        engine = create_engine(url)
        try:
            async with session_factory(engine)() as session:
                rows = (await session.exec(
                    sa.select(AuditEvent).where(AuditEvent.entity_type == "api_token")  # type: ignore[call-overload]
                    .order_by(AuditEvent.id))).scalars().all()
                return [(r.action, r.source.value, r.actor_id, r.changes) for r in rows]
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_token_create_and_revoke_are_audited(clean_env: Path, db_url: str) -> None:
    pmo("user", "create", "--email", "bi@example.com", "--name", "BI", "--role", "analyst",
        url=db_url)
    assert pmo("token", "create", "--name", "powerbi", "--email", "bi@example.com",
               url=db_url).exit_code == 0
    assert pmo("token", "revoke", "powerbi", url=db_url).exit_code == 0
    # a refused command changes nothing and records nothing
    assert pmo("token", "revoke", "powerbi", url=db_url).exit_code != 0
    created, revoked = audit_of_tokens(db_url)
    assert created[:3] == ("create", "CLI", None)
    assert created[3]["name"] == {"before": None, "after": "powerbi"}
    assert "token_hash" not in created[3]  # never copied into the audit trail
    assert created[3]["cli_user"]["after"]
    assert revoked[:3] == ("revoke", "CLI", None)
    assert revoked[3]["revoked_at"]["before"] is None and revoked[3]["revoked_at"]["after"]


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
