"""Migrations build exactly the schema the models describe, and unwind cleanly."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server import migrate
from server.db import create_engine
from server.domain.knowledge import full_text
from server.domain.models import metadata


def _diff(connection: sa.Connection) -> list[Any]:
    # The options of server/migrations/env.py that decide what autogenerate compares.
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True,
                          "include_name": full_text.include_name}
    )
    return compare_metadata(context, metadata)


def _tables(connection: sa.Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


async def test_upgrade_from_empty_matches_models_and_downgrade_to_base(empty_db_url: str) -> None:
    # given an empty database, when it is upgraded to the latest migration
    await asyncio.to_thread(migrate.upgrade, empty_db_url)
    engine = create_engine(empty_db_url)
    try:
        async with engine.connect() as conn:
            # then autogenerate finds nothing to change
            assert await conn.run_sync(_diff) == []
            assert set(metadata.tables) <= await conn.run_sync(_tables)
        assert "(head)" in await asyncio.to_thread(migrate.current, empty_db_url)

        # when downgraded to base, then only Alembic's bookkeeping table remains
        await asyncio.to_thread(migrate.downgrade, empty_db_url, "base")
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) <= {"alembic_version"}
        assert await asyncio.to_thread(migrate.current, empty_db_url) == ""

        # and upgrading again works (the downgrade left nothing behind)
        await asyncio.to_thread(migrate.upgrade, empty_db_url)
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
    finally:
        await engine.dispose()


def _check_names(connection: sa.Connection) -> dict[str, set[str]]:
    inspector = sa.inspect(connection)
    return {table: {c["name"] for c in inspector.get_check_constraints(table)}
            for table in metadata.tables}


async def test_upgrade_creates_every_named_check_constraint_of_the_models(
    empty_db_url: str,
) -> None:
    # Autogenerate does not compare CHECK constraints, so a migration could miss one unseen.
    # given the models' CHECK constraints by table
    expected = {name: {str(c.name) for c in table.constraints
                       if isinstance(c, sa.CheckConstraint)}
                for name, table in metadata.tables.items()}
    engine = create_engine(empty_db_url)
    try:
        # when the database is built by the migrations
        await asyncio.to_thread(migrate.upgrade, empty_db_url)
        async with engine.connect() as conn:
            # then it holds exactly those, table by table
            assert await conn.run_sync(_check_names) == expected
    finally:
        await engine.dispose()
