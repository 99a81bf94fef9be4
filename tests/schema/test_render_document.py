"""renderDocument fills placeholders from the project and keeps unknown ones visible."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import DocumentKind
from server.domain.models import DocumentTemplate
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
