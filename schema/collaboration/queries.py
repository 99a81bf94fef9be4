"""Root lists of comments, the viewer's notifications and preferences, and webhooks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import strawberry
from sqlalchemy.sql.elements import ColumnElement

from policies.resources import Resource
from schema.base import unauthenticated_error
from schema.collaboration.filters import (
    COMMENTS,
    NOTIFICATION_PREFERENCES,
    NOTIFICATIONS,
    WEBHOOKS,
    CommentFilterArg,
    CommentOrderArg,
    NotificationFilterArg,
    NotificationOrderArg,
    NotificationPreferenceOrderArg,
    WebhookFilterArg,
    WebhookOrderArg,
    comment_conditions,
    notification_conditions,
    webhook_conditions,
)
from schema.collaboration.types import Comment, Notification, NotificationPreference, Webhook
from schema.context import Info
from schema.listing import ListSpec, root_connection
from schema.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
)
from server.domain.audit import queries as audit_queries
from server.domain.collaboration.models import Comment as CommentRow
from server.domain.collaboration.models import Notification as NotificationRow
from server.domain.collaboration.models import NotificationPreference as PreferenceRow

T = TypeVar("T")


def readable_parents(info: Info) -> list[ColumnElement[bool]]:
    """Comments only on what the viewer may read: the read rules as one SQL condition."""
    hidden = audit_queries.hidden_entity_types(
        lambda resource_type: info.context.can("read", Resource(resource_type)))
    return [CommentRow.parent_type.not_in(hidden)] if hidden else []  # type: ignore[attr-defined]


async def own_connection(info: Info, spec: ListSpec[T], owner_column: Any,
                         where: list[ColumnElement[bool]], order_by: Sequence[Any] | None,
                         first: int | None, after: str | None, last: int | None,
                         before: str | None) -> Connection[T]:
    """A page of the viewer's own rows of a personal type (notifications, preferences).

    The ``recipient`` rule becomes the SQL condition ``owner_column = viewer``: the policy is
    asked once whether the viewer may read their own rows, and no row is filtered in Python.
    """
    viewer = info.context.viewer
    if viewer is None:
        raise unauthenticated_error()
    me = viewer.subject.person_id
    return await root_connection(info, spec, [owner_column == me, *where], order_by, first,
                                 after, last, before,
                                 resource=Resource(spec.resource_type, recipient_id=me))


@strawberry.type
class CollaborationQueries:
    @strawberry.field(description="Comments on anything the viewer may read (default: oldest "
                                  "first); at most 500 per page.")
    async def comments(self, info: Info, filter: CommentFilterArg = None,
                       order_by: CommentOrderArg = None, first: First = None,
                       after: After = None, last: Last = None,
                       before: Before = None) -> Connection[Comment]:
        where = [*comment_conditions(filter), *readable_parents(info)]
        return await root_connection(info, COMMENTS, where, order_by, first, after, last,
                                     before)

    @strawberry.field(description="The viewer's own notifications (default: newest first); "
                                  "at most 500 per page.")
    async def notifications(self, info: Info, filter: NotificationFilterArg = None,
                            order_by: NotificationOrderArg = None, first: First = None,
                            after: After = None, last: Last = None,
                            before: Before = None) -> Connection[Notification]:
        return await own_connection(info, NOTIFICATIONS, NotificationRow.recipient_id,
                                    notification_conditions(filter), order_by,
                                    first, after, last, before)

    @strawberry.field(description="The viewer's own notification preferences (default: by "
                                  "kind, then channel); at most 500 per page.")
    async def notification_preferences(
        self, info: Info, order_by: NotificationPreferenceOrderArg = None,
        first: First = None, after: After = None, last: Last = None, before: Before = None,
    ) -> Connection[NotificationPreference]:
        return await own_connection(info, NOTIFICATION_PREFERENCES, PreferenceRow.person_id,
                                    [], order_by, first, after, last, before)

    @strawberry.field(description="Webhooks (default: oldest first); PMO only, FORBIDDEN for "
                                  "everyone else. At most 500 per page.")
    async def webhooks(self, info: Info, filter: WebhookFilterArg = None,
                       order_by: WebhookOrderArg = None, first: First = None,
                       after: After = None, last: Last = None,
                       before: Before = None) -> Connection[Webhook]:
        return await root_connection(info, WEBHOOKS, webhook_conditions(filter), order_by,
                                     first, after, last, before)
