"""Stakeholders, comments and notifications."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from server.domain.base import (
    EnumField,
    ForeignKey,
    JSONField,
    TimestampedTable,
    UTCDateTime,
    check,
)
from server.domain.enums import DeliveryStatus, Engagement, NotificationChannel


class Stakeholder(TimestampedTable, table=True):
    """A person or outside party with a stake in a project, mapped by influence and interest."""

    project_id: int = ForeignKey("project", ondelete="CASCADE")
    person_id: int | None = ForeignKey("person", nullable=True)
    external_name: str | None = Field(default=None, max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    role: str = Field(max_length=100)
    influence: int = Field(default=3)
    interest: int = Field(default=3)
    engagement_current: Engagement = EnumField(Engagement, default=Engagement.NEUTRAL)
    engagement_desired: Engagement = EnumField(Engagement, default=Engagement.SUPPORTIVE)
    notes: str | None = Field(default=None)

    __table_args__ = (
        check("influence BETWEEN 1 AND 5", "influence_range"),
        check("interest BETWEEN 1 AND 5", "interest_range"),
        check("(person_id IS NULL) <> (external_name IS NULL)", "person_or_external"),
        # A person is on a project's register once (external parties have no person_id; NULLs
        # are distinct). A unique index, not a constraint: SQLite adds it without a rebuild.
        sa.Index("uq_stakeholder_project_id_person_id", "project_id", "person_id", unique=True),
    )


class Comment(TimestampedTable, table=True):
    """A Markdown comment on any entity, with mentions and replies; soft-deleted."""

    parent_type: str = Field(max_length=64)
    parent_id: int = Field()
    author_id: int = ForeignKey("person")
    body: str = Field()
    mentions: list[int] = JSONField(default_factory=list)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reply_to_id: int | None = ForeignKey("comment", nullable=True, ondelete="CASCADE")

    __table_args__ = (sa.Index("ix_comment_parent", "parent_type", "parent_id"),)


class Notification(TimestampedTable, table=True):
    """A message for one person about an entity; unread until ``read_at``."""

    recipient_id: int = ForeignKey("person", ondelete="CASCADE")
    kind: str = Field(max_length=64, index=True)
    entity_type: str | None = Field(default=None, max_length=64)
    entity_id: int | None = Field(default=None)
    message: str = Field()
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class NotificationPreference(TimestampedTable, table=True):
    """Whether a person wants a kind of notification on a channel."""

    __tablename__ = "notification_preference"

    person_id: int = ForeignKey("person", ondelete="CASCADE")
    kind: str = Field(max_length=64)
    channel: NotificationChannel = EnumField(
        NotificationChannel, default=NotificationChannel.IN_APP
    )
    enabled: bool = Field(default=True)

    __table_args__ = (sa.UniqueConstraint("person_id", "kind", "channel"),)


class EmailMessage(TimestampedTable, table=True):
    """A notification to send by email: the outbox ``pmo notify send`` works through.

    Written in the transaction that raised the notification; the sender renders it (per kind)
    and sends it at least once, retrying a failure with back-off, never giving up on it.
    """

    __tablename__ = "email_message"

    recipient_id: int = ForeignKey("person", ondelete="CASCADE")
    kind: str = Field(max_length=64)
    entity_type: str | None = Field(default=None, max_length=64)
    entity_id: int | None = Field(default=None)
    message: str = Field()
    status: DeliveryStatus = EnumField(DeliveryStatus, index=True, default=DeliveryStatus.PENDING)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None)

    __table_args__ = (check("attempts >= 0", "attempts_non_negative"),)
