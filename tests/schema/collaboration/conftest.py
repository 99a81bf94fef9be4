"""Comments, notifications, preferences and webhooks added straight to the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import DeliveryStatus, NotificationChannel
from server.domain.models import (
    AuditEvent,
    Comment,
    Notification,
    NotificationPreference,
    OutboxEvent,
    Risk,
    Webhook,
    WebhookDelivery,
)
from tests.schema.conftest import World

# A fixed clock for rows whose order a test asserts.
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    """``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


@dataclass
class Collab:
    """Adds collaboration rows (no audit, no event) and returns their ids."""

    sessions: async_sessionmaker[AsyncSession]
    world: World

    async def _add(self, row: Any) -> int:
        async with self.sessions() as s, s.begin():
            s.add(row)
            await s.flush()
            return row.id  # type: ignore[no-any-return]

    async def comment(self, body: str, *, author: str = "alice", parent: str = "Project",
                      parent_id: int | None = None, **values: Any) -> int:
        return await self._add(Comment(
            parent_type=parent,
            parent_id=parent_id if parent_id is not None else self.world.alice_project,
            author_id=self.world.people[author], body=body, **values))

    async def notification(self, recipient: str, message: str = "You were mentioned", *,
                           kind: str = "MENTION", **values: Any) -> int:
        return await self._add(Notification(recipient_id=self.world.people[recipient],
                                            kind=kind, message=message, **values))

    async def preference(self, person: str, kind: str = "MENTION", *,
                         channel: NotificationChannel = NotificationChannel.IN_APP,
                         enabled: bool = True) -> int:
        return await self._add(NotificationPreference(
            person_id=self.world.people[person], kind=kind, channel=channel, enabled=enabled))

    async def webhook(self, url: str = "https://hooks.example.com/pmo", *,
                      secret: str = "s3cr3t-signing-key", **values: Any) -> int:
        return await self._add(Webhook(url=url, secret=secret,
                                       **{"event_types": ["project.changed"], **values}))

    async def delivery(self, webhook_id: int, *, event_type: str = "project.changed",
                       status: DeliveryStatus = DeliveryStatus.PENDING, **values: Any) -> int:
        event_id = await self._add(OutboxEvent(event_type=event_type, payload={"id": 1}))
        return await self._add(WebhookDelivery(webhook_id=webhook_id, event_id=event_id,
                                               status=status, **values))


    async def risk(self, title: str = "Vendor late") -> int:
        return await self._add(Risk(project_id=self.world.alice_project, title=title,
                                    probability=3, impact=4))

    async def rows(self, model: type[Any]) -> list[Any]:
        """Every row of ``model``, oldest first."""
        async with self.sessions() as s:
            return list((await s.exec(sa.select(model).order_by(model.id))).scalars().all())

    async def state(self) -> list[list[dict[str, Any]]]:
        """Every comment, notification, preference and audit row: compare around a refusal."""
        return [[row.model_dump() for row in await self.rows(model)]
                for model in (Comment, Notification, NotificationPreference, AuditEvent)]


@pytest.fixture
def collab(sessions: async_sessionmaker[AsyncSession], world: World) -> Collab:
    return Collab(sessions, world)
