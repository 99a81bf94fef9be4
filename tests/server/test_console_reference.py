"""The console's writes go through the domain's rules: plain messages next to the field, no
database error on the page, nothing written when refused, deletes of rows still in use
refused with what uses them, system fields never editable, labels in words."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.enums import AuditSource, EvmMetric, Role
from server.domain.models import (
    AuditEvent,
    Department,
    DocumentTemplate,
    GateTemplate,
    GovernanceTemplate,
    Portfolio,
    Project,
    RagThreshold,
    Risk,
    RiskCategory,
    Setting,
)
from server.settings import load_settings
from tests.server.console import delete, post, sign_in

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def console(db_url: str, sessions: Sessions) -> AsyncIterator[httpx2.AsyncClient]:
    async with sessions() as s, s.begin():
        await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                       role=Role.PMO, password="correct-horse")
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await sign_in(c, "ada@example.com", "correct-horse")).status_code == 302
            yield c


async def add(sessions: Sessions, *rows: object) -> list[int]:
    async with sessions() as s, s.begin():
        s.add_all(rows)
        await s.flush()
        return [row.id for row in rows]  # type: ignore[attr-defined]


async def count(sessions: Sessions, model: type) -> int:
    async with sessions() as s:
        return int((await s.exec(sa.select(sa.func.count()).select_from(model))).scalar_one())  # type: ignore[call-overload]


def field_error(page: str, field: str) -> str:
    """The message shown under a form field."""
    found = re.search(rf'id="{field}".*?<div class="invalid-feedback">(.*?)</div>', page, re.S)
    assert found is not None, f"no error under {field}"
    return found.group(1).strip()


async def test_a_duplicate_gate_sequence_is_named_next_to_the_sequence(
    console: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    [template] = await add(sessions, GovernanceTemplate(name="Stage gates"))
    await add(sessions, GateTemplate(governance_template_id=template, sequence=1, name="Idea"))
    page = await post(console, "/admin/gate-template/create", {
        "governance_template": str(template), "sequence": "1", "name": "Plan",
        "approver_role": "pmo"})
    assert page.status_code == 400
    assert "already has this sequence" in field_error(page.text, "sequence")
    assert "IntegrityError" not in page.text and "INSERT" not in page.text
    assert await count(sessions, GateTemplate) == 1


async def test_inverted_rag_bands_are_refused_next_to_amber(
    console: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    page = await post(console, "/admin/rag-threshold/create", {
        "metric": "CPI", "green_at": "0.850", "amber_at": "0.950"})
    assert page.status_code == 400
    assert "amber must start below green" in field_error(page.text, "amber_at").lower()
    assert await count(sessions, RagThreshold) == 0
    # and the right way round it is saved, audited as a console change
    saved = await post(console, "/admin/rag-threshold/create", {
        "metric": "CPI", "green_at": "0.950", "amber_at": "0.850"})
    assert saved.status_code == 302
    async with sessions() as s:
        event = (await s.exec(sa.select(AuditEvent))).scalars().one()  # type: ignore[call-overload]
    assert (event.source, event.action, event.entity_type) == (
        AuditSource.ADMIN, "create", "RagThreshold")


async def test_a_rag_threshold_cannot_be_deleted(console: httpx2.AsyncClient,
                                                 sessions: Sessions) -> None:
    [band] = await add(sessions, RagThreshold(metric=EvmMetric.SPI, green_at=Decimal("0.9"),
                                              amber_at=Decimal("0.8")))
    await delete(console, f"/admin/rag-threshold/delete?pks={band}")
    assert await count(sessions, RagThreshold) == 1


async def test_deleting_a_template_in_use_is_refused_with_what_uses_it(
    console: httpx2.AsyncClient, sessions: Sessions, world_ids: dict[str, int],
) -> None:
    [template] = await add(sessions, GovernanceTemplate(name="Stage gates"))
    await add(sessions, *(Project(code=f"P-{i}", name=f"P{i}", portfolio_id=world_ids["portfolio"],
                                  manager_id=world_ids["ada"], governance_template_id=template)
                          for i in range(7)))
    answer = await delete(console, f"/admin/governance-template/delete?pks={template}")
    listing = await console.get(answer.text)
    assert "Governance template Stage gates is still used by 7 projects." in listing.text
    assert "Retire it instead" in listing.text
    assert await count(sessions, GovernanceTemplate) == 1


async def test_deleting_a_category_in_use_says_how_many_risks_use_it(
    console: httpx2.AsyncClient, sessions: Sessions, world_ids: dict[str, int],
) -> None:
    [category] = await add(sessions, RiskCategory(code="TECH", name="Technical"))
    [project] = await add(sessions, Project(code="P-1", name="P1",
                                            portfolio_id=world_ids["portfolio"],
                                            manager_id=world_ids["ada"]))
    await add(sessions, *(Risk(project_id=project, title=f"R{i}", probability=2, impact=2,
                               category_id=category) for i in range(31)))
    answer = await delete(console, f"/admin/risk-category/delete?pks={category}")
    listing = await console.get(answer.text)
    assert "is still used by 31 risks" in listing.text
    assert await count(sessions, RiskCategory) == 1


async def test_an_unused_category_is_deleted_and_audited(
    console: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    [category] = await add(sessions, RiskCategory(code="TECH", name="Technical"))
    await delete(console, f"/admin/risk-category/delete?pks={category}")
    assert await count(sessions, RiskCategory) == 0
    async with sessions() as s:
        event = (await s.exec(sa.select(AuditEvent))).scalars().one()  # type: ignore[call-overload]
    assert (event.action, event.entity_id, event.source) == ("delete", category,
                                                              AuditSource.ADMIN)


async def test_a_department_cannot_be_inside_itself(console: httpx2.AsyncClient,
                                                    sessions: Sessions) -> None:
    [top] = await add(sessions, Department(code="OPS", name="Operations"))
    [sub] = await add(sessions, Department(code="OPS-1", name="Ops one", parent_id=top))
    page = await post(console, f"/admin/department/edit/{top}", {
        "code": "OPS", "name": "Operations", "parent": str(sub)})
    assert page.status_code == 400
    assert "inside itself" in field_error(page.text, "parent")
    async with sessions() as s:
        assert (await s.get(Department, top)).parent_id is None  # type: ignore[union-attr]


async def test_the_base_currency_must_be_an_iso_code(console: httpx2.AsyncClient,
                                                     sessions: Sessions) -> None:
    page = await post(console, "/admin/setting/create", {"key": "base_currency",
                                                        "value": "euro"})
    assert page.status_code == 400
    assert "ISO 4217" in field_error(page.text, "value")
    assert await count(sessions, Setting) == 0


async def test_a_document_template_keeps_its_line_breaks_and_names_unknown_placeholders(
    console: httpx2.AsyncClient, sessions: Sessions,
) -> None:
    body = "# {{project.name}}\r\n\r\nManager: {{project.manager}}\r\n\r\n- one\r\n- two\r\n"
    form = await console.get("/admin/document-template/create")
    assert '<textarea class="form-control console-body"' in form.text
    saved = await post(console, "/admin/document-template/create", {
        "name": "Charter", "kind": "CHARTER", "body": body, "active": "y"})
    assert saved.status_code == 302
    async with sessions() as s:
        template = (await s.exec(sa.select(DocumentTemplate))).scalars().one()  # type: ignore[call-overload]
    assert template.body == body.replace("\r\n", "\n")  # line breaks as Markdown has them
    assert template.body.count("\n") == 6
    # an unknown placeholder is refused next to the body, naming it
    page = await post(console, f"/admin/document-template/edit/{template.id}", {
        "name": "Charter", "kind": "CHARTER", "body": body + "{{project.owner}}"})
    assert page.status_code == 400
    assert "{{project.owner}}" in field_error(page.text, "body")


async def test_forms_hold_no_system_fields_and_lists_speak_words(
    console: httpx2.AsyncClient,
) -> None:
    form = await console.get("/admin/rag-threshold/create")
    for system in ("created_at", "updated_at", "version", 'name="id"'):
        assert system not in form.text
    assert '<option value="CPI">CPI</option>' in form.text
    gate_form = await console.get("/admin/gate-template/create")
    assert '<option value="pmo">PMO</option>' in gate_form.text
    listing = await console.get("/admin/rag-threshold/list")
    assert "Green at or above" in listing.text and "green_at" not in listing.text
    home = await console.get("/admin/")
    assert "Risk categories" in home.text and "Risk Categorys" not in home.text


@pytest.fixture
async def world_ids(sessions: Sessions, console: httpx2.AsyncClient) -> dict[str, int]:
    async with sessions() as s:
        ada = (await s.exec(sa.text(  # type: ignore[call-overload]
            "SELECT id FROM person WHERE email = 'ada@example.com'"))).scalar_one()
    [portfolio] = await add(sessions, Portfolio(code="PF", name="Growth", owner_id=ada))
    return {"ada": ada, "portfolio": portfolio}



@pytest.mark.parametrize(("url", "existing", "form", "field", "message"), [
    ("/admin/project-type/create", "ProjectType", {"code": "INFRA", "name": "Again"}, "code",
     "already has this code"),
    ("/admin/risk-category/create", "RiskCategory", {"code": "TECH", "name": "Again"}, "code",
     "already has this code"),
    ("/admin/governance-template/create", "GovernanceTemplate",
     {"name": "Stage gates", "methodology": "Agile"}, "name", "already has this name"),
    ("/admin/strategic-objective/create", None,
     {"code": "GROW", "name": "Grow", "weight": "1", "period_start": "2026-12-31",
      "period_end": "2026-01-01"}, "period_end", "cannot end before it starts"),
    ("/admin/webhook/create", None, {"url": "ftp://example.com/hook",
                                     "event_types": ["project.changed"]}, "url", "http"),
], ids=["project type", "risk category", "template", "objective period", "webhook url"])
async def test_each_kind_refuses_bad_input_next_to_the_field(
    console: httpx2.AsyncClient, sessions: Sessions, url: str, existing: str | None,
    form: dict[str, object], field: str, message: str,
) -> None:
    from server.domain import models
    if existing is not None:
        row = {"ProjectType": models.ProjectType(code="INFRA", name="Infrastructure"),
               "RiskCategory": models.RiskCategory(code="TECH", name="Technical"),
               "GovernanceTemplate": models.GovernanceTemplate(name="Stage gates")}[existing]
        await add(sessions, row)
    before = await count_all(sessions)
    page = await post(console, url, form)
    assert page.status_code == 400
    assert message in field_error(page.text, field)
    assert await count_all(sessions) == before


async def count_all(sessions: Sessions) -> int:
    from server.domain import models
    total = 0
    for model in (models.ProjectType, models.RiskCategory, models.GovernanceTemplate,
                  models.StrategicObjective, models.Webhook, models.AuditEvent):
        total += await count(sessions, model)
    return total
