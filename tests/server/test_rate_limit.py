"""Budgets over time (server/rate_limit.py): each caller's GraphQL cost, failed
authentications per client address, failed console logins per account and address; and
password hashing that never holds up other requests."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx2
import pytest
from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.db import create_engine
from server.domain.auth import service as auth_service
from server.domain.auth.tokens import mint
from server.domain.enums import Role
from server.rate_limit import Budgets, PostgresStorage, storage_for
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.conftest import IN_CI, PG_URL, _require_postgres, free_port, fresh_pg_database
from tests.server.console import sign_in
from tests.server.test_production_surface import serve as client_for

Sessions = async_sessionmaker[AsyncSession]
QUERY = "{ projects(first: 3) { nodes { code } } }"
COST = 1 + 3 * 2


@pytest.fixture
async def people(sessions: Sessions) -> dict[str, int]:
    async with sessions() as s, s.begin():
        ada = await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                             role=Role.PMO, password="correct-horse")
        bo = await auth_service.create_user(s, email="bo@example.com", full_name="Bo",
                                            role=Role.PM, password="battery-staple")
        return {"ada": ada.id, "bo": bo.id}  # type: ignore[dict-item]


@pytest.fixture
async def limited(db_url: str) -> AsyncIterator[httpx2.AsyncClient]:
    async for client in client_for(db_url, cost_per_minute=COST * 3,
                                   failures_per_minute_per_address=3,
                                   failures_per_minute_per_account=2):
        yield client


def bearer(person_id: int) -> dict[str, str]:
    return {"Authorization": "Bearer " + mint(person_id, secret=DEMO_SECRET_KEY,
                                              ttl=timedelta(minutes=5))}


async def test_a_caller_past_its_cost_budget_gets_429_with_retry_after(
    limited: httpx2.AsyncClient, people: dict[str, int],
) -> None:
    remaining = []
    for _ in range(3):
        answer = await limited.post("/graphql", json={"query": QUERY},
                                    headers=bearer(people["ada"]))
        assert answer.status_code == 200
        remaining.append(answer.json()["extensions"]["cost"]["remaining"])
    assert remaining == [COST * 2, COST, 0]
    refused = await limited.post("/graphql", json={"query": QUERY},
                                 headers=bearer(people["ada"]))
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    [error] = refused.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": wait, "cost": COST}
    assert refused.json().get("data") is None
    # the budget is the caller's: another person is served
    other = await limited.post("/graphql", json={"query": QUERY}, headers=bearer(people["bo"]))
    assert other.status_code == 200 and "errors" not in other.json()


REDIS_URL = os.environ.get("PMO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(params=["memory", "postgresql", "redis"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    """Each place budgets can live: a process's memory (SQLite), the database (PostgreSQL),
    Redis (PMO_REDIS_URL)."""
    kind = request.param
    if kind == "memory":
        yield MemoryStorage()
        return
    if kind == "redis" and not await _redis_answers():
        if IN_CI:
            pytest.fail(f"CI=true but Redis does not answer at {REDIS_URL}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    if kind == "postgresql" and not PG_URL:
        _require_postgres()
    engine = create_engine(await fresh_pg_database(PG_URL) if kind == "postgresql"
                           else f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    budgets = Budgets(per_caller=0, per_address=0, per_account=0, storage=storage_for(
        load_settings(redis_url=REDIS_URL if kind == "redis" else None), engine))
    assert isinstance(budgets.storage, PostgresStorage) == (kind == "postgresql")
    try:
        yield budgets.storage
    finally:
        await budgets.aclose()
        await engine.dispose()


async def _redis_answers() -> bool:
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(REDIS_URL)
    try:
        return bool(await client.ping())
    except OSError:
        return False
    finally:
        await client.aclose()


async def test_the_budget_refills_as_the_window_slides(storage: Storage) -> None:
    window = 2
    budgets = Budgets(per_caller=10, per_address=0, per_account=0, window_seconds=window,
                      storage=storage)
    key = uuid.uuid4().hex
    # From the start of a window, so that what follows happens within it (past a window's
    # end the count is weighted down, and would let one more through).
    await asyncio.sleep(window - time.time() % window + 0.01)
    assert await budgets.spend("caller", key, 6) is None
    assert await budgets.remaining("caller", key) == 4
    assert await budgets.spend("caller", key, 4) is None
    assert await budgets.spend("caller", key, 1) is not None  # spent
    assert await budgets.exhausted("caller", key) is not None
    assert await budgets.spend("caller", "someone else", 10) is None  # a budget per key
    await asyncio.sleep(2 * window + 0.1)  # two windows later the whole budget is back
    assert await budgets.exhausted("caller", key) is None
    assert await budgets.spend("caller", key, 10) is None
    # no budget at all: nothing is ever refused
    unlimited = Budgets(per_caller=0, per_address=0, per_account=0, storage=storage)
    assert await unlimited.spend("caller", key, 10**9) is None


async def test_concurrent_spends_never_overspend(storage: Storage) -> None:
    budgets = Budgets(per_caller=20, per_address=0, per_account=0, storage=storage)
    key = uuid.uuid4().hex
    refusals = await asyncio.gather(*(budgets.spend("caller", key, 1) for _ in range(50)))
    assert sum(wait is None for wait in refusals) == 20
    assert await budgets.remaining("caller", key) == 0


async def test_budgets_live_in_the_database_on_postgresql_only(
        backend: str, engine: AsyncEngine) -> None:
    # what decides where they live: two instances on one PostgreSQL share them
    found = storage_for(load_settings(), engine)
    assert isinstance(found, PostgresStorage if backend == "postgresql" else MemoryStorage)


async def test_failed_authentications_from_one_address_are_refused_before_checking(
    limited: httpx2.AsyncClient, people: dict[str, int],
) -> None:
    for _ in range(3):
        answer = await limited.post("/graphql", json={"query": "{ apiVersion }"},
                                    headers={"Authorization": "Bearer not-a-token"})
        assert answer.status_code == 401
    refused = await limited.post("/graphql", json={"query": "{ apiVersion }"},
                                 headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["Retry-After"]) >= 1
    # an API token is not even looked up now
    guessed = await limited.post("/graphql", json={"query": "{ apiVersion }"},
                                 headers={"Authorization": "Bearer pmo_guessed"})
    assert guessed.status_code == 429
    # but somebody with a valid signed token behind the same address keeps working
    valid = await limited.post("/graphql", json={"query": "{ apiVersion }"},
                               headers=bearer(people["bo"]))
    assert valid.status_code == 200


async def test_a_console_login_flood_does_not_lock_the_api(
    limited: httpx2.AsyncClient, people: dict[str, int],
) -> None:
    for i in range(5):
        assert not await login(limited, f"x{i}@example.com", "wrong")
    answer = await limited.post("/graphql", json={"query": "{ apiVersion }"},
                                headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 401  # its own budget, untouched by the console's


async def login(client: httpx2.AsyncClient, email: str, password: str) -> bool:
    response = await sign_in(client, email, password)
    return response.status_code in (302, 303)


async def test_console_logins_are_throttled_per_account(
    limited: httpx2.AsyncClient, people: dict[str, int],
) -> None:
    assert not await login(limited, "ada@example.com", "wrong")
    assert not await login(limited, "ada@example.com", "wrong again")
    # two failures for this account: even the right password waits now, told how long
    assert not await login(limited, "ada@example.com", "correct-horse")
    throttled = await sign_in(limited, "ada@example.com", "correct-horse")
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert "try again" in throttled.text


async def test_console_logins_are_throttled_per_address(
    db_url: str, people: dict[str, int],
) -> None:
    async for client in client_for(db_url, failures_per_minute_per_address=2):
        assert not await login(client, "nobody@example.com", "x")
        assert not await login(client, "someone@example.com", "x")
        assert not await login(client, "ada@example.com", "correct-horse")


async def test_a_correct_console_login_still_works(
    limited: httpx2.AsyncClient, people: dict[str, int],
) -> None:
    assert await login(limited, "ada@example.com", "correct-horse")


async def test_api_requests_complete_while_console_passwords_are_hashed(
    db_url: str, people: dict[str, int],
) -> None:
    async for client in client_for(db_url, failures_per_minute_per_address=0,
                                   failures_per_minute_per_account=0):
        logins = [asyncio.ensure_future(login(client, f"x{i}@example.com", "wrong"))
                  for i in range(8)]
        await asyncio.sleep(0)
        answer = await client.post("/graphql", json={"query": "{ apiVersion }"},
                                   headers=bearer(people["bo"]))
        assert answer.status_code == 200
        # the API answered while the hashing of the wrong passwords was still going on
        assert not all(task.done() for task in logins)
        assert not any(await asyncio.gather(*logins))


async def test_budgets_in_an_unreachable_redis_answer_503_quickly(
    db_url: str, people: dict[str, int],
) -> None:
    # nothing listens on this port: every request's charge fails to reach Redis
    dead = f"redis://127.0.0.1:{free_port()}/0"
    async for client in client_for(db_url, redis_url=dead, db_connect_timeout=1):
        started = time.monotonic()
        answer = await client.post("/graphql", json={"query": QUERY},
                                   headers=bearer(people["ada"]))
        assert time.monotonic() - started < 5
        assert answer.status_code == 503
        assert answer.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert answer.headers["Retry-After"]


async def test_the_database_storage_serves_limits_other_strategies_too(
        storage: Storage) -> None:
    # PostgresStorage implements all of limits' Storage: a fixed window counts the same way
    item = RateLimitItemPerSecond(3, 60)
    limiter = FixedWindowRateLimiter(storage)
    key = uuid.uuid4().hex
    assert [await limiter.hit(item, key) for _ in range(4)] == [True, True, True, False]
    stats = await limiter.get_window_stats(item, key)
    assert stats.remaining == 0 and 0 < stats.reset_time - time.time() <= 61
    await limiter.clear(item, key)
    assert await limiter.hit(item, key)
    assert await storage.check()
