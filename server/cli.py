"""The ``pmo`` command line: serve, migrate, seed, manage users and export the schema.

Start-up time matters here: ``pmo --help`` and ``pmo token EMAIL`` should answer in well
under a second, and every ``pmo serve --workers N`` worker imports this module again (as the
spawned ``__mp_main__``) before it loads the app. So this module imports only Typer and Rich's
console at the top; everything else (SQLAlchemy, the settings, the domain, the seed, Alembic,
the schema, the ASGI app) is imported inside the commands that use it.
``tests/server/test_cli_startup.py`` keeps it that way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

if TYPE_CHECKING:
    # Typer vendors Click; its group resolves commands with these types.
    from typer._click import Command, Context

    from server.settings import Settings


class DefaultCommandGroup(typer.core.TyperGroup):
    """A group that runs its default subcommand when the first argument names no other.

    ``pmo token EMAIL`` predates ``pmo token create|revoke``; both shapes keep working.
    """

    default_command = "mint"

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default_command, *args]
        return super().resolve_command(ctx, args)


app = typer.Typer(help="PMO backend: GraphQL API and admin console.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
user_app = typer.Typer(help="People and their roles.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(schema_app, name="schema")
webhooks_app = typer.Typer(help="Outbound webhooks.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")
notify_app = typer.Typer(help="Workflow notifications.", no_args_is_help=True)
app.add_typer(notify_app, name="notify")
operations_app = typer.Typer(help="Persisted operations.", no_args_is_help=True)
app.add_typer(operations_app, name="operations")
token_app = typer.Typer(
    cls=DefaultCommandGroup,
    help="Tokens: a JWT for a person (pmo token EMAIL), API tokens for service accounts.",
    no_args_is_help=True,
    subcommand_metavar="EMAIL [--ttl 8h] | create --name NAME --email EMAIL | revoke NAME",
)
app.add_typer(token_app, name="token")

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
    # Imported here, not at the top: pydantic-settings and SQLAlchemy (behind normalise_url)
    # are only for the commands that read the configuration, not for ``pmo --help``.
    from server.db import normalise_url
    from server.settings import ConfigurationError, load_settings

    try:
        settings = load_settings()
        normalise_url(settings.database_url)
    except ConfigurationError as exc:
        fail(str(exc))
    return settings


def run_db(settings: Settings, work: Callable[[Any], Coroutine[Any, Any, T]], *,
           wait: bool = False) -> T:
    """Run ``work(engine)`` against the configured database, failing cleanly if unreachable;
    with ``wait`` (a long-running worker, whose loop waits out an unreachable database
    itself: ``server.sender.Worker``) without checking first, so that a worker started during
    an outage starts working when the database is back."""
    # Imported here so that commands which never reach a database (and ``--help``) skip them.
    import asyncio

    from server.db import create_engine, describe_db_error, ping
    from server.settings import ConfigurationError

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            if not wait:
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
    from sqlalchemy.exc import SQLAlchemyError

    from server.db import describe_db_error

    async def check(_engine: Any) -> None:
        return None

    run_db(settings, check)
    try:
        return action(settings.database_url)
    except SQLAlchemyError as exc:
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
    # The seed imports every model, and rich.progress its live display: only this command
    # needs them.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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


@app.command()
def snapshot(
    on: Annotated[str | None, typer.Option(
        "--on", help="The day to snapshot, YYYY-MM-DD (default: today, UTC).")] = None,
) -> None:
    """Take the day's ProjectSnapshot of every project not completed or cancelled (run it
    daily for trend reports; running it again the same day updates the rows), and forget
    deletions older than PMO_DELETED_ROWS_RETENTION_DAYS (reports { deletedRows })."""
    from server.db import session_factory
    from server.domain.base import utcnow
    from server.domain.metrics.snapshots import take_all
    from server.domain.reporting.changes import purge_statement

    try:
        day = date.fromisoformat(on) if on is not None else utcnow().date()
    except ValueError:
        fail(f"--on: {on!r} is not a date (YYYY-MM-DD)")
    settings = settings_or_exit()

    async def work(engine: Any) -> tuple[int, int]:
        async with session_factory(engine)() as session, session.begin():
            taken = await take_all(session, day)
            purged = await session.exec(  # type: ignore[call-overload]
                purge_statement(settings.deleted_rows_retention_days))
            return taken, purged.rowcount

    count, purged = run_db(settings, work)
    out.print(f"took {count:,} project snapshots for {day.isoformat()}; forgot {purged:,} "
              f"deletions older than {settings.deleted_rows_retention_days} days")


@notify_app.command("overdue")
def notify_overdue(
    on: Annotated[str | None, typer.Option(
        "--on", help="The day to check as, YYYY-MM-DD (default: today, UTC).")] = None,
) -> None:
    """Notify the manager of each active project whose status report for last week (the week
    that ended last Sunday) is missing. Run it daily or weekly (cron); running it again in the
    same week notifies nobody twice."""
    from server.broadcast import for_database
    from server.db import session_factory
    from server.domain.base import utcnow
    from server.domain.collaboration.workflow import due_period, overdue_reports
    from server.domain.events import take_staged

    try:
        day = date.fromisoformat(on) if on is not None else utcnow().date()
    except ValueError:
        fail(f"--on: {on!r} is not a date (YYYY-MM-DD)")
    settings = settings_or_exit()

    async def work(engine: Any) -> int:
        async with session_factory(engine)() as session, session.begin():
            raised = await overdue_reports(session, day)
            staged = take_staged(session)
        # Open subscriptions hear of the new notifications: on PostgreSQL through NOTIFY to
        # every server process; on SQLite no other process can listen, so nothing to do.
        live = for_database(settings.database_url, engine)
        for event in staged:
            await live.publish(event)
        return raised

    count = run_db(settings, work)
    out.print(f"notified {count:,} manager(s) of status reports overdue for the week ending "
              f"{due_period(day).isoformat()}")


@notify_app.command("send")
def notify_send(
    once: Annotated[bool, typer.Option(
        "--once", help="Send what is due now, then exit (for cron).")] = False,
    batch: Annotated[int, typer.Option(
        "--batch", min=1, max=1000, help="Emails claimed and sent at a time.")] = 50,
    interval: Annotated[float, typer.Option(
        "--interval", min=0.1, help="Seconds to wait when nothing is due.")] = 5.0,
) -> None:
    """Send the notification emails waiting in the outbox through PMO_SMTP_URL, at least once,
    retrying failures with back-off (1 min, 5 min, 30 min, then every 2 h) until sent. Several
    senders may run against PostgreSQL; one on SQLite. The loop waits out a database outage;
    SIGTERM lets the batch in hand finish (PMO_SHUTDOWN_TIMEOUT) and hands back the rest."""
    from server.db import session_factory
    from server.mailer import Smtp, run
    from server.sender import configure_logging
    from server.workers import log_config

    settings = settings_or_exit()
    if settings.smtp_url is None:
        fail("PMO_SMTP_URL is not set: say where to send email, such as "
             "smtp+starttls://user:password@mail.example.com:587")
    try:
        smtp = Smtp.from_url(settings.smtp_url.get_secret_value())
    except ValueError as exc:
        fail(str(exc))

    async def work(engine: Any) -> Any:
        return await run(session_factory(engine), smtp, sender=settings.smtp_from,
                         app_url=settings.app_url, once=once, batch=batch, interval=interval,
                         shutdown_timeout=settings.shutdown_timeout)

    configure_logging(log_config(settings))
    total = run_db(settings, work, wait=not once)
    out.print(f"sent {total.sent:,} email(s); {total.retrying:,} failed and will be retried"
              + (f"; {total.released:,} handed back unsent" if total.released else ""))


@webhooks_app.command("deliver")
def webhooks_deliver(
    once: Annotated[bool, typer.Option(
        "--once", help="Deliver what is due now, then exit (for cron).")] = False,
    batch: Annotated[int, typer.Option(
        "--batch", min=1, max=1000, help="Deliveries claimed and sent at a time.")] = 50,
    interval: Annotated[float, typer.Option(
        "--interval", min=0.1, help="Seconds to wait when nothing is due.")] = 5.0,
) -> None:
    """Send due webhook deliveries, signed, retrying failures with back-off (1 min, 5 min,
    30 min, 2 h, 12 h, then DEAD). Several workers may run against PostgreSQL; one on SQLite.
    The loop waits out a database outage; SIGTERM lets the batch in hand finish
    (PMO_SHUTDOWN_TIMEOUT) and hands back the rest."""
    from server.db import session_factory
    from server.sender import configure_logging
    from server.webhooks import run
    from server.workers import log_config

    settings = settings_or_exit()

    async def work(engine: Any) -> Any:
        return await run(session_factory(engine), once=once, batch=batch, interval=interval,
                         production=settings.is_production,
                         shutdown_timeout=settings.shutdown_timeout)

    configure_logging(log_config(settings))
    try:
        total = run_db(settings, work, wait=not once)
    except KeyboardInterrupt:
        out.print("stopped")
        return
    out.print(f"webhook deliveries: {total.succeeded} succeeded, {total.retrying} to retry, "
              f"{total.dead} dead, {total.cancelled} cancelled"
              + (f", {total.released} handed back unsent" if total.released else ""))


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
    from server.db import session_factory
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


def _parse_expiry(text: str) -> datetime:
    """``2026-12-31`` (00:00 UTC), an ISO timestamp (UTC unless it says otherwise) or ``90d``."""
    from server.domain.auth.tokens import parse_ttl
    from server.domain.base import utcnow

    try:
        return utcnow() + parse_ttl(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"invalid expiry {text!r}: use a date (2026-12-31), an ISO timestamp or a "
            "duration (90d)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@token_app.command("mint")
def token_mint(
    email: Annotated[str, typer.Argument(help="The person the token is for.")],
    ttl: Annotated[str, typer.Option(help="Lifetime: 30m, 8h, 1s, 7d.")] = "8h",
) -> None:
    """pmo token EMAIL [--ttl 8h]: print a signed JWT for a person (the default command)."""
    # Only what minting needs: settings, the database, the person lookup and PyJWT; never
    # the schema or the app, so that ``pmo token EMAIL`` answers in well under a second.
    from server.db import session_factory
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


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="A unique name, e.g. powerbi-finance.")],
    email: Annotated[str, typer.Option(help="The person the token acts as.")],
    expires: Annotated[
        str | None, typer.Option(help="Expiry: 2026-12-31 (00:00 UTC), a timestamp or 90d.")
    ] = None,
) -> None:
    """pmo token create --name NAME --email EMAIL [--expires DATE]: a new API token."""
    from server.db import session_factory
    from server.domain.auth import api_tokens

    try:
        expires_at = _parse_expiry(expires) if expires is not None else None
    except ValueError as exc:
        fail(str(exc))
    settings = settings_or_exit()

    async def work(engine: Any) -> Any:
        async with session_factory(engine)() as session, session.begin():
            return await api_tokens.create(
                session, name=name, owner_email=email, expires_at=expires_at
            )

    try:
        api_token, plain = run_db(settings, work)
    except api_tokens.ApiTokenError as exc:
        fail(str(exc))
    until = f"until {api_token.expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "without expiry"
    # Notes go to stderr so that stdout is the token alone, ready for a secret store.
    err.print(f"API token {api_token.name!r} for {email.strip().lower()}, valid {until}.")
    err.print("It is shown only this once (only its hash is stored): keep it now.")
    print(plain)


@token_app.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name.")],
) -> None:
    """pmo token revoke NAME: revoke an API token for good."""
    from server.db import session_factory
    from server.domain.auth import api_tokens

    settings = settings_or_exit()

    async def work(engine: Any) -> Any:
        async with session_factory(engine)() as session, session.begin():
            return await api_tokens.revoke(session, name=name)

    try:
        api_token = run_db(settings, work)
    except api_tokens.ApiTokenError as exc:
        fail(str(exc))
    out.print(f"revoked API token {api_token.name!r}")


@schema_app.command("export")
def schema_export(
    path: Annotated[Path | None, typer.Argument(help="Where to write the SDL.")] = None,
) -> None:
    """Write the GraphQL SDL (default: schema/schema.graphql, and then the error-code tables
    of docs/api.md too)."""
    from schema.error_docs import with_tables
    from schema.schema import SDL_PATH, print_sdl

    target = path or SDL_PATH
    target.write_text(print_sdl(), encoding="utf-8")
    out.print(f"wrote {target}")
    docs = SDL_PATH.parent.parent / "docs" / "api.md"
    if path is None and docs.exists():
        docs.write_text(with_tables(docs.read_text(encoding="utf-8")), encoding="utf-8")
        out.print(f"wrote the error codes in {docs}")


@operations_app.command("register")
def operations_register(
    files: Annotated[list[Path], typer.Argument(help="GraphQL documents, one operation each.")],
) -> None:
    """Add operations to the persisted-operations manifest (PMO_PERSISTED_OPERATIONS), after
    checking each against the schema; print each one's SHA-256."""
    from graphql import GraphQLError, parse, validate

    from schema.schema import schema
    from server.persisted import register

    settings = settings_or_exit()
    texts = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            problems = [e.message for e in validate(schema._schema, parse(text))]  # noqa: SLF001
        except OSError as exc:
            fail(f"{path}: {exc.strerror}")
        except GraphQLError as exc:
            fail(f"{path}: {exc.message}")
        if problems:
            fail(f"{path}: {problems[0]}")
        texts.append(text)
    try:
        hashes = register(settings.persisted_operations, texts)
    except ValueError as exc:
        fail(str(exc))
    for path, key in zip(files, hashes, strict=True):
        out.print(f"{key}  {path}")
    out.print(f"{len(hashes)} registered in {settings.persisted_operations}")


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
        # The seed package imports every model (a few tenths of a second); in production
        # there is no banner to print, so the supervisor of --workers N never loads it.
        from server.seed_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

        out.print(f"Demo logins (password [bold]{DEMO_PASSWORD}[/]):")
        for account_email, _name, account_role in DEMO_ACCOUNTS:
            out.print(f"  {account_role:<10} {account_email}")
    out.print("API token:  .venv/bin/pmo token pm.alice@example.com --ttl 8h")
    out.print('  then send  Authorization: Bearer <token>')
    sys.stdout.flush()
    # Before the workers start: the directory their metrics share (and the metrics port), and
    # the log format (server/workers.py).
    from server.workers import log_config, prepare

    try:
        prepare(settings, host=bind_host)
    except OSError as exc:  # the metrics port is taken, or not ours to bind
        fail(f"PMO_METRICS_PORT {settings.metrics_port}: {exc.strerror or exc}")
    # The app is named by import string, never imported here: with --workers N or --reload
    # each worker process builds its own, and this one only supervises them.
    uvicorn.run(
        "server.app:serve_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers if not reload else None,
        reload=reload,
        log_level="debug" if settings.debug else "info",
        # One line per request from the app (server/request_log.py) instead of uvicorn's.
        log_config=log_config(settings),
        access_log=False,
        # SIGTERM: no new connections; requests in flight get this long to finish, then
        # whatever is left (subscriptions are closed with 1012, "service restart") is
        # cancelled and the process exits.
        timeout_graceful_shutdown=settings.shutdown_timeout,
    )


def main() -> None:  # pragma: no cover - console script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
