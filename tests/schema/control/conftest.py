"""Helpers for the change control, status report and audit trail API tests."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.models import AuditEvent, OutboxEvent

Sessions = async_sessionmaker[AsyncSession]


async def rows(sessions: Sessions, model: Any, *where: Any) -> list[Any]:
    """Every row of ``model`` matching ``where``, by id."""
    async with sessions() as s:
        return list((await s.exec(sa.select(model).where(*where).order_by(model.id)))  # type: ignore[call-overload]
                    .scalars().all())


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
