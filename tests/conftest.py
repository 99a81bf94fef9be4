"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is used when ``PMO_TEST_POSTGRES_URL`` points at a server (any database on it):
each test process creates its own database, every test starts with it emptied, and it is
dropped at the end; tests of migrations get a brand-new empty database of their own.
Without it the PostgreSQL half is skipped, except under ``CI=true`` where a skipped
PostgreSQL test is a failure.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.db import create_engine, session_factory
from server.domain.models import metadata

PG_URL = os.environ.get("PMO_TEST_POSTGRES_URL", "")
# The browser tests have their own target (make test-browser): a live server and Chromium.
collect_ignore = [] if os.environ.get("PMO_BROWSER") else ["browser"]
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def _require_postgres() -> str:
    if PG_URL:
        return PG_URL
    if IN_CI:
        pytest.fail("CI=true but PMO_TEST_POSTGRES_URL is not set: PostgreSQL tests must run")
    pytest.skip("PMO_TEST_POSTGRES_URL not set")


def _admin_url(url: str) -> sa.URL:
    return make_url(url).set(drivername="postgresql+asyncpg", database="postgres")


async def _admin_execute(base_url: str, sql: str) -> None:
    import asyncpg

    admin = _admin_url(base_url)
    conn = await asyncpg.connect(
        host=admin.host, port=admin.port or 5432, user=admin.username,
        password=admin.password, database="postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def create_pg_database(base_url: str) -> str:
    """Create an empty database on the test server (for migration tests); its URL."""
    name = f"pmo_test_{uuid.uuid4().hex[:12]}"
    await _admin_execute(base_url, f'CREATE DATABASE "{name}"')
    return _admin_url(base_url).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(url: str) -> None:
    """Drop a database made by ``create_pg_database``, closing its leftover connections."""
    name = make_url(url).database
    await _admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Creating a database (or TRUNCATE-ing 40 tables) costs about half a second on this machine,
# which over hundreds of PostgreSQL tests is minutes. So each test process creates one
# database with every table, and each test starts by emptying it: DELETE in dependency
# order and identity counters reset, which leaves it exactly as fresh for the test.
_PG_DATABASE = f"pmo_test_{os.getpid()}"
_pg_ready = False


def _reset_script() -> str:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    deletes = "".join(f'DELETE FROM "{name}";' for name in tables)
    restarts = "".join(
        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), 1, false);"
        for name in tables if "id" in metadata.tables[name].columns)
    return deletes + restarts


async def fresh_pg_database(base_url: str) -> str:
    """This process's test database, emptied; its URL."""
    import asyncpg

    global _pg_ready
    url = _admin_url(base_url).set(database=_PG_DATABASE)
    if not _pg_ready:
        await _admin_execute(base_url, f'DROP DATABASE IF EXISTS "{_PG_DATABASE}" WITH (FORCE)')
        await _admin_execute(base_url, f'CREATE DATABASE "{_PG_DATABASE}"')
        eng = create_engine(url.render_as_string(hide_password=False))
        try:
            async with eng.begin() as conn:
                await conn.run_sync(metadata.create_all)
        finally:
            await eng.dispose()
        _pg_ready = True
    conn = await asyncpg.connect(host=url.host, port=url.port or 5432, user=url.username,
                                 password=url.password, database=_PG_DATABASE)
    try:
        await conn.execute(_reset_script())
    finally:
        await conn.close()
    return url.render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this process's test database."""
    if _pg_ready:
        import asyncio

        asyncio.run(_admin_execute(
            PG_URL, f'DROP DATABASE IF EXISTS "{_PG_DATABASE}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test: ``sqlite`` or ``postgresql``."""
    if request.param == "postgresql":
        _require_postgres()
    return str(request.param)


@pytest.fixture
async def empty_db_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a fresh, empty database (no tables) on the backend under test."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    url = await create_pg_database(PG_URL)
    try:
        yield url
    finally:
        await drop_pg_database(url)


@pytest.fixture
async def engine(backend: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database with every table created."""
    if backend == "sqlite":
        eng = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        async with eng.begin() as conn:
            await conn.run_sync(metadata.create_all)
        try:
            yield eng
        finally:
            await eng.dispose()
        return
    eng = create_engine(await fresh_pg_database(PG_URL))
    try:
        yield eng
    finally:
        await eng.dispose()


@pytest.fixture
def db_url(engine: AsyncEngine) -> str:
    """The URL of the fresh database behind ``engine`` (tables created)."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session factory bound to the fresh database."""
    return session_factory(engine)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No ``PMO_*`` variables and a working directory without ``.env``."""
    for key in list(os.environ):
        if key.startswith("PMO_") and key != "PMO_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server a test starts (SMTP, pmo serve)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
