"""renderDocument fills placeholders from the project and keeps unknown ones visible."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import DocumentKind, Rag
from server.domain.knowledge import documents
from server.domain.models import DocumentTemplate, StatusReport
from server.seed import catalogue
from tests.schema.conftest import Api, World, codes

RENDER = """query($p: ID!, $t: ID!) {
  renderDocument(projectId: $p, templateId: $t) { markdown unknownPlaceholders warnings } }"""


async def template(sessions: async_sessionmaker[AsyncSession], body: str) -> int:
    async with sessions() as s, s.begin():
        row = DocumentTemplate(name="Charter", kind=DocumentKind.CHARTER, body=body)
        s.add(row)
        await s.flush()
        return row.id  # type: ignore[return-value]


async def test_placeholders_are_filled_and_unknown_ones_listed(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    template_id = await template(
        sessions, "# {{project.name}} ({{ project.code }})\nSponsor: {{project.sponsor.fullName}}"
                  "\nBudget: {{project.budgetAtCompletion}} in {{project.portfolio.name}}"
                  "\nOwner: {{project.owner}}")
    result = await api("ana", RENDER, p=world.gid("Project", world.alice_project),
                       t=world.gid("DocumentTemplate", template_id))
    document = result["data"]["renderDocument"]
    assert document["markdown"] == ("# Alpha (PRJ-0001)\nSponsor: Carol\n"
                                    "Budget: 100,000.00 in Growth\nOwner: {{project.owner}}")
    assert document["unknownPlaceholders"] == ["project.owner"]
    assert document["warnings"] == ["unknown placeholder {{project.owner}} left as is"]


async def test_unknown_ids_are_clear_errors(api: Api, world: World) -> None:
    missing = await api("ana", RENDER, p=world.gid("Project", world.alice_project),
                        t=world.gid("DocumentTemplate", 999))
    assert codes(missing) == ["NOT_FOUND"]
    wrong_type = await api("ana", RENDER, p=world.gid("Portfolio", world.portfolio),
                           t=world.gid("DocumentTemplate", 1))
    assert codes(wrong_type) == ["BAD_USER_INPUT"]


def test_every_seeded_template_uses_only_known_placeholders() -> None:
    # the demo's templates render without a placeholder left visible
    assert {name: documents.unknown_in(body)
            for name, _kind, body in catalogue.DOCUMENT_TEMPLATES} == {
        name: [] for name, _kind, _body in catalogue.DOCUMENT_TEMPLATES}


async def test_the_api_lists_the_placeholders_and_a_template_s_unknown_ones(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    template_id = await template(sessions, "{{project.name}} {{project.owner}} {{report.summary}}")
    result = await api("alice", """query($t: ID!) { documentPlaceholders
      node(id: $t) { ... on DocumentTemplate { unknownPlaceholders } } }""",
                       t=world.gid("DocumentTemplate", template_id))
    assert result.get("errors") is None, result
    listed = result["data"]["documentPlaceholders"]
    assert {"project.name", "project.budgetAtCompletion", "project.manager.fullName",
            "project.portfolio", "report.summary", "report.overall", "today"} <= set(listed)
    assert result["data"]["node"]["unknownPlaceholders"] == ["project.owner"]


async def test_a_status_report_template_shows_the_latest_report(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as s, s.begin():
        for end, overall, summary in ((date(2026, 1, 31), Rag.GREEN, "January"),
                                      (date(2026, 2, 28), Rag.AMBER, "February")):
            s.add(StatusReport(project_id=world.alice_project, period_end=end, overall=overall,
                               schedule=Rag.GREEN, cost=Rag.GREEN, scope=Rag.GREEN,
                               risk=Rag.GREEN, summary=summary))
    template_id = await template(sessions, "{{report.periodEnd}} {{report.overall}}: "
                                           "{{report.summary}} ({{project.manager}})")
    result = await api("ana", RENDER, p=world.gid("Project", world.alice_project),
                       t=world.gid("DocumentTemplate", template_id))
    assert result["data"]["renderDocument"]["markdown"] == "2026-02-28 AMBER: February (Alice)"
