"""Database engines and sessions: async SQLAlchemy over aiosqlite or asyncpg."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from server.settings import ConfigurationError

SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}


def normalise_url(url: str) -> sa.URL:
    """Parse a database URL, mapping plain schemes to the async drivers we ship.

    Raises ``ConfigurationError`` with one readable line for anything else.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigurationError(
            f"PMO_DATABASE_URL is not a valid database URL: {url!r}"
        ) from None
    driver = parsed.drivername
    if driver in {"sqlite", "sqlite+pysqlite"}:
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif driver in {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise ConfigurationError(
            f"PMO_DATABASE_URL uses unsupported driver {driver!r}; "
            "use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db"
        )
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked, per connection; WAL lets readers run
    # while a writer commits.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10,
                  connect_timeout: float = 3.0, pool_timeout: float = 5.0) -> AsyncEngine:
    """An async engine with the settings each backend needs.

    On PostgreSQL a connection is checked before each use (``pool_pre_ping``: one that died
    with a database restart is replaced, not handed to a request), a new one gives up after
    ``connect_timeout`` seconds and a request waits at most ``pool_timeout`` for a free one:
    with the database away, requests fail fast (``SERVICE_UNAVAILABLE``) instead of queueing.
    """
    parsed = normalise_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": True}
    if parsed.get_backend_name() == "postgresql":
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_timeout=pool_timeout,
                      connect_args={"timeout": connect_timeout})
    else:
        try:
            import aiosqlite  # noqa: F401
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ConfigurationError(f"the SQLite driver is missing: {exc}") from None
    try:
        engine = create_async_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigurationError(f"PMO_DATABASE_URL cannot be used: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (we return them from mutations)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(
    factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One transaction: commit when the block succeeds, roll back on any exception."""
    async with factory() as session, session.begin():
        yield session


async def ping(engine: AsyncEngine) -> None:
    """Run ``SELECT 1``; raises if the database cannot be reached."""
    async with engine.connect() as conn:
        await conn.execute(sa.text("SELECT 1"))


def describe_db_error(exc: BaseException) -> str:
    """A one-line, secret-free description of why the database is unreachable."""
    root: BaseException = exc
    while root.__cause__ is not None:
        root = root.__cause__
    text = str(root).strip().splitlines()[0] if str(root).strip() else type(root).__name__
    return f"{type(root).__name__}: {text}"


class QueryStats:
    """SQL statements run and time spent: by one request, or one GraphQL operation within it
    (whose ``parent`` is then the request's, so that both count each statement)."""

    __slots__ = ("parent", "seconds", "statements")

    def __init__(self, parent: QueryStats | None = None) -> None:
        self.statements = 0
        self.seconds = 0.0
        self.parent = parent


current_stats: ContextVar[QueryStats | None] = ContextVar("pmo_query_stats", default=None)


def _started(conn: Any, cursor: Any, statement: Any, params: Any, context: Any,
             executemany: bool) -> None:
    # On the statement's own context: a statement that fails leaves nothing behind.
    # (SQLAlchemy runs a few internal statements, a sequence's next value, without one.)
    if context is not None:
        context.pmo_started = time.perf_counter()


def _counted(conn: Any, cursor: Any, statement: Any, params: Any, context: Any,
             executemany: bool) -> None:
    stats = current_stats.get()
    if stats is None:
        return
    started = getattr(context, "pmo_started", None)
    elapsed = time.perf_counter() - started if started is not None else 0.0
    while stats is not None:
        stats.statements += 1
        stats.seconds += elapsed
        stats = stats.parent


def instrument(engine: AsyncEngine) -> None:
    """Count statements and their time into the current ``QueryStats`` and its parents.

    Always on (the request log and the metrics report statements per request): a clock read
    and a few additions per statement. Instrumenting an engine twice changes nothing.
    """
    target = engine.sync_engine
    if not event.contains(target, "before_cursor_execute", _started):
        event.listen(target, "before_cursor_execute", _started)
        event.listen(target, "after_cursor_execute", _counted)
