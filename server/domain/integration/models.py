"""Outbound integration: webhooks, the transactional outbox and delivery attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, Relationship

from server.domain.base import (
    EnumField,
    ForeignKey,
    JSONField,
    TimestampedTable,
    UTCDateTime,
    check,
)
from server.domain.enums import DeliveryStatus


class Webhook(TimestampedTable, table=True):
    """An HTTPS endpoint subscribed to event types; payloads are signed with ``secret``."""

    url: str = Field(max_length=2000)
    event_types: list[str] = JSONField(default_factory=list)
    secret: str = Field(max_length=255)
    active: bool = Field(default=True, index=True)

    def __str__(self) -> str:  # how the console names it
        return self.url


class OutboxEvent(TimestampedTable, table=True):
    """An event written in the same transaction as the change it announces."""

    __tablename__ = "outbox_event"

    event_type: str = Field(max_length=64, index=True)
    payload: dict[str, Any] = JSONField(default_factory=dict)
    dispatched_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class WebhookDelivery(TimestampedTable, table=True):
    """One webhook's delivery of one outbox event, retried with back-off."""

    __tablename__ = "webhook_delivery"

    webhook_id: int = ForeignKey("webhook", ondelete="CASCADE")
    event_id: int = ForeignKey("outbox_event", ondelete="CASCADE")
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    status: DeliveryStatus = EnumField(DeliveryStatus, index=True, default=DeliveryStatus.PENDING)
    last_status_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None)

    # For the console's delivery log only (lazy="raise").
    webhook: Webhook = Relationship(sa_relationship_kwargs={"lazy": "raise"})

    __table_args__ = (check("attempts >= 0", "attempts_non_negative"),)
