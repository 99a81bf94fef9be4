"""GraphQL types for collaboration and integration: comments, notifications and their
preferences, webhooks and their deliveries.

A webhook's signing key is deliberately not a field of ``Webhook``: no query can reach it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from policies.resources import Resource
from schema.base import to_global_id
from schema.context import Info
from schema.enums import described
from schema.listing import child_connection, filter_key, plan
from schema.pagination import After, Before, Connection, First, Last
from schema.raid.types import LazyPerson, person_of
from server.domain import enums
from server.domain.audit.queries import resource_type_of
from server.domain.collaboration.models import Comment as CommentRow
from server.domain.collaboration.models import Notification as NotificationRow
from server.domain.collaboration.models import NotificationPreference as PreferenceRow
from server.domain.collaboration.service import NotificationKind as NotificationKindEnum
from server.domain.collaboration.service import comment_resource
from server.domain.integration.models import OutboxEvent as OutboxEventRow
from server.domain.integration.models import Webhook as WebhookRow
from server.domain.integration.models import WebhookDelivery as DeliveryRow
from server.domain.organisation.models import Person as PersonRow

if TYPE_CHECKING:
    from schema.collaboration.filters import WebhookDeliveryFilter, WebhookDeliveryOrder

# The deliveries' filter and order inputs live with the other inputs in ``filters``, which
# imports this module; lazy references keep the import one-way.
LazyDeliveryFilter = Annotated["WebhookDeliveryFilter",
                               strawberry.lazy("schema.collaboration.filters")]
LazyDeliveryOrder = Annotated["WebhookDeliveryOrder",
                              strawberry.lazy("schema.collaboration.filters")]

NotificationChannel = described(enums.NotificationChannel, "Where a notification is delivered.", {
    "IN_APP": "The in-app inbox (`notifications`, `notificationReceived`).",
    "EMAIL": "Email.",
})
NotificationKind = described(
    NotificationKindEnum, "What a notification is about.", {
        "MENTION": "Somebody mentioned you in a comment.",
        "REPLY": "Somebody answered your comment.",
        "GATE_SUBMITTED": "A gate you may decide was submitted for decision.",
        "GATE_DECIDED": "A gate of a project you manage or sponsor was decided.",
        "CHANGE_REQUEST_SUBMITTED": "A change request you may decide was submitted.",
        "CHANGE_REQUEST_DECIDED": "A change request on a project you manage or sponsor was "
                                  "decided.",
        "RISK_ESCALATED": "A risk of a project you manage, sponsor or own the portfolio of "
                          "happened and became an issue.",
        "OVER_ALLOCATED": "An allocation takes you, or somebody on a project you manage, above "
                          "100 % in some week.",
        "STATUS_REPORT_OVERDUE": "The status report of a project you manage is overdue for "
                                 "last week (`pmo notify overdue`).",
    }, name="NotificationKind")
DeliveryStatus = described(enums.DeliveryStatus, "Where a webhook delivery stands.", {
    "PENDING": "Waiting for its first attempt.",
    "SUCCEEDED": "The endpoint answered 2xx.",
    "FAILED": "The last attempt failed; it will be retried (`nextAttemptAt`).",
    "DEAD": "Given up after the last attempt, or cancelled because its webhook is inactive.",
})


def entity_id(type_name: str | None, row_id: int | None) -> strawberry.ID | None:
    """The global id of an entity stored as (type name, row id), or None without one."""
    if type_name is None or row_id is None:
        return None
    return to_global_id(type_name, row_id)


@strawberry.type(description="A Markdown comment on any object (a project, a risk, ...), "
                             "possibly a reply to another comment. A deleted comment stays in "
                             "its thread with its body and mentions hidden.")
class Comment(relay.Node):
    id: relay.NodeID[int]
    parent_type: str = strawberry.field(
        description="The GraphQL type name of what is commented on, e.g. Risk.")
    edited_at: datetime | None = strawberry.field(
        description="When the body was last edited (UTC); null if never.")
    deleted_at: datetime | None = strawberry.field(
        description="When the comment was deleted (UTC); null while it stands.")
    created_at: datetime = strawberry.field(description="When it was written (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[CommentRow]

    @strawberry.field(description="The global id of what is commented on; pass it to node(id:).")
    def parent_id(self) -> strawberry.ID:
        return to_global_id(self.row.parent_type, self.row.parent_id)

    @strawberry.field(description="The text, in Markdown; null once the comment is deleted.")
    def body(self) -> str | None:
        return None if self.row.deleted_at is not None else self.row.body

    @strawberry.field(description="Who wrote it.", metadata=plan(person_of("author_id")))
    async def author(self, info: Info) -> LazyPerson | None:
        return await person_of("author_id").resolve(info, self.row)

    @strawberry.field(description="The people the comment mentions, in the order written; "
                                  "empty once the comment is deleted.")
    async def mentions(self, info: Info) -> list[LazyPerson]:
        from schema.organisation.types import Person

        if self.row.deleted_at is not None or not self.row.mentions:
            return []
        info.context.require("read", Resource("person"))
        rows = await info.context.loaders.by_id(PersonRow).load_many(self.row.mentions)
        return [Person.from_row(row) for row in rows if row is not None]

    @classmethod
    def policy_resource(cls, row: CommentRow) -> tuple[Resource, ...]:
        """What the policies are asked about this row: the comment, and the kind of thing it
        is on (a comment on what the viewer may not read is not theirs to read either)."""
        parent = resource_type_of(row.parent_type)
        comment = Resource("comment", id=row.id)
        return (comment,) if parent is None else (comment, Resource(parent))

    @strawberry.field(description="Whether the viewer may edit this comment (false once it "
                                  "is deleted).")
    def viewer_can_update(self, info: Info) -> bool:
        return self.row.deleted_at is None and info.context.can(
            "update", comment_resource(self.row))

    @strawberry.field(description="Whether the viewer may delete this comment (false once it "
                                  "is deleted).")
    def viewer_can_delete(self, info: Info) -> bool:
        return self.row.deleted_at is None and info.context.can(
            "delete", comment_resource(self.row))

    @strawberry.field(description="The comment this one answers; null for a thread's start.")
    async def reply_to(self, info: Info) -> Comment | None:
        if self.row.reply_to_id is None:
            return None
        info.context.require("read", Resource("comment"))
        row = await info.context.loaders.by_id(CommentRow).load(self.row.reply_to_id)
        return Comment.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: CommentRow) -> Comment:
        return cls(id=row.id, parent_type=row.parent_type,  # type: ignore[arg-type]
                   edited_at=row.edited_at, deleted_at=row.deleted_at,
                   created_at=row.created_at, updated_at=row.updated_at, row=row)


@strawberry.type(description="A message for one person about an object; unread until "
                             "`readAt` is set. Only its recipient (and the PMO) may read it.")
class Notification(relay.Node):
    id: relay.NodeID[int]
    kind: NotificationKind = strawberry.field(  # type: ignore[valid-type]
        description="What happened, for a program to act on.")
    message: str = strawberry.field(description="What happened, for a person to read.")
    entity_type: str | None = strawberry.field(
        description="The GraphQL type name of what it is about, e.g. Risk; null if nothing.")
    read_at: datetime | None = strawberry.field(
        description="When the recipient read it (UTC); null while unread.")
    created_at: datetime = strawberry.field(description="When it was sent (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[NotificationRow]

    @strawberry.field(description="The global id of what it is about; pass it to node(id:). "
                                  "Null when it is about nothing in particular.")
    def entity_id(self) -> strawberry.ID | None:
        return entity_id(self.row.entity_type, self.row.entity_id)

    @strawberry.field(description="Who it is for.", metadata=plan(person_of("recipient_id")))
    async def recipient(self, info: Info) -> LazyPerson | None:
        return await person_of("recipient_id").resolve(info, self.row)

    @classmethod
    def policy_resource(cls, row: NotificationRow) -> Resource:
        """What the policies are asked about this row: it belongs to its recipient."""
        return Resource("notification", id=row.id, recipient_id=row.recipient_id)

    @classmethod
    def from_row(cls, row: NotificationRow) -> Notification:
        return cls(id=row.id, kind=NotificationKindEnum(row.kind),  # type: ignore[arg-type]
                   message=row.message,
                   entity_type=row.entity_type, read_at=row.read_at,
                   created_at=row.created_at, updated_at=row.updated_at, row=row)


@strawberry.type(description="Whether a person wants one kind of notification on one "
                             "channel. Only that person (and the PMO) may read it.")
class NotificationPreference(relay.Node):
    id: relay.NodeID[int]
    kind: NotificationKind = strawberry.field(  # type: ignore[valid-type]
        description="The kind of notification.")
    channel: NotificationChannel = strawberry.field(  # type: ignore[valid-type]
        description="IN_APP or EMAIL.")
    enabled: bool = strawberry.field(description="Whether the person wants it there.")
    created_at: datetime = strawberry.field(description="When it was set (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[PreferenceRow]

    @strawberry.field(description="Whose preference it is.", metadata=plan(person_of("person_id")))
    async def person(self, info: Info) -> LazyPerson | None:
        return await person_of("person_id").resolve(info, self.row)

    @classmethod
    def policy_resource(cls, row: PreferenceRow) -> Resource:
        """What the policies are asked about this row: it belongs to its person."""
        return Resource("notification_preference", id=row.id, recipient_id=row.person_id)

    @classmethod
    def from_row(cls, row: PreferenceRow) -> NotificationPreference:
        return cls(id=row.id, kind=NotificationKindEnum(row.kind),  # type: ignore[arg-type]
                   channel=row.channel,
                   enabled=row.enabled, created_at=row.created_at,
                   updated_at=row.updated_at, row=row)


@strawberry.type(description="One webhook's delivery of one event, retried with back-off. "
                             "Readable by the PMO only.")
class WebhookDelivery(relay.Node):
    id: relay.NodeID[int]
    attempts: int = strawberry.field(description="How many times sending has been tried.")
    status: DeliveryStatus = strawberry.field(  # type: ignore[valid-type]
        description="PENDING, SUCCEEDED, FAILED (will retry) or DEAD (given up).")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next try is due (UTC); null when none is planned.")
    last_status_code: int | None = strawberry.field(
        description="The HTTP status the endpoint answered last; null if it never answered.")
    last_error: str | None = strawberry.field(description="What went wrong last, if anything.")
    created_at: datetime = strawberry.field(description="When the delivery was queued (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[DeliveryRow]

    @strawberry.field(description="The webhook it is sent to.")
    async def webhook(self, info: Info) -> Webhook | None:
        info.context.require("read", Resource("webhook"))
        row = await info.context.loaders.by_id(WebhookRow).load(self.row.webhook_id)
        return Webhook.from_row(row) if row else None

    @strawberry.field(description="The type of the event delivered, e.g. project.changed.")
    async def event_type(self, info: Info) -> str | None:
        event = await info.context.loaders.by_id(OutboxEventRow).load(self.row.event_id)
        return event.event_type if event else None

    @classmethod
    def from_row(cls, row: DeliveryRow) -> WebhookDelivery:
        return cls(id=row.id, attempts=row.attempts, status=row.status,  # type: ignore[arg-type]
                   next_attempt_at=row.next_attempt_at, last_status_code=row.last_status_code,
                   last_error=row.last_error, created_at=row.created_at,
                   updated_at=row.updated_at, row=row)


@strawberry.type(description="An HTTPS endpoint that receives the events it subscribes to, "
                             "signed. Readable by the PMO only; the signing key is never "
                             "shown.")
class Webhook(relay.Node):
    id: relay.NodeID[int]
    url: str = strawberry.field(description="Where events are POSTed.")
    event_types: list[str] = strawberry.field(
        description="The event types it subscribes to, e.g. project.changed.")
    active: bool = strawberry.field(description="Whether events are being sent to it.")
    created_at: datetime = strawberry.field(description="When it was registered (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row: strawberry.Private[WebhookRow]

    @strawberry.field(description="Its deliveries (default: newest first).")
    async def deliveries(self, info: Info, filter: Annotated[
                             LazyDeliveryFilter | None, strawberry.argument(
                                 description="Which deliveries; all given conditions must "
                                             "hold.")] = None,
                         order_by: Annotated[
                             list[LazyDeliveryOrder] | None, strawberry.argument(
                                 description="Sort terms in priority order (default: newest "
                                             "first).")] = None,
                         first: First = None, after: After = None, last: Last = None,
                         before: Before = None) -> Connection[WebhookDelivery]:
        from schema.collaboration.filters import DELIVERIES, delivery_conditions

        return await child_connection(info, DELIVERIES, DeliveryRow.webhook_id, self.row.id,
                                      delivery_conditions(filter), filter_key(filter), order_by,
                                      first, after, last, before)

    @classmethod
    def from_row(cls, row: WebhookRow) -> Webhook:
        return cls(id=row.id, url=row.url, event_types=list(row.event_types),  # type: ignore[arg-type]
                   active=row.active, created_at=row.created_at, updated_at=row.updated_at,
                   row=row)

