"""Who gets into the console and for how long: server-side sessions that signing out,
deactivation, losing the PMO role and the idle and absolute timeouts end at once; forged
requests (no form token, another origin) refused without a change; a clear page for people
who are not the PMO."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from policies.enforcer import offline_authorizer
from policies.resources import Subject
from server.app import create_app
from server.domain.actor import Actor
from server.domain.auth import service as auth_service
from server.domain.auth.models import ConsoleSignIn
from server.domain.base import utcnow
from server.domain.enums import AuditSource, Role
from server.domain.models import ProjectType
from server.domain.organisation import service as organisation
from server.settings import load_settings
from tests.server.console import delete, form_token, origin, post, sign_in

Sessions = async_sessionmaker[AsyncSession]
PASSWORD = "correct-horse"


@pytest.fixture
async def people(sessions: Sessions) -> dict[str, int]:
    ids = {}
    async with sessions() as s, s.begin():
        for key, role in (("ada", Role.PMO), ("pia", Role.PMO), ("pat", Role.PM)):
            person = await auth_service.create_user(s, email=f"{key}@example.com",
                                                    full_name=key.title(), role=role,
                                                    password=PASSWORD)
            ids[key] = person.id
    return ids  # type: ignore[return-value]


async def _client(db_url: str, **settings: Any) -> AsyncIterator[httpx2.AsyncClient]:
    app = create_app(load_settings(database_url=db_url, **settings))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture
async def client(db_url: str) -> AsyncIterator[httpx2.AsyncClient]:
    async for c in _client(db_url):
        yield c


async def signed_in(client: httpx2.AsyncClient, who: str = "ada") -> httpx2.AsyncClient:
    response = await sign_in(client, f"{who}@example.com", PASSWORD)
    assert response.status_code == 302, response.text
    return client


async def home(client: httpx2.AsyncClient) -> int:
    return (await client.get("/admin/")).status_code


async def sign_ins(sessions: Sessions) -> list[ConsoleSignIn]:
    async with sessions() as s:
        return list((await s.exec(sa.select(ConsoleSignIn))).scalars().all())  # type: ignore[call-overload]


async def project_types(sessions: Sessions) -> list[str]:
    async with sessions() as s:
        return list((await s.exec(sa.select(ProjectType.code))).scalars().all())  # type: ignore[call-overload]


# --- signing in -------------------------------------------------------------------------

async def test_the_sign_in_page_asks_for_an_email(client: httpx2.AsyncClient) -> None:
    page = await client.get("/admin/login")
    assert '<label class="form-label" for="email">Email</label>' in page.text
    assert 'name="csrf_token"' in page.text


async def test_a_pm_with_the_right_password_is_told_the_console_is_for_the_pmo(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions,
) -> None:
    response = await sign_in(client, "pat@example.com", PASSWORD)
    assert response.status_code == 403
    assert "The console is for the PMO" in response.text
    assert await home(client) == 302
    assert await sign_ins(sessions) == []


async def test_a_wrong_password_says_so_without_saying_which(
    client: httpx2.AsyncClient, people: dict[str, int],
) -> None:
    wrong = await sign_in(client, "ada@example.com", "wrong-horse")
    unknown = await sign_in(client, "nobody@example.com", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "The email or the password is wrong." in response.text


async def test_signing_in_without_the_form_token_is_refused(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions,
) -> None:
    response = await client.post("/admin/login", headers=origin(client),
                                 data={"username": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert await sign_ins(sessions) == []


async def test_the_cookie_is_http_only_and_same_site_and_holds_no_person(
    client: httpx2.AsyncClient, people: dict[str, int],
) -> None:
    response = await sign_in(client, "ada@example.com", PASSWORD)
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("pmo_console=") and "httponly" in cookie
    assert "samesite=strict" in cookie and "secure" not in cookie  # plain http here


async def test_in_production_the_cookie_is_secure(db_url: str, people: dict[str, int]) -> None:
    async for client in _client(db_url, env="production", secret_key="s" * 40):
        response = await sign_in(client, "ada@example.com", PASSWORD)
        assert "secure" in response.headers["set-cookie"].lower()


# --- ending a session -------------------------------------------------------------------

async def test_signing_out_makes_the_old_cookie_worthless(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions,
) -> None:
    await signed_in(client)
    kept = dict(client.cookies)
    assert await home(client) == 200
    await client.get("/admin/logout")
    # when the cookie from before signing out is sent again
    client.cookies.clear()
    client.cookies.update(kept)
    assert await home(client) == 302
    assert await sign_ins(sessions) == []


@pytest.mark.parametrize("change", ["deactivate", "take_pmo_role"])
async def test_deactivating_or_taking_the_role_ends_the_session_at_once(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions, change: str,
) -> None:
    await signed_in(client, "pia")
    assert await home(client) == 200
    actor = Actor(Subject(people["ada"], frozenset({"pmo"})),
                  offline_authorizer([(people["ada"], "pmo")]), AuditSource.GRAPHQL)
    async with sessions() as s, s.begin():
        if change == "deactivate":
            await organisation.update_person(s, actor=actor, person_id=people["pia"],
                                             changes={"active": False})
        else:
            await organisation.assign_roles(s, actor=actor, person_id=people["pia"],
                                            role_names=[Role.PM])
    assert await sign_ins(sessions) == []
    assert await home(client) == 302


@pytest.mark.parametrize(("column", "age"), [("last_seen_at", timedelta(minutes=31)),
                                             ("created_at", timedelta(hours=12, minutes=1))])
async def test_an_idle_or_old_session_ends(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions, column: str,
    age: timedelta,
) -> None:
    await signed_in(client)
    async with sessions() as s, s.begin():
        [row] = (await s.exec(sa.select(ConsoleSignIn))).scalars().all()  # type: ignore[call-overload]
        setattr(row, column, utcnow() - age)
        if column == "created_at":
            row.last_seen_at = utcnow()
    assert await home(client) == 302
    assert await sign_ins(sessions) == []


async def test_a_request_moves_the_idle_clock(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions,
) -> None:
    await signed_in(client)
    async with sessions() as s, s.begin():
        [row] = (await s.exec(sa.select(ConsoleSignIn))).scalars().all()  # type: ignore[call-overload]
        row.last_seen_at = utcnow() - timedelta(minutes=29)
    assert await home(client) == 200
    [row] = await sign_ins(sessions)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)


# --- forged requests --------------------------------------------------------------------

NEW_TYPE = {"code": "INFRA", "name": "Infrastructure", "active": "y"}


async def test_a_post_with_the_token_from_the_console_page_works(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions,
) -> None:
    await signed_in(client)
    response = await post(client, "/admin/project-type/create", NEW_TYPE)
    assert response.status_code == 302
    assert await project_types(sessions) == ["INFRA"]


@pytest.mark.parametrize("forgery", ["no token", "wrong token", "other origin", "no origin",
                                     "other referer", "token from before signing in"])
async def test_a_forged_post_changes_nothing(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions, forgery: str,
) -> None:
    stale = await form_token(client)
    await signed_in(client)
    token = await form_token(client, "/admin/")
    headers, data = origin(client), {**NEW_TYPE, "csrf_token": token}
    if forgery == "no token":
        del data["csrf_token"]
    elif forgery == "wrong token":
        data["csrf_token"] = token[::-1]
    elif forgery == "other origin":
        headers = {"Origin": "https://evil.example.com"}
    elif forgery == "no origin":
        headers = {}
    elif forgery == "other referer":
        headers = {"Referer": "http://testserver.evil.example.com/admin/"}
    else:
        data["csrf_token"] = stale
    response = await client.post("/admin/project-type/create", headers=headers, data=data)
    assert response.status_code == 403
    assert "Refused" in response.text
    assert await project_types(sessions) == []


async def test_a_same_origin_referer_stands_in_for_a_missing_origin(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions,
) -> None:
    await signed_in(client)
    token = await form_token(client, "/admin/")
    response = await client.post("/admin/project-type/create",
                                 headers={"Referer": "http://testserver/admin/project-type/create"},
                                 data={**NEW_TYPE, "csrf_token": token})
    assert response.status_code == 302


async def test_a_forged_delete_deletes_nothing(
    client: httpx2.AsyncClient, people: dict[str, int], sessions: Sessions,
) -> None:
    await signed_in(client)
    await post(client, "/admin/project-type/create", NEW_TYPE)
    async with sessions() as s:
        type_id = (await s.exec(sa.select(ProjectType.id))).scalar_one()  # type: ignore[call-overload]
    forged = await client.delete(f"/admin/project-type/delete?pks={type_id}",
                                 headers=origin(client))
    assert forged.status_code == 403
    assert await project_types(sessions) == ["INFRA"]
    done = await delete(client, f"/admin/project-type/delete?pks={type_id}")
    assert done.status_code == 200
    assert await project_types(sessions) == []


async def test_an_unknown_email_costs_the_same_hashing_as_a_known_one(
    client: httpx2.AsyncClient, people: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from server.domain.auth import passwords
    hasher = passwords._hasher()  # noqa: SLF001 - counting its work
    calls: list[str] = []
    real = type(hasher).verify

    def counted(self: Any, password: str, password_hash: str) -> bool:
        calls.append(password_hash)
        return bool(real(self, password, password_hash))
    monkeypatch.setattr(type(hasher), "verify", counted)
    await sign_in(client, "nobody@example.com", "wrong-horse")
    await sign_in(client, "ada@example.com", "wrong-horse")
    assert len(calls) == 2 and all(h.startswith("$argon2") for h in calls)
