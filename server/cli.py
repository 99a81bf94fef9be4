"""The ``pmo`` command line: serve, migrate, seed, manage users and export the schema."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from server.db import create_engine, describe_db_error, normalise_url, ping, session_factory
from server.settings import ConfigurationError, Settings, load_settings

app = typer.Typer(help="PMO backend: GraphQL API and admin console.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
user_app = typer.Typer(help="People and their roles.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(schema_app, name="schema")

out = Console(soft_wrap=True)
err = Console(stderr=True)
T = TypeVar("T")

EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one line on stderr and exit."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    """Load settings; a bad configuration is one line on stderr and exit status 2."""
    try:
        settings = load_settings()
        normalise_url(settings.database_url)
    except ConfigurationError as exc:
        fail(str(exc))
    return settings


def run_db(settings: Settings, work: Callable[[Any], Coroutine[Any, Any, T]]) -> T:
    """Run ``work(engine)`` against the configured database, failing cleanly if unreachable."""

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            try:
                await asyncio.wait_for(ping(engine), 10)
            except Exception as exc:  # noqa: BLE001 - reported as one line
                fail(f"cannot reach the database: {describe_db_error(exc)}")
            return await work(engine)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except ConfigurationError as exc:
        fail(str(exc))


def _migrate(action: Callable[[str], Any], settings: Settings) -> Any:
    """Run a blocking Alembic action after checking the database answers."""

    async def check(_engine: Any) -> None:
        return None

    run_db(settings, check)
    try:
        return action(settings.database_url)
    except sa.exc.SQLAlchemyError as exc:
        fail(f"migration failed: {describe_db_error(exc)}", 1)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Upgrade the database to the latest (or given) migration."""
    from server import migrate

    settings = settings_or_exit()
    _migrate(lambda url: migrate.upgrade(url, revision), settings)
    out.print(f"database upgraded to {revision}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")] = "-1",
) -> None:
    """Downgrade the database by one migration (or to the given revision)."""
    from server import migrate

    settings = settings_or_exit()
    _migrate(lambda url: migrate.downgrade(url, revision), settings)
    out.print(f"database downgraded to {revision}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's current migration."""
    from server import migrate

    settings = settings_or_exit()
    current = _migrate(migrate.current, settings)
    out.print(current or "no migration applied (empty database)")


@app.command()
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="The demo data set (scale 1).")] = False,
    scale: Annotated[int | None, typer.Option(min=1, help="Multiply the demo size.")] = None,
    seed_value: Annotated[int, typer.Option("--seed", help="Random seed.")] = 42,
    force: Annotated[bool, typer.Option(help="Seed even if the database holds data.")] = False,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing (and succeed) if data exists.")
    ] = False,
) -> None:
    """Fill the database with deterministic, realistic data."""
    from server.seed import SeedRefused, seed_database

    if demo == (scale is not None):
        fail("give exactly one of --demo or --scale N")
    settings = settings_or_exit()

    async def work(engine: Any) -> Any:
        with Progress(
            TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, transient=False,
        ) as progress:
            tasks: dict[str, Any] = {}

            def report(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(stage, total=total)
                progress.update(tasks[stage], completed=done, total=total)

            return await seed_database(
                engine, scale=scale or 1, seed=seed_value, force=force, progress=report
            )

    try:
        report = run_db(settings, work)
    except SeedRefused as exc:
        if if_empty:
            out.print(f"seed skipped: {exc}")
            return
        fail(str(exc))
    total = sum(report.counts.values())
    out.print(f"seeded {total:,} rows in {report.seconds:.1f}s")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Login email (unique).")],
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[str, typer.Option(help="pmo, pm, executive or analyst.")],
    password: Annotated[
        str | None, typer.Option(help="Console password (PMO only needs one).")
    ] = None,
) -> None:
    """Create a person with a role."""
    from server.domain.auth import service as auth_service
    from server.domain.enums import Role

    try:
        role_value = Role(role.strip().lower())
    except ValueError:
        fail(f"unknown role {role!r}: use one of {', '.join(r.value for r in Role)}")
    settings = settings_or_exit()

    async def work(engine: Any) -> Any:
        async with session_factory(engine)() as session, session.begin():
            return await auth_service.create_user(
                session, email=email, full_name=name, role=role_value, password=password
            )

    try:
        person = run_db(settings, work)
    except auth_service.UserError as exc:
        fail(str(exc))
    out.print(f"created {person.email} (id {person.id}) with role {role_value.value}")


@app.command()
def token(
    email: Annotated[str, typer.Argument(help="The person the token is for.")],
    ttl: Annotated[str, typer.Option(help="Lifetime: 30m, 8h, 1s, 7d.")] = "8h",
) -> None:
    """Print a signed JWT for a person (the token alone on the last line)."""
    from server.domain.auth import service as auth_service
    from server.domain.auth.tokens import mint, parse_ttl

    try:
        lifetime = parse_ttl(ttl)
    except ValueError as exc:
        fail(str(exc))
    settings = settings_or_exit()

    async def work(engine: Any) -> Any:
        async with session_factory(engine)() as session:
            return await auth_service.get_active_person_by_email(session, email=email)

    try:
        person = run_db(settings, work)
    except auth_service.UserError as exc:
        fail(str(exc))
    err.print(f"token for {person.email}, valid for {ttl}:")
    print(mint(person.id, secret=settings.secret_key.get_secret_value(), ttl=lifetime))


@schema_app.command("export")
def schema_export(
    path: Annotated[Path | None, typer.Argument(help="Where to write the SDL.")] = None,
) -> None:
    """Write the GraphQL SDL (default: schema/schema.graphql)."""
    from schema.schema import SDL_PATH, print_sdl

    target = path or SDL_PATH
    target.write_text(print_sdl(), encoding="utf-8")
    out.print(f"wrote {target}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (PMO_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (PMO_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
) -> None:
    """Serve GraphQL at /graphql and the console at /admin."""
    import uvicorn

    settings = settings_or_exit()

    async def check(_engine: Any) -> None:
        return None

    run_db(settings, check)
    bind_host = host or settings.host
    bind_port = port or settings.port
    base = f"http://{bind_host}:{bind_port}"
    out.print(f"PMO backend on {base}")
    out.print(f"  GraphQL + GraphiQL  {base}/graphql")
    out.print(f"  Admin console       {base}/admin")
    out.print(f"  Health              {base}/healthz  {base}/readyz")
    if not settings.is_production:
        from server.seed import DEMO_ACCOUNTS, DEMO_PASSWORD

        out.print(f"Demo logins (password [bold]{DEMO_PASSWORD}[/]):")
        for account_email, _name, account_role in DEMO_ACCOUNTS:
            out.print(f"  {account_role:<10} {account_email}")
    out.print("API token:  .venv/bin/pmo token pm.alice@example.com --ttl 8h")
    out.print('  then send  Authorization: Bearer <token>')
    sys.stdout.flush()
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers if not reload else None,
        reload=reload,
        log_level="debug" if settings.debug else "info",
    )


def main() -> None:  # pragma: no cover - console script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
