"""Many callers updating one project at once: every write either lands or is told it lost."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.models import AuditEvent, Project
from tests.schema.conftest import Api, World

UPDATE = """
mutation($input: UpdateProjectInput!) {
  updateProject(input: $input) { project { version name } userErrors { code } }
}"""
READ = "query($id: ID!) { node(id: $id) { ... on Project { version } } }"
WRITERS = 12


async def test_concurrent_updates_lose_nothing_silently(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    gid = world.gid("Project", world.alice_project)

    async def writer(n: int) -> int:
        """Keep trying to set the description to our value; count VERSION_CONFLICT answers."""
        conflicts = 0
        while True:
            version = (await api("alice", READ, id=gid))["data"]["node"]["version"]
            result = await api("alice", UPDATE, input={"id": gid, "version": version,
                                                       "description": f"writer {n}"})
            errors = result["data"]["updateProject"]["userErrors"]
            if not errors:
                return conflicts
            assert [e["code"] for e in errors] == ["VERSION_CONFLICT"]
            conflicts += 1

    # when 12 writers race, each retrying after a conflict
    conflicts = await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    # then every writer landed exactly once: 12 versions on top of 1, 12 audit events
    async with sessions() as s:
        project = await s.get(Project, world.alice_project)
        audits = (await s.exec(sa.select(sa.func.count()).select_from(AuditEvent).where(  # type: ignore[call-overload]
            AuditEvent.entity_id == world.alice_project))).scalar_one()
    assert project is not None
    assert project.version == 1 + WRITERS
    assert audits == WRITERS
    assert project.description in {f"writer {n}" for n in range(WRITERS)}
    assert len(conflicts) == WRITERS


async def test_simultaneous_writes_from_one_version_let_exactly_one_win(
    api: Api, world: World, sessions: async_sessionmaker[AsyncSession]
) -> None:
    gid = world.gid("Project", world.alice_project)
    results = await asyncio.gather(*(
        api("alice", UPDATE, input={"id": gid, "version": 1, "name": f"Name {n}"})
        for n in range(WRITERS)))
    payloads = [r["data"]["updateProject"] for r in results]
    winners = [p for p in payloads if not p["userErrors"]]
    losers = [p for p in payloads if p["userErrors"]]
    assert len(winners) == 1
    assert all([e["code"] for e in p["userErrors"]] == ["VERSION_CONFLICT"] for p in losers)
    async with sessions() as s:
        project = await s.get(Project, world.alice_project)
    assert project is not None
    assert (project.name, project.version) == (winners[0]["project"]["name"], 2)
