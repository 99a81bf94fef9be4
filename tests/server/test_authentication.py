"""Every way a bearer token can be wrong is HTTP 401, WWW-Authenticate and UNAUTHENTICATED."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx2
import jwt
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.app import create_app
from server.domain.auth import api_tokens
from server.domain.auth import service as auth_service
from server.domain.auth.models import ApiToken
from server.domain.auth.tokens import mint
from server.domain.enums import Role
from server.domain.organisation.models import Person
from server.settings import DEMO_SECRET_KEY, load_settings

Sessions = async_sessionmaker[AsyncSession]
VIEWER = {"query": "{ viewer { email roles } }"}


@pytest.fixture
async def client(db_url: str) -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture
async def person_id(sessions: Sessions) -> int:
    async with sessions() as s, s.begin():
        person = await auth_service.create_user(s, email="bi@example.com", full_name="BI",
                                                role=Role.ANALYST)
        return person.id  # type: ignore[return-value]


def jwt_for(person_id: int, *, secret: str = DEMO_SECRET_KEY, exp_delta: timedelta,
            **extra: object) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(person_id), "iss": "pmo", "iat": now, "exp": now + exp_delta, **extra}
    return jwt.encode(claims, secret, algorithm="HS256")


async def api_token(sessions: Sessions, name: str) -> str:
    async with sessions() as s, s.begin():
        _row, secret = await api_tokens.create(s, name=name, owner_email="bi@example.com",
                                               expires_at=None)
    return secret


HeaderFactory = Callable[[Sessions, int], Awaitable[str | None]]


async def _missing(s: Sessions, pid: int) -> str | None:
    return None


async def _basic(s: Sessions, pid: int) -> str | None:
    return "Basic YWxpY2U6c2VjcmV0"


async def _empty_bearer(s: Sessions, pid: int) -> str | None:
    return "Bearer "


async def _garbage(s: Sessions, pid: int) -> str | None:
    return "Bearer not.a.jwt"


async def _expired(s: Sessions, pid: int) -> str | None:
    return f"Bearer {jwt_for(pid, exp_delta=timedelta(seconds=-5))}"


async def _tampered(s: Sessions, pid: int) -> str | None:
    token = jwt_for(pid, exp_delta=timedelta(minutes=5))
    head, body, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"Bearer {head}.{body}.{flipped}"


async def _wrong_secret(s: Sessions, pid: int) -> str | None:
    return f"Bearer {jwt_for(pid, secret='x' * 40, exp_delta=timedelta(minutes=5))}"


async def _unsigned(s: Sessions, pid: int) -> str | None:
    claims = {"sub": str(pid), "iss": "pmo", "exp": datetime.now(UTC) + timedelta(minutes=5)}
    return f"Bearer {jwt.encode(claims, key=None, algorithm='none')}"


async def _unknown_person(s: Sessions, pid: int) -> str | None:
    return f"Bearer {jwt_for(pid + 1000, exp_delta=timedelta(minutes=5))}"


async def _inactive_person(s: Sessions, pid: int) -> str | None:
    async with s() as session, session.begin():
        person = await session.get(Person, pid)
        assert person is not None
        person.active = False
    return f"Bearer {mint(pid, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))}"


async def _revoked_api_token(s: Sessions, pid: int) -> str | None:
    secret = await api_token(s, "revoked")
    async with s() as session, session.begin():
        await api_tokens.revoke(session, name="revoked")
    return f"Bearer {secret}"


async def _expired_api_token(s: Sessions, pid: int) -> str | None:
    secret = await api_token(s, "expired")
    async with s() as session, session.begin():
        await session.exec(sa.update(ApiToken).values(  # type: ignore[call-overload]
            expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    return f"Bearer {secret}"


async def _unknown_api_token(s: Sessions, pid: int) -> str | None:
    secret = await api_token(s, "real")
    return f"Bearer {secret[:-4]}XXXX"


FAILURES: dict[str, HeaderFactory] = {
    "missing": _missing, "basic-scheme": _basic, "empty-bearer": _empty_bearer,
    "malformed": _garbage, "expired": _expired, "tampered": _tampered,
    "wrong-secret": _wrong_secret, "alg-none": _unsigned, "unknown-person": _unknown_person,
    "inactive-person": _inactive_person, "revoked-api-token": _revoked_api_token,
    "expired-api-token": _expired_api_token, "unknown-api-token": _unknown_api_token,
}


@pytest.mark.parametrize("case", list(FAILURES))
async def test_bad_credentials_are_401_unauthenticated_without_data(
    client: httpx2.AsyncClient, sessions: Sessions, person_id: int, case: str
) -> None:
    # given a bad Authorization header
    header = await FAILURES[case](sessions, person_id)
    headers = {"Authorization": header} if header is not None else {}
    # when it is used on GraphQL
    response = await client.post("/graphql", json=VIEWER, headers=headers)
    # then: 401, a Bearer challenge, an UNAUTHENTICATED error and no data at all
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    body = response.json()
    assert "data" not in body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("kind", ["jwt", "api-token"])
async def test_good_credentials_reach_graphql(
    client: httpx2.AsyncClient, sessions: Sessions, person_id: int, kind: str
) -> None:
    if kind == "jwt":
        token = mint(person_id, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    else:
        token = await api_token(sessions, "bi-connector")
    response = await client.post("/graphql", json=VIEWER,
                                 headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"email": "bi@example.com",
                                                  "roles": ["analyst"]}}


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/admin/login"])
async def test_unauthenticated_callers_reach_health_checks_and_console_login(
    client: httpx2.AsyncClient, path: str
) -> None:
    assert (await client.get(path)).status_code == 200


async def test_unauthenticated_console_pages_redirect_to_login(client: httpx2.AsyncClient) -> None:
    response = await client.get("/admin/project-type/list")
    assert response.status_code in (302, 303)
    assert response.headers["location"].endswith("/admin/login")
