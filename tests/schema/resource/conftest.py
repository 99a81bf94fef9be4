"""Helpers for the delivery data API tests: database state before and after a mutation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.base import utcnow
from server.domain.models import AuditEvent, OutboxEvent, Person, StrategicObjective

Sessions = async_sessionmaker[AsyncSession]
# Roles that may not write a project's delivery data: another PM, its sponsor, any other
# executive, an analyst.
OUTSIDERS = ["bob", "carol", "dave", "ana"]


def today() -> date:
    """Today in UTC, as the services see it."""
    return utcnow().date()


def tomorrow() -> date:
    # Two days ahead: a future date in every time zone the test machine may use.
    return today() + timedelta(days=2)


async def rows(sessions: Sessions, model: Any, *where: Any) -> list[Any]:
    """Every row of ``model`` matching ``where``, by id."""
    async with sessions() as s:
        return list((await s.exec(sa.select(model).where(*where).order_by(model.id)))  # type: ignore[call-overload]
                    .scalars().all())


async def add(sessions: Sessions, *items: Any) -> list[int]:
    """Insert rows directly (no audit, no event); returns their ids."""
    async with sessions() as s, s.begin():
        s.add_all(items)
        await s.flush()
        return [item.id for item in items]


async def state(sessions: Sessions, model: Any) -> tuple[list[dict[str, Any]], int, int]:
    """Every row of ``model`` as data, and how many audit and outbox events exist."""
    async with sessions() as s:
        found = [r.model_dump() for r in
                 (await s.exec(sa.select(model).order_by(model.id))).scalars().all()]  # type: ignore[call-overload]
        audits = (await s.exec(sa.select(sa.func.count()).select_from(AuditEvent))).scalar_one()  # type: ignore[call-overload]
        events = (await s.exec(sa.select(sa.func.count()).select_from(OutboxEvent))).scalar_one()  # type: ignore[call-overload]
    return found, audits, events


async def audits(sessions: Sessions, entity_type: str, entity_id: int | None = None,
                 ) -> list[AuditEvent]:
    """The audit events about one entity (or every entity of a type), oldest first."""
    where = [AuditEvent.entity_type == entity_type]
    if entity_id is not None:
        where.append(AuditEvent.entity_id == entity_id)
    return await rows(sessions, AuditEvent, *where)


async def outbox(sessions: Sessions, event_type: str) -> list[OutboxEvent]:
    """The outbox events of one type, oldest first."""
    return await rows(sessions, OutboxEvent, OutboxEvent.event_type == event_type)


def payload(result: dict[str, Any], name: str) -> dict[str, Any]:
    """The mutation's payload, failing with the GraphQL errors when there is none."""
    assert "errors" not in result, result["errors"]
    return result["data"][name]  # type: ignore[no-any-return]


def errors(result: dict[str, Any], name: str) -> list[tuple[list[str], str]]:
    """``(field, code)`` of each user error of the mutation."""
    return [(e["field"], e["code"]) for e in payload(result, name)["userErrors"]]


@pytest.fixture
async def erin(sessions: Sessions) -> int:
    """A developer with no role: someone to allocate."""
    [person_id] = await add(sessions, Person(email="erin@example.com", full_name="Erin"))
    return person_id


@pytest.fixture
async def objectives(sessions: Sessions) -> dict[str, int]:
    """Three strategic objectives: GROW (weight 2), CUT (1.5) and the retired OLD."""
    return dict(zip(["GROW", "CUT", "OLD"], await add(
        sessions,
        StrategicObjective(code="GROW", name="Grow revenue", weight=Decimal("2")),
        StrategicObjective(code="CUT", name="Cut costs", weight=Decimal("1.5"),
                           period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)),
        StrategicObjective(code="OLD", name="Old aim", active=False)), strict=True))
