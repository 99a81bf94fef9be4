"""A governance template's gates and checklists edited on one screen: added, reordered and
removed together in one transaction, audited once, seen by the API and applied to a project;
refusals (two baseline gates, a blank name) change nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.app import create_app
from server.domain.auth import service as auth_service
from server.domain.auth.tokens import mint
from server.domain.enums import Role
from server.domain.governance import reference
from server.domain.models import AuditEvent, GovernanceTemplate, Portfolio, Project
from server.settings import DEMO_SECRET_KEY, load_settings
from tests.server.console import post, sign_in

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def setup(db_url: str,
                sessions: Sessions) -> AsyncIterator[tuple[httpx2.AsyncClient, dict[str, int]]]:
    async with sessions() as s, s.begin():
        ada = await auth_service.create_user(s, email="ada@example.com", full_name="Ada",
                                             role=Role.PMO, password="correct-horse")
        template = GovernanceTemplate(name="Stage gates")
        portfolio = Portfolio(code="PF", name="Growth", owner_id=ada.id)  # type: ignore[arg-type]
        s.add_all([template, portfolio])
        await s.flush()
        project = Project(code="P-1", name="Alpha", portfolio_id=portfolio.id,  # type: ignore[arg-type]
                          manager_id=ada.id)  # type: ignore[arg-type]
        s.add(project)
        await s.flush()
        ids = {"ada": ada.id, "template": template.id, "project": project.id}
    app = create_app(load_settings(database_url=db_url))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
            assert (await sign_in(c, "ada@example.com", "correct-horse")).status_code == 302
            yield c, ids  # type: ignore[misc]


def gate(name: str, *items: str, role: str = "executive", baseline: bool = False,
         gate_id: int | None = None) -> dict[str, Any]:
    return {"id": gate_id, "name": name, "description": "", "approver_role": role,
            "takes_baseline": baseline,
            "items": [{"id": None, "text": text, "mandatory": True} for text in items]}


async def save(client: httpx2.AsyncClient, template: int,
               gates: list[dict[str, Any]]) -> httpx2.Response:
    return await post(client, f"/admin/governance-editor?template={template}",
                      {"structure": json.dumps(gates)})


async def outline(sessions: Sessions, template: int) -> list[tuple[int, str, list[str]]]:
    async with sessions() as s:
        gates, items = await reference.gates_of(s, template)
    return [(g.sequence, g.name, [i.text for i in items[g.id]]) for g in gates]  # type: ignore[index]


async def test_three_gates_with_checklists_are_saved_at_once_and_seen_by_the_api(
    setup: tuple[httpx2.AsyncClient, dict[str, int]], sessions: Sessions,
) -> None:
    client, ids = setup
    page = await client.get(f"/admin/governance-editor?template={ids['template']}")
    assert page.status_code == 200 and 'id="structure-data"' in page.text
    saved = await save(client, ids["template"], [
        gate("Idea", "Problem statement", "Sponsor named"),
        gate("Plan", "Schedule", role="pmo", baseline=True),
        gate("Close", "Lessons recorded")])
    assert saved.status_code == 302, saved.text
    assert await outline(sessions, ids["template"]) == [
        (1, "Idea", ["Problem statement", "Sponsor named"]), (2, "Plan", ["Schedule"]),
        (3, "Close", ["Lessons recorded"])]
    async with sessions() as s:
        [event] = (await s.exec(sa.select(AuditEvent).where(  # type: ignore[call-overload]
            AuditEvent.action == "edit_gates"))).scalars().all()
    assert [g["name"] for g in event.changes["gates"]["after"]] == ["Idea", "Plan", "Close"]
    # the API sees it and applies it to a project
    token = mint(ids["ada"], secret=DEMO_SECRET_KEY, ttl=timedelta(minutes=5))
    auth = {"Authorization": f"Bearer {token}"}
    applied = await client.post("/graphql", headers=auth, json={
        "query": """mutation($p: ID!, $t: ID!) { applyGovernanceTemplate(input: {projectId: $p,
          governanceTemplateId: $t}) { project { gates { nodes { name takesBaseline
            checklist { nodes { text } } } } } userErrors { message } } }""",
        "variables": {"p": _gid("Project", ids["project"]),
                      "t": _gid("GovernanceTemplate", ids["template"])}})
    body = applied.json()["data"]["applyGovernanceTemplate"]
    assert body["userErrors"] == [], body
    assert [(g["name"], g["takesBaseline"], [i["text"] for i in g["checklist"]["nodes"]])
            for g in body["project"]["gates"]["nodes"]] == [
        ("Idea", False, ["Problem statement", "Sponsor named"]), ("Plan", True, ["Schedule"]),
        ("Close", False, ["Lessons recorded"])]


def _gid(type_name: str, row_id: int) -> str:
    from strawberry.relay import to_base64
    return to_base64(type_name, row_id)


async def test_gates_and_items_are_reordered_moved_and_removed_together(
    setup: tuple[httpx2.AsyncClient, dict[str, int]], sessions: Sessions,
) -> None:
    client, ids = setup
    await save(client, ids["template"], [gate("Idea", "A", "B"), gate("Plan", "C"),
                                         gate("Close", "D")])
    async with sessions() as s:
        gates, items = await reference.gates_of(s, ids["template"])
    idea, plan, close = gates
    a, b = items[idea.id]  # type: ignore[index]
    # close first, then idea with its items swapped and plan's item moved in; plan removed
    moved = [
        gate("Close", "D", gate_id=close.id),
        {**gate("Idea", gate_id=idea.id), "items": [
            {"id": b.id, "text": "B", "mandatory": False},
            {"id": a.id, "text": "A", "mandatory": True},
            {"id": items[plan.id][0].id, "text": "C", "mandatory": True}]},  # type: ignore[index]
    ]
    saved = await save(client, ids["template"], moved)
    assert saved.status_code == 302, saved.text
    assert await outline(sessions, ids["template"]) == [(1, "Close", ["D"]),
                                                        (2, "Idea", ["B", "A", "C"])]


@pytest.mark.parametrize("gates", [
    [gate("Idea", baseline=True), gate("Plan", baseline=True)],
    [gate("", "Something")],
    [gate("Idea", gate_id=999_999)],
], ids=["two baseline gates", "a blank name", "a gate of another template"])
async def test_a_refused_structure_changes_nothing(
    setup: tuple[httpx2.AsyncClient, dict[str, int]], sessions: Sessions,
    gates: list[dict[str, Any]],
) -> None:
    client, ids = setup
    await save(client, ids["template"], [gate("Idea", "A")])
    refused = await save(client, ids["template"], gates)
    assert refused.status_code == 400
    assert 'id="error"' in refused.text and "Traceback" not in refused.text
    assert await outline(sessions, ids["template"]) == [(1, "Idea", ["A"])]
