"""RAID rows to act on, and reads of the database state the RAID tests assert."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.models import (
    Assumption,
    AuditEvent,
    Dependency,
    Issue,
    OutboxEvent,
    Person,
    Risk,
    RiskCategory,
)
from tests.schema.conftest import World

M = TypeVar("M", bound=SQLModel)

# Roles that may never write the RAID of Alice's project: another PM, the sponsoring
# executive (who owns the portfolio too), another executive and an analyst.
OUTSIDERS = ["bob", "carol", "dave", "ana"]


def errors_of(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    """``(field, code)`` of each user error in a payload."""
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@dataclass
class Raid:
    """Adds RAID rows straight to the database and reads the state back."""

    sessions: async_sessionmaker[AsyncSession]
    world: World

    async def _add(self, row: M) -> int:
        async with self.sessions() as s, s.begin():
            s.add(row)
            await s.flush()
            return row.id  # type: ignore[attr-defined, no-any-return]

    async def risk(self, *, project: str = "alice_project", **values: Any) -> int:
        defaults = {"title": "Vendor late", "probability": 3, "impact": 4}
        return await self._add(Risk(project_id=getattr(self.world, project),
                                    **{**defaults, **values}))

    async def issue(self, *, project: str = "alice_project", **values: Any) -> int:
        return await self._add(Issue(project_id=getattr(self.world, project),
                                     **{"title": "Build broken", **values}))

    async def assumption(self, *, project: str = "alice_project", **values: Any) -> int:
        return await self._add(Assumption(project_id=getattr(self.world, project),
                                          **{"text": "Budget is approved", **values}))

    async def dependency(self, *, project: str = "alice_project", **values: Any) -> int:
        return await self._add(Dependency(from_project_id=getattr(self.world, project),
                                          **{"external_name": "Acme Ltd", **values}))

    async def category(self, code: str = "TECH", *, active: bool = True) -> int:
        return await self._add(RiskCategory(code=code, name=code.title(), active=active))

    async def deactivate(self, who: str) -> None:
        async with self.sessions() as s, s.begin():
            person = await s.get(Person, self.world.people[who])
            assert person is not None
            person.active = False

    async def get(self, model: type[M], row_id: int) -> M | None:
        async with self.sessions() as s:
            return await s.get(model, row_id)

    async def all(self, model: type[M]) -> list[M]:
        async with self.sessions() as s:
            return list((await s.exec(sa.select(model).order_by(model.id))).scalars().all())  # type: ignore[call-overload, attr-defined]

    async def audits(self, entity_type: str | None = None) -> list[AuditEvent]:
        async with self.sessions() as s:
            query = sa.select(AuditEvent).order_by(AuditEvent.id)  # type: ignore[arg-type]
            if entity_type is not None:
                query = query.where(AuditEvent.entity_type == entity_type)  # type: ignore[arg-type]
            return list((await s.exec(query)).scalars().all())  # type: ignore[call-overload]

    async def outbox(self) -> list[OutboxEvent]:
        return await self.all(OutboxEvent)

    async def state(self, model: type[M]) -> list[dict[str, Any]]:
        """Every row of ``model`` as a dict: compare before and after a refused change."""
        return [row.model_dump() for row in await self.all(model)]


@pytest.fixture
def raid(sessions: async_sessionmaker[AsyncSession], world: World) -> Raid:
    return Raid(sessions, world)
