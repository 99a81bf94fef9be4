"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is used when ``PMO_TEST_POSTGRES_URL`` points at a server (any database on it;
each test gets its own fresh database, dropped afterwards). Without it the PostgreSQL
half is skipped, except under ``CI=true`` where a skipped PostgreSQL test is a failure.
"""

from __future__ import annotations

import os
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


async def create_pg_database(base_url: str) -> str:
    """Create an empty database on the test server; returns its async URL."""
    import asyncpg

    name = f"pmo_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_url(base_url)
    conn = await asyncpg.connect(
        host=admin.host, port=admin.port or 5432, user=admin.username,
        password=admin.password, database="postgres",
    )
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin.set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(url: str) -> None:
    """Drop a database made by ``create_pg_database``, closing its leftover connections."""
    import asyncpg

    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username,
        password=parsed.password, database="postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        await conn.close()


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
async def engine(empty_db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a fresh database with every table created."""
    eng = create_engine(empty_db_url)
    async with eng.begin() as conn:
        await conn.run_sync(metadata.create_all)
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
