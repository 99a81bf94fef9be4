"""The organisation in the console: portfolios, programs and people with their roles and a
console password, through the same services as the API's mutations (audited as ADMIN); role
changes honoured by the API on the person's next request; the password hash never shown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.app import create_app
from server.domain.auth import roles
from server.domain.auth import service as auth_service
from server.domain.auth.tokens import mint
from server.domain.enums import AuditSource, Role
from server.domain.models import AuditEvent, Person, Portfolio, Program
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.server.console import post, sign_in

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def app_client(db_url: str, sessions: Sessions) -> AsyncIterator[httpx2.AsyncClient]:
    async with sessions() as s, s.begin():
        await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                       role=Role.PMO, password="correct-horse")
        await auth_service.create_user(s, email="carl@example.com", full_name="Carl",
                                       role=Role.EXECUTIVE)
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await sign_in(c, "ada@example.com", "correct-horse")).status_code == 302
            yield c


async def person_id(sessions: Sessions, email: str) -> int:
    async with sessions() as s:
        return int((await s.exec(sa.select(Person.id).where(Person.email == email))).scalar_one())  # type: ignore[call-overload]


async def api_roles(client: httpx2.AsyncClient, pid: int) -> list[str]:
    token = mint(pid, secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    answer = await client.post("/graphql", json={"query": "{ viewer { roles } }"},
                               headers={"Authorization": f"Bearer {token}"})
    return answer.json()["data"]["viewer"]["roles"]  # type: ignore[no-any-return]


async def test_a_person_created_with_roles_and_a_password_can_work_at_once(
    app_client: httpx2.AsyncClient, sessions: Sessions, db_url: str,
) -> None:
    created = await post(app_client, "/admin/person/create", {
        "email": "Pia@Example.com", "full_name": "Pia", "title": "PMO lead",
        "capacity_hours_per_week": "40", "roles": "pmo", "new_password": "a-long-password!"})
    assert created.status_code == 302, created.text
    pid = await person_id(sessions, "pia@example.com")
    assert await api_roles(app_client, pid) == ["pmo"]
    # the new person signs in to the console with the password given
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await sign_in(c, "pia@example.com", "a-long-password!")).status_code == 302
    # and the hash is shown nowhere
    details = await app_client.get(f"/admin/person/details/{pid}")
    assert "argon2" not in details.text and "Password hash" not in details.text
    async with sessions() as s:
        actions = [e.action for e in (await s.exec(sa.select(AuditEvent).where(  # type: ignore[call-overload]
            AuditEvent.entity_id == pid, AuditEvent.entity_type == "Person"))).scalars()]
    assert sorted(actions) == ["assign_roles", "create", "set_password"]


async def test_changing_roles_in_the_console_is_honoured_by_the_api_next_request(
    app_client: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    carl = await person_id(sessions, "carl@example.com")
    assert await api_roles(app_client, carl) == ["executive"]
    edited = await post(app_client, f"/admin/person/edit/{carl}", {
        "full_name": "Carl", "capacity_hours_per_week": "40", "active": "y",
        "roles": ["executive", "analyst"]})
    assert edited.status_code == 302, edited.text
    assert await api_roles(app_client, carl) == ["analyst", "executive"]
    async with sessions() as s:
        assert await roles.roles_of(s, person_id=carl) == [Role.ANALYST, Role.EXECUTIVE]


async def test_a_short_password_is_refused_next_to_the_field(
    app_client: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    carl = await person_id(sessions, "carl@example.com")
    page = await post(app_client, f"/admin/person/edit/{carl}", {
        "full_name": "Carl Changed", "capacity_hours_per_week": "40", "active": "y",
        "roles": ["executive"], "new_password": "short"})
    assert page.status_code == 400
    assert '<div class="invalid-feedback">At least 12 characters.</div>' in page.text
    async with sessions() as s:
        person = await s.get(Person, carl)
        assert person is not None and person.full_name == "Carl"  # one transaction: nothing


async def test_portfolios_and_programs_are_kept_through_the_services(
    app_client: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    carl = await person_id(sessions, "carl@example.com")
    made = await post(app_client, "/admin/portfolio/create", {
        "code": "PF-9", "name": "Growth", "owner": str(carl), "budget": "1000000"})
    assert made.status_code == 302, made.text
    async with sessions() as s:
        portfolio = (await s.exec(sa.select(Portfolio))).scalars().one()  # type: ignore[call-overload]
    twin = await post(app_client, "/admin/portfolio/create", {
        "code": "PF-9", "name": "Again", "owner": str(carl), "budget": "1"})
    assert twin.status_code == 400 and "already exists" in twin.text
    program = await post(app_client, "/admin/program/create", {
        "portfolio": str(portfolio.id), "code": "PG-1", "name": "Cloud", "manager": str(carl)})
    assert program.status_code == 302, program.text
    async with sessions() as s:
        assert (await s.exec(sa.select(Program.code))).scalars().all() == ["PG-1"]  # type: ignore[call-overload]
        sources = {e.source for e in (await s.exec(sa.select(AuditEvent))).scalars()}  # type: ignore[call-overload]
    assert sources == {AuditSource.ADMIN}


async def test_a_portfolio_shows_the_objectives_its_projects_align_to(
    app_client: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    from decimal import Decimal

    from server.domain.models import Project, ProjectObjective, StrategicObjective
    carl = await person_id(sessions, "carl@example.com")
    async with sessions() as s, s.begin():
        portfolio = Portfolio(code="PF-1", name="Growth", owner_id=carl)
        grow = StrategicObjective(code="GROW", name="Grow revenue", weight=Decimal("2"))
        s.add_all([portfolio, grow])
        await s.flush()
        projects = [Project(code=f"P-{n}", name=f"P{n}", portfolio_id=portfolio.id,  # type: ignore[arg-type]
                            manager_id=carl) for n in (1, 2)]
        s.add_all(projects)
        await s.flush()
        s.add_all([ProjectObjective(project_id=p.id, objective_id=grow.id, alignment_score=score)  # type: ignore[arg-type]
                   for p, score in zip(projects, (3, 4), strict=True)])
        portfolio_id = portfolio.id
    page = await app_client.get(f"/admin/portfolio/details/{portfolio_id}")
    assert 'id="portfolio-objectives"' in page.text
    assert "<td>GROW Grow revenue</td><td>2</td><td>3.5</td>" in page.text
