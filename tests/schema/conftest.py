"""A running app over a small world of people and projects, and a GraphQL helper per role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx2
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import to_global_id
from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.auth.tokens import mint
from server.domain.enums import Role
from server.domain.models import Portfolio, Project
from server.settings import DEMO_SECRET_KEY, load_settings


@dataclass
class World:
    """Who and what the API tests act on; ids are database ids."""

    people: dict[str, int]
    portfolio: int
    alice_project: int
    bob_project: int

    def gid(self, type_name: str, row_id: int) -> str:
        return str(to_global_id(type_name, row_id))


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> World:
    """pmo, two PMs, a sponsoring executive who owns the portfolio, another executive,
    an analyst; Alice's project (sponsored by Carol) and Bob's project."""
    people: dict[str, int] = {}
    async with sessions() as s, s.begin():
        for key, role in [("pmo", Role.PMO), ("alice", Role.PM), ("bob", Role.PM),
                          ("carol", Role.EXECUTIVE), ("dave", Role.EXECUTIVE),
                          ("ana", Role.ANALYST)]:
            person = await auth_service.create_user(
                s, email=f"{key}@example.com", full_name=key.title(), role=role)
            person.cost_rate = Decimal("120.00")
            people[key] = person.id  # type: ignore[assignment]
        portfolio = Portfolio(code="PF-1", name="Growth", owner_id=people["carol"],
                              budget=Decimal("5000000.00"))
        s.add(portfolio)
        await s.flush()
        alice = Project(code="PRJ-0001", name="Alpha", portfolio_id=portfolio.id,
                        manager_id=people["alice"], sponsor_id=people["carol"],
                        budget_at_completion=Decimal("100000.00"))
        bob = Project(code="PRJ-0002", name="Beta", portfolio_id=portfolio.id,
                      manager_id=people["bob"], budget_at_completion=Decimal("200000.00"))
        s.add_all([alice, bob])
        await s.flush()
        return World(people, portfolio.id, alice.id, bob.id)  # type: ignore[arg-type]


class Api:
    """POST GraphQL operations as a given person."""

    def __init__(self, client: httpx2.AsyncClient, world: World) -> None:
        self.client = client
        self.world = world

    def token(self, who: str) -> str:
        return mint(self.world.people[who], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))

    async def __call__(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token(who)}"})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
async def client(db_url: str) -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture
def api(client: httpx2.AsyncClient, world: World) -> Api:
    return Api(client, world)


def codes(result: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of every error in a response."""
    return [e.get("extensions", {}).get("code") for e in result.get("errors", [])]
