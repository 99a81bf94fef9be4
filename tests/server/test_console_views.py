"""Every console page, as a whole: behind the PMO sign-in, reachable once signed in, with no
system field in any form; and the document preview renders as renderDocument does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from admin.views import ALL_VIEWS
from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.enums import DocumentKind, Role
from server.domain.models import DocumentTemplate, Portfolio, Project
from server.settings import load_settings
from tests.server.console import sign_in

Sessions = async_sessionmaker[AsyncSession]
IDENTITIES = [view.identity for view in ALL_VIEWS]


@pytest.fixture
async def anonymous(db_url: str, sessions: Sessions) -> AsyncIterator[httpx2.AsyncClient]:
    async with sessions() as s, s.begin():
        ada = await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                             role=Role.PMO, password="correct-horse")
        portfolio = Portfolio(code="PF", name="Growth", owner_id=ada.id)  # type: ignore[arg-type]
        s.add(portfolio)
        await s.flush()
        s.add_all([Project(code="P-1", name="Alpha", portfolio_id=portfolio.id,  # type: ignore[arg-type]
                           manager_id=ada.id),  # type: ignore[arg-type]
                   DocumentTemplate(name="Charter", kind=DocumentKind.CHARTER,
                                    body="# {{project.name}}\n\nManager: {{project.manager}}")])
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.mark.parametrize("identity", IDENTITIES)
async def test_every_view_is_behind_the_sign_in(anonymous: httpx2.AsyncClient,
                                                identity: str) -> None:
    for url in (f"/admin/{identity}/list", f"/admin/{identity}/create"):
        response = await anonymous.get(url)
        assert response.status_code == 302 and response.headers["location"].endswith(
            "/admin/login"), url


async def test_every_view_lists_and_its_forms_hold_no_system_field(
    anonymous: httpx2.AsyncClient,
) -> None:
    await sign_in(anonymous, "ada@example.com", "correct-horse")
    for identity in IDENTITIES:
        listing = await anonymous.get(f"/admin/{identity}/list")
        assert listing.status_code == 200, identity
        form = await anonymous.get(f"/admin/{identity}/create")
        if form.status_code == 200:
            for system in ('name="created_at"', 'name="updated_at"', 'name="version"',
                           'name="password_hash"', 'name="token_hash"', 'name="secret"'):
                assert system not in form.text, (identity, system)
    for page in ("/admin/", "/admin/governance-editor", "/admin/dashboard-rows?what=risks"):
        assert (await anonymous.get(page)).status_code == 200, page


async def test_a_document_template_is_previewed_against_a_project(
    anonymous: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    await sign_in(anonymous, "ada@example.com", "correct-horse")
    async with sessions() as s:
        template = (await s.exec(sa.select(DocumentTemplate))).scalars().one()  # type: ignore[call-overload]
        project = (await s.exec(sa.select(Project))).scalars().one()  # type: ignore[call-overload]
    details = await anonymous.get(f"/admin/document-template/details/{template.id}")
    assert f"document-preview?template={template.id}" in details.text
    page = await anonymous.get(f"/admin/document-preview?template={template.id}"
                               f"&project={project.id}")
    assert page.status_code == 200
    assert '<pre id="rendered"' in page.text
    assert "# Alpha\n\nManager: Ada</pre>" in page.text

