"""Domain events: written to the outbox in the change's own transaction, broadcast after commit.

Services call ``stage``; whoever commits the unit of work calls ``published_after_commit``
with the committed session's events, so subscribers never see a change that rolled back.
Just before that commit, every staged outbox row is fanned out to a ``WebhookDelivery`` per
active webhook subscribed to its type: same transaction, so a rollback leaves no delivery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.base import utcnow
from server.domain.enums import DeliveryStatus
from server.domain.integration.models import OutboxEvent, Webhook, WebhookDelivery

_PENDING = "pmo_pending_events"
_OUTBOX = "pmo_outbox_rows"
# Subscribes a webhook to every event type.
ALL_EVENTS = "*"


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
    row = OutboxEvent(event_type=event.type, payload={
        "entity_type": event.entity_type, "entity_id": event.entity_id,
        "portfolio_id": event.portfolio_id, **event.payload})
    session.add(row)
    session.info.setdefault(_OUTBOX, []).append(row)
    session.info.setdefault(_PENDING, []).append(event)


# Announced to live subscribers only (``announce``), never written to the outbox, so never
# offered to webhooks: one person's business.
NOTIFICATION_CREATED = "notification.created"


def announce(session: AsyncSession, event: DomainEvent) -> None:
    """Queue the event for live subscribers after commit only: no outbox row, so no webhook
    sees it (for what is one person's business, such as their notifications)."""
    session.info.setdefault(_PENDING, []).append(event)


def take_staged(session: AsyncSession) -> list[DomainEvent]:
    """The events staged in this session (cleared), to publish once it has committed."""
    return list(session.info.pop(_PENDING, []))


def subscribed(webhook: Webhook, event_type: str) -> bool:
    """Whether the webhook wants events of this type."""
    return ALL_EVENTS in webhook.event_types or event_type in webhook.event_types


@sa_event.listens_for(Session, "before_commit")
def _fan_out(session: Session) -> None:
    """Queue a delivery of each staged outbox row to each subscribed active webhook.

    Runs once per commit and only when something was staged: one SELECT of the active
    webhooks, whatever the number of events (the list is small; subscriptions are filtered
    here because ``event_types`` is JSON, which SQLite and PostgreSQL query differently).
    The rows it adds are written by the commit's own flush.
    """
    rows: list[OutboxEvent] = session.info.pop(_OUTBOX, [])
    if not rows:
        return
    hooks = list(session.scalars(select(Webhook).where(Webhook.active)))  # type: ignore[arg-type]
    if not hooks:
        return
    session.flush()  # the outbox rows' ids
    now = utcnow()
    session.add_all([
        WebhookDelivery(webhook_id=hook.id, event_id=row.id, attempts=0,  # type: ignore[arg-type]
                        next_attempt_at=now, status=DeliveryStatus.PENDING)
        for row in rows for hook in hooks if subscribed(hook, row.event_type)])


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    """A rolled-back transaction's outbox rows are gone: nothing to fan out."""
    session.info.pop(_OUTBOX, None)
