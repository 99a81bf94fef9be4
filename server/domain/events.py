"""Domain events: written to the outbox in the change's own transaction, broadcast after commit.

Services call ``stage``; whoever commits the unit of work calls ``published_after_commit``
with the committed session's events, so subscribers never see a change that rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.integration.models import OutboxEvent

_PENDING = "pmo_pending_events"


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened: ``type`` (e.g. ``project.changed``) and a JSON payload.

    ``portfolio_id`` lets subscribers filter; ``entity`` is (type name, id) of the subject.
    """

    type: str
    entity_type: str
    entity_id: int
    portfolio_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


def stage(session: AsyncSession, event: DomainEvent) -> None:
    """Record the event in the outbox (same transaction) and queue it for after commit."""
    session.add(OutboxEvent(event_type=event.type, payload={
        "entity_type": event.entity_type, "entity_id": event.entity_id,
        "portfolio_id": event.portfolio_id, **event.payload}))
    session.info.setdefault(_PENDING, []).append(event)


def take_staged(session: AsyncSession) -> list[DomainEvent]:
    """The events staged in this session (cleared), to publish once it has committed."""
    return list(session.info.pop(_PENDING, []))
