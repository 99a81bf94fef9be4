"""Migration 0002 builds the lessons' full-text index as ``metadata.create_all`` does, indexes
the lessons already there, and its downgrade removes every trace of it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from server import migrate
from server.db import create_engine
from server.domain.knowledge import full_text
from server.domain.models import Lesson, metadata
from tests.conftest import PG_URL, create_pg_database, drop_pg_database

BEFORE = "0001"
FULL_TEXT = "0002_lesson_full_text"
LESSON: Any = Lesson.__table__  # type: ignore[attr-defined]


async def _insert(engine: AsyncEngine, title: str, text: str, tags: list[str]) -> None:
    # Core, as a migration-era client would: the 0001 table, no ORM defaults.
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with engine.begin() as conn:
        await conn.execute(sa.insert(LESSON).values(
            title=title, category="General", what_happened=text, recommendation="Do better.",
            impact="NEGATIVE", tags=tags, created_at=now, updated_at=now))


async def _search(engine: AsyncEngine, text: str) -> list[str]:
    words = full_text.words(text)
    query = (sa.select(LESSON.c.title).where(full_text.matches(LESSON.c.id, words))
             .order_by(full_text.rank(LESSON.c.id, words).desc(), LESSON.c.id))
    async with engine.connect() as conn:
        return list((await conn.execute(query)).scalars())


def _full_text_objects(connection: sa.Connection) -> list[Any]:
    """Everything the full-text index consists of, as the database describes it."""
    if connection.dialect.name == "sqlite":
        return [tuple(r) for r in connection.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name LIKE 'lesson_fts%' ORDER BY name")]
    column = connection.exec_driver_sql(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attgenerated, "
        "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
        "JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attrelid = 'lesson'::regclass AND a.attname = 'search_vector'")
    index = connection.exec_driver_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = 'ix_lesson_search_vector'")
    return [tuple(r) for r in column] + [tuple(r) for r in index]


async def _objects(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return await conn.run_sync(_full_text_objects)


async def test_upgrade_indexes_existing_lessons_and_downgrade_removes_the_index(
    empty_db_url: str,
) -> None:
    # given a database at 0001 with a lesson in it
    await asyncio.to_thread(migrate.upgrade, empty_db_url, BEFORE)
    engine = create_engine(empty_db_url)
    try:
        await _insert(engine, "Vendor late", "The supplier slipped.", ["procurement"])
        assert await _objects(engine) == []
        # when upgraded to 0002, then the existing lesson is found by text and by tag
        await asyncio.to_thread(migrate.upgrade, empty_db_url, FULL_TEXT)
        assert len(await _objects(engine)) >= 2
        assert await _search(engine, "suppliers vendor") == ["Vendor late"]
        assert await _search(engine, "procurement") == ["Vendor late"]
        # and a lesson written afterwards is found too, ranked by where the word is
        await _insert(engine, "Supplier audit", "Nothing slipped.", [])
        assert await _search(engine, "supplier") == ["Supplier audit", "Vendor late"]

        # when downgraded, then the index is gone, the lessons stay and can still be written
        await asyncio.to_thread(migrate.downgrade, empty_db_url, BEFORE)
        assert await _objects(engine) == []
        await _insert(engine, "Written at 0001", "Between migrations.", [])
        async with engine.connect() as conn:
            assert (await conn.execute(sa.select(sa.func.count()).select_from(LESSON))
                    ).scalar_one() == 3

        # and upgrading again indexes all of them
        await asyncio.to_thread(migrate.upgrade, empty_db_url, FULL_TEXT)
        assert await _search(engine, "migration") == ["Written at 0001"]
        assert sorted(await _search(engine, "slipped")) == ["Supplier audit", "Vendor late"]
    finally:
        await engine.dispose()


@pytest.fixture
async def created_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A second fresh database, given its tables by ``metadata.create_all``."""
    url = (f"sqlite+aiosqlite:///{tmp_path / 'created.db'}" if backend == "sqlite"
           else await create_pg_database(PG_URL))
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        yield url
    finally:
        await engine.dispose()
        if backend == "postgresql":
            await drop_pg_database(url)


async def test_create_all_builds_the_same_full_text_index_as_the_migration(
    empty_db_url: str, created_url: str
) -> None:
    await asyncio.to_thread(migrate.upgrade, empty_db_url, FULL_TEXT)
    migrated, created = create_engine(empty_db_url), create_engine(created_url)
    try:
        made_by_migration = await _objects(migrated)
        assert made_by_migration, "the migration made no full-text objects"
        assert await _objects(created) == made_by_migration
    finally:
        await migrated.dispose()
        await created.dispose()
