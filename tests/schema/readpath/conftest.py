"""The demo world, seeded once per module and backend, and operations run in-process.

The tests here are plain (synchronous) functions: the property test is a hypothesis test,
and hypothesis drives examples synchronously, so it cannot run inside pytest-asyncio's event
loop. The seeded database therefore lives on an event loop of its own (an ``asyncio.Runner``
kept for the module) and every test runs its coroutines there with ``world.run(...)``. That
also lets one seeding serve every test and example of a module, where the function-scoped
``engine`` fixture would re-seed per test. Each module gets its own database (a SQLite file,
or a PostgreSQL database of its own on the test server), dropped at the end.
"""

from __future__ import annotations

import asyncio
import gc
import json
import warnings
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.enforcer import Authorizer, build_authorizer
from schema.context import Context
from schema.schema import schema
from server.db import create_engine, instrument, session_factory
from server.domain.auth.authn import Identity
from server.domain.auth.viewer import Viewer, load_viewer
from server.domain.models import Person, metadata
from server.seed import seed_database
from tests.conftest import (
    BACKENDS,
    PG_URL,
    _require_postgres,
    create_pg_database,
    drop_pg_database,
)
from tests.schema.readpath.compare import assert_same_answer

T = TypeVar("T")

# The demo accounts of server.seed, one per role.
ROLES = {
    "pmo": "pmo.admin@example.com",
    "pm": "pm.alice@example.com",
    "executive": "exec.carol@example.com",
    "analyst": "bi.reader@example.com",
}

ErrorKey = tuple[str, str, str | None]


class LeakedCancellation(AssertionError):  # noqa: N818 - named for what happened
    """``schema.execute`` raised ``asyncio.CancelledError`` instead of answering."""


@dataclass(frozen=True)
class Outcome:
    """What one execution produced, reduced to what both paths must agree on."""

    data: Any
    errors: list[ErrorKey]  # (message, path as JSON, extensions.code), sorted
    compiled: int  # read_path_stats
    standard: int
    statements: int | None  # SQL statements (only when run with debug=True)

    @property
    def codes(self) -> list[str | None]:
        return [code for _, _, code in self.errors]

    def error_paths(self) -> set[str]:
        return {path for _, path, _ in self.errors}


@dataclass
class SeededWorld:
    """A seeded demo database on one backend, with a viewer per role."""

    backend: str
    url: str
    runner: asyncio.Runner
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    authorizer: Authorizer
    viewers: dict[str, Viewer]

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coroutine)

    def person_id(self, role: str) -> int:
        return self.viewers[role].identity.person_id

    async def execute(self, role: str, query: str, variables: dict[str, Any] | None = None,
                      *, compiled: bool, debug: bool = False,
                      raw_json: bool = False) -> Outcome:
        """Run ``query`` as ``role`` through ``schema.execute`` (no HTTP). ``raw_json`` lets
        PostgreSQL build a compiled list's JSON, as over HTTP; it is decoded here."""
        context = Context(sessions=self.sessions, authorizer=self.authorizer,
                          viewer=self.viewers[role], compiled_reads=compiled, debug=debug,
                          raw_json=raw_json)
        try:
            result = await schema.execute(query, variable_values=variables,
                                          context_value=context)
        except asyncio.CancelledError as exc:  # leaked from inside: fail, don't stop hypothesis
            # The aborted operation leaves resolver coroutines that were never awaited, held by
            # the traceback's frames: let them go now, quietly, not as warnings in later tests.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                exc.__traceback__ = exc.__context__ = exc.__cause__ = None
                del exc
                gc.collect()
            path = "compiled" if compiled else "standard"
            raise LeakedCancellation(  # noqa: B904 - the cause is gone on purpose
                f"schema.execute raised CancelledError ({path} path)")
        errors = sorted(
            (error.message, json.dumps(error.path), (error.extensions or {}).get("code"))
            for error in result.errors or [])
        sql = (result.extensions or {}).get("sql")
        stats = context.read_path_stats
        data = orjson.loads(orjson.dumps(result.data)) if raw_json else result.data
        return Outcome(data, errors, stats.compiled, stats.standard,
                       sql["statements"] if sql else None)

    def both(self, role: str, query: str,
             variables: dict[str, Any] | None = None) -> tuple[Outcome, Outcome]:
        """``query`` as ``role`` on the compiled path, then on the standard path.

        On PostgreSQL the compiled path runs twice, shaping rows in Python and letting
        PostgreSQL build the JSON (as it does over HTTP): both must give the same answer.
        """
        compiled = self.run(self.execute(role, query, variables, compiled=True))
        if self.backend == "postgresql":
            built = self.run(self.execute(role, query, variables, compiled=True, raw_json=True))
            # Same allowance as between the paths: under a propagated null, which errors are
            # reported depends on which sibling failed first (graphql-core's timing).
            assert_same_answer(built, compiled, f"PostgreSQL's JSON against the Python "
                                                f"shaping, for {query}")
        standard = self.run(self.execute(role, query, variables, compiled=False))
        return compiled, standard


async def _database(backend: str, directory: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{directory / 'readpath.db'}"
    return await create_pg_database(PG_URL)


async def _seeded(url: str) -> AsyncEngine:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        await seed_database(engine, scale=1, seed=1)
    except BaseException:
        await engine.dispose()
        raise
    instrument(engine)  # SQL statement counts for operations run with debug=True
    return engine


async def _viewers(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Viewer]:
    viewers = {}
    async with sessions() as session:
        for role, email in ROLES.items():
            person = (await session.exec(  # type: ignore[call-overload]
                sa.select(Person).where(Person.email == email))).scalars().one()
            viewers[role] = await load_viewer(session, Identity(
                person.id, person.email, person.full_name, "jwt"))
    return viewers


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededWorld]:
    """The demo world (``seed_database(scale=1, seed=1)``) on SQLite, then on PostgreSQL."""
    backend = str(request.param)
    if backend == "postgresql":
        _require_postgres()
    # A loop factory: the runner's loop is never made the thread's current event loop, so
    # pytest-asyncio's own loops (other modules' tests) are left alone.
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        url = runner.run(_database(backend, tmp_path_factory.mktemp("readpath")))
        try:
            engine = runner.run(_seeded(url))
            try:
                sessions = session_factory(engine)
                yield SeededWorld(backend, url, runner, engine, sessions,
                                  runner.run(build_authorizer(engine)),
                                  runner.run(_viewers(sessions)))
            finally:
                runner.run(engine.dispose())
        finally:
            if backend == "postgresql":
                runner.run(drop_pg_database(url))
