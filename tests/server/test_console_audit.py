"""Changes made in the console are audited like API changes: who (the logged-in PMO person),
what (create, update, delete with the fields before and after), from where (ADMIN), in the
change's own transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.enums import AuditSource, DocumentKind, Role
from server.domain.models import (
    AuditEvent,
    ChecklistItemTemplate,
    DocumentTemplate,
    GateTemplate,
    GovernanceTemplate,
    ProjectType,
)
from server.settings import load_settings
from tests.server.console import delete, post, sign_in

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def console(db_url: str, sessions: Sessions) -> AsyncIterator[tuple[httpx2.AsyncClient, int]]:
    """A client logged into the console as a PMO person, and that person's id."""
    async with sessions() as s, s.begin():
        admin = await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                               role=Role.PMO, password="correct-horse")
        admin_id = admin.id
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            login = await sign_in(c, "ada@example.com", "correct-horse")
            assert login.status_code in (302, 303)
            yield c, admin_id  # type: ignore[misc]


async def rows(sessions: Sessions, model: type) -> list:  # type: ignore[type-arg]
    async with sessions() as s:
        return list((await s.exec(sa.select(model).order_by(model.id))).scalars().all())  # type: ignore[call-overload, attr-defined]


async def test_create_edit_and_delete_in_the_console_are_audited(
    console: tuple[httpx2.AsyncClient, int], sessions: Sessions,
) -> None:
    client, admin_id = console
    # when a project type is created in the console
    created = await post(client, "/admin/project-type/create", {
        "code": "INFRA", "name": "Infrastructure", "active": "y"})
    assert created.status_code in (302, 303), created.text
    [row] = await rows(sessions, ProjectType)
    # then one audit event says who created what, from the console
    [create] = await rows(sessions, AuditEvent)
    assert (create.action, create.source, create.actor_id, create.entity_type,
            create.entity_id) == ("create", AuditSource.ADMIN, admin_id, "ProjectType", row.id)
    assert create.changes["code"] == {"before": None, "after": "INFRA"}

    # when it is renamed
    edited = await post(client, f"/admin/project-type/edit/{row.id}", {
        "code": "INFRA", "name": "Infrastructure & cloud", "active": "y"})
    assert edited.status_code in (302, 303), edited.text
    # then the audit shows the one field that changed, before and after
    update = (await rows(sessions, AuditEvent))[-1]
    assert (update.action, update.actor_id) == ("update", admin_id)
    assert update.changes == {"name": {"before": "Infrastructure",
                                       "after": "Infrastructure & cloud"}}

    # when it is deleted
    deleted = await delete(client, f"/admin/project-type/delete?pks={row.id}")
    assert deleted.status_code == 200
    assert await rows(sessions, ProjectType) == []
    # then the audit keeps what it held
    removal = (await rows(sessions, AuditEvent))[-1]
    assert (removal.action, removal.entity_id, removal.actor_id) == ("delete", row.id, admin_id)
    assert removal.changes["name"] == {"before": "Infrastructure & cloud", "after": None}


async def test_gates_and_checklists_of_a_governance_template_are_kept_in_the_console(
    console: tuple[httpx2.AsyncClient, int], sessions: Sessions,
) -> None:
    client, admin_id = console
    # given a governance template
    async with sessions() as s, s.begin():
        template = GovernanceTemplate(name="Agile light")
        s.add(template)
        await s.flush()
        template_id = template.id

    # when the PMO adds a gate to it, then a checklist item to the gate, in the console
    gate = await post(client, "/admin/gate-template/create", {
        "governance_template": str(template_id), "sequence": "1", "name": "Kick-off",
        "approver_role": "pmo"})
    assert gate.status_code in (302, 303), gate.text
    [gate_row] = await rows(sessions, GateTemplate)
    item = await post(client, "/admin/checklist-item-template/create", {
        "gate_template": str(gate_row.id), "sequence": "1", "text": "Charter signed",
        "mandatory": "y"})
    assert item.status_code in (302, 303), item.text

    # then both belong where they were put, and the lists show them by name
    [item_row] = await rows(sessions, ChecklistItemTemplate)
    assert (gate_row.governance_template_id, gate_row.name) == (template_id, "Kick-off")
    assert (item_row.gate_template_id, item_row.text, item_row.mandatory) == (
        gate_row.id, "Charter signed", True)
    gates = await client.get("/admin/gate-template/list")
    assert gates.status_code == 200 and "Agile light" in gates.text
    items = await client.get("/admin/checklist-item-template/list")
    assert items.status_code == 200 and "Kick-off" in items.text
    # and both creations are audited as the PMO person's
    audits = [(a.action, a.entity_type, a.actor_id) for a in await rows(sessions, AuditEvent)]
    assert audits == [("create", "GateTemplate", admin_id),
                      ("create", "ChecklistItemTemplate", admin_id)]


async def test_the_document_template_pages_show_the_placeholders(
    console: tuple[httpx2.AsyncClient, int], sessions: Sessions,
) -> None:
    client, _ = console
    async with sessions() as s, s.begin():
        template = DocumentTemplate(name="Charter", kind=DocumentKind.CHARTER,
                                    body="# {{project.name}}\n\nOwner: {{project.owner}}")
        s.add(template)
        await s.flush()
        template_id = template.id
    # the form lists what a body may use
    form = await client.get(f"/admin/document-template/edit/{template_id}")
    assert form.status_code == 200
    assert "{{project.name}}" in form.text and "{{report.summary}}" in form.text
    # the detail page names what this body uses that no project can fill
    details = await client.get(f"/admin/document-template/details/{template_id}")
    assert details.status_code == 200
    assert "Unknown placeholders" in details.text
    assert "{{project.owner}}" in details.text


async def test_a_gate_template_can_be_marked_as_the_baseline_gate(
    console: tuple[httpx2.AsyncClient, int], sessions: Sessions,
) -> None:
    client, _ = console
    async with sessions() as s, s.begin():
        template = GovernanceTemplate(name="Stage gates", methodology="Waterfall")
        s.add(template)
        await s.flush()
        template_id = template.id
    form = await client.get("/admin/gate-template/create")
    assert 'name="takes_baseline"' in form.text
    created = await post(client, "/admin/gate-template/create", {
        "governance_template": str(template_id), "sequence": "1", "name": "Approve plan",
        "approver_role": "pmo", "takes_baseline": "y"})
    assert created.status_code in (302, 303), created.text
    [gate] = await rows(sessions, GateTemplate)
    assert gate.takes_baseline is True
