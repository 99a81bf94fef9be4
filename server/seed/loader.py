"""Seeding a database: refuse a populated one, then generate and bulk-insert in one transaction."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from server.domain.auth.passwords import hash_password
from server.domain.auth.roles import subject
from server.domain.base import utcnow
from server.domain.models import metadata
from server.seed.context import TABLE_ORDER, Existing, Row, SeedContext
from server.seed.organisation import build_organisation
from server.seed.projects import ProjectGenerator
from server.seed_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

Progress = Callable[[str, int, int], None]

CHUNK_ROWS = 5_000
# Projects generated between two flushes: bounds memory at large scales.
PROJECT_BATCH = 250
# Unique text columns a forced seed must not collide with.
UNIQUE_TEXT = {
    "department": "code", "person": "email", "strategic_objective": "code", "portfolio": "code",
    "program": "code", "project": "code", "governance_template": "name",
    "document_template": "name",
}
# Reference rows a forced seed reuses by natural key instead of duplicating.
REFERENCE_KEYS = {"project_type": "code", "risk_category": "code", "rag_threshold": "metric",
                  "setting": "key"}


class SeedRefused(Exception):
    """The database already holds data and seeding was not forced."""


@dataclass
class SeedReport:
    """Rows inserted per table, and how long seeding took."""

    counts: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        """Rows inserted across all tables."""
        return sum(self.counts.values())


async def seed_database(
    engine: AsyncEngine,
    *,
    scale: int = 1,
    seed: int = 42,
    force: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> SeedReport:
    """Seed a deterministic PMO: per unit of ``scale``, 40 people, 5 portfolios, 60 projects.

    Dates are relative to ``today``. Raises ``SeedRefused`` if any person or project
    exists, unless ``force`` is set; everything is inserted in one transaction.
    ``progress(stage, done, total)`` hears of stage ``organisation`` (rows inserted)
    and then ``projects`` (projects generated and inserted).
    """
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    started = time.perf_counter()
    notify = progress or _ignore_progress
    counts = dict.fromkeys(TABLE_ORDER, 0)
    async with engine.begin() as conn:
        await _refuse_if_populated(conn, force=force)
        existing = await _read_existing(conn)
        password_hash = None
        if any(email not in existing.demo_people for email, _, _ in DEMO_ACCOUNTS):
            # Argon2 is slow on purpose: hash once, off the event loop, for every demo account.
            password_hash = await asyncio.to_thread(hash_password, DEMO_PASSWORD)
        ctx = SeedContext(seed=seed, today=today or date.today(), existing=existing)
        insert = _Inserter(conn, stamp=utcnow(), counts=counts)

        org = build_organisation(ctx, scale=scale, password_hash=password_hash)
        organisation_rows = sum(len(rows) for rows in ctx.rows.values())
        notify("organisation", 0, organisation_rows)
        await insert.flush(ctx, lambda done: notify("organisation", done, organisation_rows))

        projects = ProjectGenerator(ctx, org, scale=scale)
        notify("projects", 0, projects.total)
        for first in range(0, projects.total, PROJECT_BATCH):
            last = min(first + PROJECT_BATCH, projects.total)
            for index in range(first, last):
                projects.generate(index)
            await insert.flush(ctx)
            notify("projects", last, projects.total)

        if conn.dialect.name == "postgresql":
            await _reset_sequences(conn, [name for name, count in counts.items() if count])
    return SeedReport(counts=counts, seconds=time.perf_counter() - started)


def _ignore_progress(stage: str, done: int, total: int) -> None:
    """Progress sink when the caller passes none."""


async def _refuse_if_populated(conn: AsyncConnection, *, force: bool) -> None:
    people = await _count(conn, "person")
    projects = await _count(conn, "project")
    if (people or projects) and not force:
        raise SeedRefused(
            f"database already holds data ({_plural(people, 'person', 'people')}, "
            f"{_plural(projects, 'project', 'projects')}); use --force to seed anyway"
        )


async def _count(conn: AsyncConnection, table: str) -> int:
    count = await conn.scalar(sa.select(sa.func.count()).select_from(metadata.tables[table]))
    return int(count or 0)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


async def _read_existing(conn: AsyncConnection) -> Existing:
    """Next ids, taken unique values, reusable reference rows and the demo accounts."""
    existing = Existing()
    for name in TABLE_ORDER:
        table = metadata.tables[name]
        highest = await conn.scalar(sa.select(sa.func.max(table.c.id)))
        existing.next_ids[name] = int(highest or 0) + 1
    for name, column in UNIQUE_TEXT.items():
        values = await conn.scalars(sa.select(metadata.tables[name].c[column]))
        existing.taken[name] = set(values.all())
    for name, column in REFERENCE_KEYS.items():
        table = metadata.tables[name]
        rows = await conn.execute(sa.select(table.c[column], table.c.id))
        existing.reference_ids[name] = {
            key.value if isinstance(key, Enum) else key: row_id for key, row_id in rows.all()
        }
    person = metadata.tables["person"]
    demo_emails = [email for email, _, _ in DEMO_ACCOUNTS]
    rows = await conn.execute(
        sa.select(person.c.email, person.c.id).where(person.c.email.in_(demo_emails))
    )
    existing.demo_people = {email: person_id for email, person_id in rows.all()}
    if existing.demo_people:
        rule = metadata.tables["casbin_rule"]
        subjects = [subject(person_id) for person_id in existing.demo_people.values()]
        rows = await conn.execute(
            sa.select(rule.c.v0, rule.c.v1).where(rule.c.ptype == "g", rule.c.v0.in_(subjects))
        )
        existing.role_rules = {(v0, v1) for v0, v1 in rows.all()}
        preference = metadata.tables["notification_preference"]
        rows = await conn.execute(
            sa.select(preference.c.person_id, preference.c.kind, preference.c.channel,
                      preference.c.enabled)
            .where(preference.c.person_id.in_(existing.demo_people.values()))
        )
        existing.preferences = {
            (person_id, kind, getattr(channel, "value", channel)): enabled
            for person_id, kind, channel, enabled in rows.all()
        }
    return existing


class _Inserter:
    """Bulk-inserts queued rows in foreign-key order, in chunks, counting them."""

    def __init__(self, conn: AsyncConnection, *, stamp: datetime, counts: dict[str, int]) -> None:
        self.conn, self.stamp, self.counts = conn, stamp, counts

    async def flush(self, ctx: SeedContext, on_rows: Callable[[int], None] | None = None) -> None:
        """Insert and forget every queued row."""
        done = 0
        for name in TABLE_ORDER:
            rows = ctx.rows.pop(name, [])
            for first in range(0, len(rows), CHUNK_ROWS):
                chunk = rows[first:first + CHUNK_ROWS]
                await self._insert(name, chunk)
                done += len(chunk)
                if on_rows is not None:
                    on_rows(done)
            self.counts[name] += len(rows)
        if ctx.rows:  # a generator wrote to a table missing from TABLE_ORDER
            raise RuntimeError(f"no insert order for tables {sorted(ctx.rows)}")

    async def _insert(self, name: str, rows: list[Row]) -> None:
        table = metadata.tables[name]
        statement = table.insert()
        # Core inserts skip the models' Python-side defaults: one timestamp for the whole run,
        # unless the rows carry their own (comments and notifications happened in the past).
        stamps = {column: self.stamp for column in ("created_at", "updated_at")
                  if column in table.c and column not in rows[0]}
        if stamps:
            statement = statement.values(**stamps)
        await self.conn.execute(statement, rows)


async def _reset_sequences(conn: AsyncConnection, tables: list[str]) -> None:
    """Move each PostgreSQL id sequence past the ids we assigned, so later inserts don't clash."""
    for name in tables:
        await conn.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))"
        ))
