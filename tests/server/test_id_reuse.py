"""Row ids are never reused: on SQLite through AUTOINCREMENT (migration 0004 for databases
made before it), on PostgreSQL through its identity sequences."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from server import migrate
from server.db import create_engine
from server.domain.knowledge import full_text
from server.domain.models import Department, Lesson, metadata

DEPARTMENT: Any = Department.__table__  # type: ignore[attr-defined]
LESSON: Any = Lesson.__table__  # type: ignore[attr-defined]
NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def _department(engine: AsyncEngine, code: str) -> int:
    async with engine.begin() as conn:
        result = await conn.execute(sa.insert(DEPARTMENT).values(
            code=code, name=code.title(), created_at=NOW, updated_at=NOW)
            .returning(DEPARTMENT.c.id))
        return int(result.scalar_one())


async def _lesson(engine: AsyncEngine, title: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.insert(LESSON).values(
            title=title, category="General", what_happened="vendor was late",
            recommendation="Do better.", impact="NEGATIVE", tags=[], created_at=NOW,
            updated_at=NOW))


async def _newest_deleted_then_insert(engine: AsyncEngine) -> tuple[int, int]:
    await _department(engine, "one")
    newest = await _department(engine, "two")
    async with engine.begin() as conn:
        await conn.execute(sa.delete(DEPARTMENT).where(DEPARTMENT.c.id == newest))
    return newest, await _department(engine, "three")


async def test_the_newest_rows_id_is_not_given_again(empty_db_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, empty_db_url)
    engine = create_engine(empty_db_url)
    try:
        deleted, next_id = await _newest_deleted_then_insert(engine)
        assert next_id > deleted
    finally:
        await engine.dispose()


async def test_databases_made_before_keep_their_rows_and_stop_reusing_ids(
        empty_db_url: str) -> None:
    # given a database at revision 0003 with rows, among them a lesson in the full-text index
    await asyncio.to_thread(migrate.upgrade, empty_db_url, "0003_milestone_planned_percent")
    engine = create_engine(empty_db_url)
    try:
        kept = await _department(engine, "kept")
        await _lesson(engine, "Vendor lesson")
        # when it is upgraded
        await asyncio.to_thread(migrate.upgrade, empty_db_url)
        async with engine.connect() as conn:
            # then the rows are there with their ids, every foreign key still holds,
            assert (await conn.execute(sa.select(DEPARTMENT.c.id, DEPARTMENT.c.code))).all() \
                == [(kept, "kept")]
            if engine.dialect.name == "sqlite":
                assert (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all() == []
                # every table with an id, including those later migrations rebuilt
                tables = dict((await conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
                plain = sorted(name for name, table in metadata.tables.items()
                               if [c.name for c in table.primary_key.columns] == ["id"]
                               and name in tables and "AUTOINCREMENT" not in tables[name])
                assert plain == []
            # the full-text index still finds the old lesson and indexes new ones
            words = full_text.words("vendor")
            await _lesson(engine, "Another vendor lesson")
            found = (await conn.execute(sa.select(LESSON.c.title).where(
                full_text.matches(LESSON.c.id, words)).order_by(LESSON.c.id))).scalars().all()
        assert found == ["Vendor lesson", "Another vendor lesson"]
        # and ids are no longer reused
        deleted, next_id = await _newest_deleted_then_insert(engine)
        assert next_id > deleted
        # and the migration unwinds
        await asyncio.to_thread(migrate.downgrade, empty_db_url, "0003_milestone_planned_percent")
        await asyncio.to_thread(migrate.upgrade, empty_db_url)
    finally:
        await engine.dispose()


def test_every_table_with_an_id_is_declared_autoincrement_on_sqlite() -> None:
    tables = [t for t in metadata.tables.values()
              if [c.name for c in t.primary_key.columns] == ["id"]]
    assert tables
    assert all(t.dialect_kwargs.get("sqlite_autoincrement") for t in tables)
