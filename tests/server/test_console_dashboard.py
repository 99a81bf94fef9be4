"""The console's home is the PMO's dashboard: projects by health per portfolio, the open-risk
heat map, people over-allocated in the next 8 weeks, decisions waiting with their age and
status reports overdue, each number a link to the rows behind it; charts are SVG."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx2
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.base import utcnow
from server.domain.enums import ChangeRequestStatus, GateStatus, ProjectStatus, Rag, Role
from server.domain.models import (
    Allocation,
    ChangeRequest,
    Portfolio,
    Project,
    ProjectGate,
    Risk,
    StatusReport,
)
from server.settings import load_settings
from tests.server.console import sign_in

Sessions = async_sessionmaker[AsyncSession]
RAGS = ("overall", "schedule", "cost", "scope", "risk")


@pytest.fixture
async def console(db_url: str, sessions: Sessions) -> AsyncIterator[httpx2.AsyncClient]:
    today = utcnow().date()
    monday = today - timedelta(days=today.weekday())
    async with sessions() as s, s.begin():
        ada = await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                             role=Role.PMO, password="correct-horse")
        bob = await auth_service.create_user(s, email="bob@example.com", full_name="Bob Busy",
                                             role=Role.PM)
        portfolio = Portfolio(code="PF-1", name="Growth", owner_id=ada.id)  # type: ignore[arg-type]
        s.add(portfolio)
        await s.flush()
        projects = [Project(code=f"P-{n}", name=f"Project {n}", portfolio_id=portfolio.id,  # type: ignore[arg-type]
                            manager_id=bob.id, status=ProjectStatus.ACTIVE,  # type: ignore[arg-type]
                            health_override=health)
                    for n, health in enumerate([Rag.RED, Rag.RED, Rag.GREEN, None], start=1)]
        closed = Project(code="P-9", name="Done", portfolio_id=portfolio.id,  # type: ignore[arg-type]
                         manager_id=bob.id, status=ProjectStatus.COMPLETED,  # type: ignore[arg-type]
                         health_override=Rag.RED)
        s.add_all([*projects, closed])
        await s.flush()
        p1, p2, p3, _p4 = (p.id for p in projects)
        s.add_all([
            Risk(project_id=p1, title="Vendor late", probability=4, impact=5),
            Risk(project_id=p2, title="Key person leaves", probability=4, impact=5),
            Risk(project_id=p2, title="Scope creep", probability=2, impact=3),
            ProjectGate(project_id=p1, sequence=1, name="Plan approval",
                        approver_role="executive", status=GateStatus.SUBMITTED,
                        submitted_at=utcnow() - timedelta(days=12)),
            ChangeRequest(project_id=p2, title="Add a region",
                          status=ChangeRequestStatus.SUBMITTED),
            Allocation(person_id=bob.id, project_id=p1, role_name="Lead",  # type: ignore[arg-type]
                       start_date=monday, end_date=monday + timedelta(days=13), percent=80),
            Allocation(person_id=bob.id, project_id=p2, role_name="Lead",  # type: ignore[arg-type]
                       start_date=monday + timedelta(days=7), end_date=monday + timedelta(days=13),
                       percent=50),
            StatusReport(project_id=p3, period_end=today - timedelta(days=2), summary="Fine",
                         **dict.fromkeys(RAGS, Rag.GREEN)),
            StatusReport(project_id=p1, period_end=today - timedelta(days=30), summary="Late",
                         **dict.fromkeys(RAGS, Rag.RED)),
        ])
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await sign_in(c, "ada@example.com", "correct-horse")).status_code == 302
            yield c


def text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def links(page: str) -> dict[str, str]:
    """Each drill-down link's query, by the number it carries."""
    found = {}
    for href, label in re.findall(r'<a href="([^"]*dashboard-rows[^"]*)">(.*?)</a>', page, re.S):
        found[html.unescape(href).split("?", 1)[1]] = text(label).strip()
    return found


async def drill(client: httpx2.AsyncClient, query: str) -> list[str]:
    page = await client.get(f"/admin/dashboard-rows?{query}")
    assert page.status_code == 200
    return [text(row).strip() for row in re.findall(r"<tr>(.*?)</tr>",
                                                    page.text.split('id="drill"')[1], re.S)][1:]


async def test_the_home_page_is_the_dashboard(console: httpx2.AsyncClient) -> None:
    page = await console.get("/admin/")
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page.text
    words = text(page.text)
    # open projects by health (the completed one is not on the board)
    assert "PF-1 Growth" in words
    found = links(page.text)
    portfolio = next(q for q in found if "health=RED" in q).split("portfolio=")[1].split("&")[0]
    assert found[f"what=projects&portfolio={portfolio}&health=RED"].startswith("2")
    assert found[f"what=projects&portfolio={portfolio}&health=GREEN"].startswith("1")
    assert found[f"what=projects&portfolio={portfolio}&health=UNKNOWN"].startswith("1")
    # the heat map: two open risks at probability 4, impact 5
    assert found["what=risks&probability=4&impact=5"].startswith("2")
    assert "Open risks: 3" in words
    # decisions waiting, oldest first, with their age
    assert "Decisions waiting: 2" in words and "Status reports overdue: 3" in words
    assert re.search(r"P-1 Gate: Plan approval 12 days P-2 Change request: Add a region 0 days",
                     words)
    # Bob is at 130 % in the second week
    assert "Over-allocated in the next 8 weeks: 1" in words and "Bob Busy" in words
    assert "130 %" in words
    # overdue: P-2 and P-4 never reported, P-1 reported a month ago; P-3 is on time
    assert "Status reports overdue: 3" in words
    assert re.search(r"P-2 Project 2 Bob Busy never reported P-4 Project 4 Bob Busy never "
                     r"reported P-1 Project 1 Bob Busy \S+ \(30 days ago\)", words)


async def test_every_number_lists_the_rows_behind_it(console: httpx2.AsyncClient) -> None:
    page = await console.get("/admin/")
    found = links(page.text)
    red = next(q for q in found if "health=RED" in q)
    assert await drill(console, red) == ["P-1 Project 1", "P-2 Project 2"]
    assert await drill(console, "what=risks&probability=4&impact=5") == [
        "P-1 Vendor late 4 5 OPEN", "P-2 Key person leaves 4 5 OPEN"]
    # the headline counts list everything behind them, not just the rows shown
    assert {"what=risks", "what=waiting", "what=overdue", "what=over-allocated"} <= set(found)
    assert await drill(console, "what=risks") == [
        "P-1 Vendor late 4 5 OPEN", "P-2 Key person leaves 4 5 OPEN",
        "P-2 Scope creep 2 3 OPEN"]
    assert await drill(console, "what=waiting") == [
        "P-1 Gate: Plan approval 12", "P-2 Change request: Add a region 0"]
    assert [r.split()[0] for r in await drill(console, "what=overdue")] == ["P-2", "P-4", "P-1"]
    assert await drill(console, "what=over-allocated") == ["Bob Busy 1 130 %"]
    person = next(q for q in found if q.startswith("what=person"))
    monday = date.today() - timedelta(days=date.today().weekday())
    assert await drill(console, person) == [f"{monday + timedelta(days=7)} 130 %"]

