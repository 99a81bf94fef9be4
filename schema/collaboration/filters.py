"""Filters and orderings for comments, notifications, notification preferences, webhooks
and webhook deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement

from schema.base import decode_id
from schema.collaboration.types import (
    Comment,
    DeliveryStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    Webhook,
    WebhookDelivery,
)
from schema.listing import ListSpec, ids_of, one_of, since
from schema.pagination import OrderDirection, OrderSpec, SortField, bad_input, order_fields
from server.domain.collaboration.models import Comment as CommentRow
from server.domain.collaboration.models import Notification as NotificationRow
from server.domain.collaboration.models import NotificationPreference as PreferenceRow
from server.domain.integration.models import Webhook as WebhookRow
from server.domain.integration.models import WebhookDelivery as DeliveryRow

UPDATED_SINCE = "Changed at or after this time (incremental refresh)."

# --- comments ---------------------------------------------------------------------------


@order_fields("comments")
class CommentOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for comments.")
class CommentOrder:
    field: CommentOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which comments to list; all given conditions must hold.")
class CommentFilter:
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="On this object (the global id of any node).")
    author_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Written by any of these people.")
    updated_since: datetime | None = strawberry.field(default=None, description=UPDATED_SINCE)


def comment_conditions(f: CommentFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a comment filter; BAD_USER_INPUT for an id that is not one."""
    if f is None:
        return []
    c: Any = CommentRow
    parent: list[ColumnElement[bool]] = []
    if f.parent_id is not None:
        decoded = decode_id(f.parent_id)
        if decoded is None:
            raise bad_input(f"parentId: {f.parent_id!r} is not a valid id")
        parent = [c.parent_type == decoded[0], c.parent_id == decoded[1]]
    return [
        *parent,
        *ids_of(c.author_id, f.author_ids, "Person", "authorIds"),
        *since(c.updated_at, f.updated_since),
    ]


COMMENTS = ListSpec(
    CommentRow, "comment",
    OrderSpec({
        "CREATED_AT": SortField("CREATED_AT", CommentRow.created_at),
        "UPDATED_AT": SortField("UPDATED_AT", CommentRow.updated_at),
    }, default=[("CREATED_AT", False)]),
    Comment.from_row,
)


# --- notifications ----------------------------------------------------------------------

@order_fields("notifications")
class NotificationOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    READ_AT = "READ_AT"
    KIND = "KIND"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for notifications.")
class NotificationOrder:
    field: NotificationOrderField = strawberry.field(
        description="What to order by; unread ones (no READ_AT) come after read ones "
                    "ascending.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which of the viewer's notifications to list; all given "
                              "conditions must hold.")
class NotificationFilter:
    unread_only: bool | None = strawberry.field(
        default=None, description="Only those not read yet (true); all of them otherwise.")
    kinds: list[NotificationKind] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Of any of these kinds.")
    updated_since: datetime | None = strawberry.field(default=None, description=UPDATED_SINCE)


def notification_conditions(f: NotificationFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a notification filter (the recipient is not part of it)."""
    if f is None:
        return []
    n: Any = NotificationRow
    return [
        *([n.read_at.is_(None)] if f.unread_only else []),
        *one_of(n.kind, f.kinds),
        *since(n.updated_at, f.updated_since),
    ]


NOTIFICATIONS = ListSpec(
    NotificationRow, "notification",
    OrderSpec({
        "CREATED_AT": SortField("CREATED_AT", NotificationRow.created_at),
        "READ_AT": SortField("READ_AT", NotificationRow.read_at, nullable=True),
        "KIND": SortField("KIND", NotificationRow.kind),
        "UPDATED_AT": SortField("UPDATED_AT", NotificationRow.updated_at),
    }, default=[("CREATED_AT", True)]),
    Notification.from_row,
)


# --- notification preferences -----------------------------------------------------------

@order_fields("notification preferences")
class NotificationPreferenceOrderField(Enum):
    KIND = "KIND"
    CHANNEL = "CHANNEL"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for notification preferences.")
class NotificationPreferenceOrder:
    field: NotificationPreferenceOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


NOTIFICATION_PREFERENCES = ListSpec(
    PreferenceRow, "notification_preference",
    OrderSpec({
        "KIND": SortField("KIND", PreferenceRow.kind),
        "CHANNEL": SortField("CHANNEL", PreferenceRow.channel),
        "UPDATED_AT": SortField("UPDATED_AT", PreferenceRow.updated_at),
    }, default=[("KIND", False), ("CHANNEL", False)]),
    NotificationPreference.from_row,
)


# --- webhooks ---------------------------------------------------------------------------

@order_fields("webhooks")
class WebhookOrderField(Enum):
    URL = "URL"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for webhooks.")
class WebhookOrder:
    field: WebhookOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which webhooks to list; all given conditions must hold.")
class WebhookFilter:
    active: bool | None = strawberry.field(default=None,
                                           description="Only active (true) or only paused.")
    updated_since: datetime | None = strawberry.field(default=None, description=UPDATED_SINCE)


def webhook_conditions(f: WebhookFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a webhook filter."""
    if f is None:
        return []
    w: Any = WebhookRow
    return [
        *([w.active.is_(f.active)] if f.active is not None else []),
        *since(w.updated_at, f.updated_since),
    ]


WEBHOOKS = ListSpec(
    WebhookRow, "webhook",
    OrderSpec({
        "URL": SortField("URL", WebhookRow.url),
        "CREATED_AT": SortField("CREATED_AT", WebhookRow.created_at),
        "UPDATED_AT": SortField("UPDATED_AT", WebhookRow.updated_at),
    }, default=[("CREATED_AT", False)]),
    Webhook.from_row,
)


# --- webhook deliveries -----------------------------------------------------------------

@order_fields("webhook deliveries")
class WebhookDeliveryOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    NEXT_ATTEMPT_AT = "NEXT_ATTEMPT_AT"
    STATUS = "STATUS"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for webhook deliveries.")
class WebhookDeliveryOrder:
    field: WebhookDeliveryOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which webhook deliveries to list; all given conditions must "
                              "hold.")
class WebhookDeliveryFilter:
    status: list[DeliveryStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses.")
    updated_since: datetime | None = strawberry.field(default=None, description=UPDATED_SINCE)


def delivery_conditions(f: WebhookDeliveryFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a webhook delivery filter."""
    if f is None:
        return []
    d: Any = DeliveryRow
    return [*one_of(d.status, f.status), *since(d.updated_at, f.updated_since)]


DELIVERIES = ListSpec(
    DeliveryRow, "webhook_delivery",
    OrderSpec({
        "CREATED_AT": SortField("CREATED_AT", DeliveryRow.created_at),
        "NEXT_ATTEMPT_AT": SortField("NEXT_ATTEMPT_AT", DeliveryRow.next_attempt_at,
                                     nullable=True),
        "STATUS": SortField("STATUS", DeliveryRow.status),
        "UPDATED_AT": SortField("UPDATED_AT", DeliveryRow.updated_at),
    }, default=[("CREATED_AT", True)]),
    WebhookDelivery.from_row,
)


# --- documented arguments for the list fields -------------------------------------------

CommentFilterArg = Annotated[CommentFilter | None, strawberry.argument(
    description="Which comments to list; all given conditions must hold.")]
CommentOrderArg = Annotated[list[CommentOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: oldest first, as a thread reads).")]
NotificationFilterArg = Annotated[NotificationFilter | None, strawberry.argument(
    description="Which notifications to list; all given conditions must hold.")]
NotificationOrderArg = Annotated[list[NotificationOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: newest first).")]
NotificationPreferenceOrderArg = Annotated[
    list[NotificationPreferenceOrder] | None, strawberry.argument(
        description="Sort terms in priority order (default: by kind, then channel).")]
WebhookFilterArg = Annotated[WebhookFilter | None, strawberry.argument(
    description="Which webhooks to list; all given conditions must hold.")]
WebhookOrderArg = Annotated[list[WebhookOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: oldest first).")]
