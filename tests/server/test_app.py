"""The HTTP surface: health checks, GraphQL and the console's login page."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx2
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.auth.tokens import mint
from server.domain.enums import Role
from server.graphql_app import GRAPHIQL_ASSETS
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.server.console import sign_in

DOWN_DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"


async def client_for(app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
async def client(db_url: str) -> AsyncIterator[httpx2.AsyncClient]:
    async for c in client_for(create_app(load_settings(database_url=db_url))):
        yield c


@pytest.fixture
async def down_client() -> AsyncIterator[httpx2.AsyncClient]:
    async for c in client_for(create_app(load_settings(database_url=DOWN_DATABASE))):
        yield c


async def test_healthz_answers_without_the_database(down_client: httpx2.AsyncClient) -> None:
    response = await down_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_a_reachable_database(client: httpx2.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_readyz_is_503_with_a_reason_when_the_database_is_down(
    down_client: httpx2.AsyncClient,
) -> None:
    response = await down_client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "refused" in body["reason"].lower() or "connect" in body["reason"].lower()


async def test_graphql_answers_typename_for_an_authenticated_caller(
    client: httpx2.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as s, s.begin():
        person = await auth_service.create_user(s, email="ana@example.com", full_name="Ana",
                                                role=Role.ANALYST)
    token = mint(person.id, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))  # type: ignore[arg-type]
    response = await client.post("/graphql", json={"query": "{ __typename apiVersion }"},
                                 headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query", "apiVersion": "0.1.0"}


async def test_graphql_without_a_token_is_401_with_no_data(client: httpx2.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_graphiql_is_served_in_development_from_the_app_itself(
    client: httpx2.AsyncClient,
) -> None:
    # given the page a browser gets
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "Bearer" in response.text and "pmo token" in response.text
    # then it loads nothing from elsewhere: every script and stylesheet is one of ours
    assets = [a for a in re.findall(r'(?:src|href)="([^"]+)"', response.text)
              if not a.startswith("data:")]
    assert len(assets) == 8
    assert all(a.startswith("graphiql/") for a in assets)
    for asset in assets:
        served = await client.get(f"/{asset}")
        assert served.status_code == 200, asset
        assert served.content
    # and its CSP allows only the app's own scripts and connections, and no framing
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unpkg" not in csp


def test_the_vendored_graphiql_is_the_pinned_build() -> None:
    pinned = GRAPHIQL_ASSETS / "PINNED"
    rows = [line.split() for line in pinned.read_text().splitlines()
            if line and not line.startswith("#")]
    assert {row[1].rsplit("@", 1)[0] for row in rows} == {
        "react", "react-dom", "graphiql", "@graphiql/plugin-explorer"}
    for file, _package, _path, sri in rows:
        digest = hashlib.sha384((GRAPHIQL_ASSETS / file).read_bytes()).digest()
        assert f"sha384-{base64.b64encode(digest).decode()}" == sri, file


async def test_console_redirects_to_its_login_page(client: httpx2.AsyncClient) -> None:
    response = await client.get("/admin/")
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"].endswith("/admin/login")
    login = await client.get("/admin/login")
    assert login.status_code == 200
    assert 'name="password"' in login.text


@pytest.mark.parametrize(
    ("role", "password", "admitted"),
    [(Role.PMO, "correct-horse", True), (Role.PMO, "wrong-horse!", False),
     (Role.PM, "correct-horse", False)],
)
async def test_console_login_admits_only_pmo_people_with_the_right_password(
    client: httpx2.AsyncClient, sessions: async_sessionmaker[AsyncSession], role: Role,
    password: str, admitted: bool,
) -> None:
    # given a person with a console password
    async with sessions() as s, s.begin():
        await auth_service.create_user(s, email="admin@example.com", full_name="Ada Admin",
                                       role=role, password="correct-horse")
    # when they log in
    response = await sign_in(client, "Admin@Example.com", password)
    # then only a PMO person with the right password reaches the console
    follow = await client.get("/admin/")
    assert (follow.status_code == 200) is admitted
    assert (response.status_code in (302, 303)) is admitted
