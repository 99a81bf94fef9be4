"""The viewer's notifications as they are created: live, after the transaction commits."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from policies.resources import Resource
from schema.base import unauthenticated_error
from schema.collaboration.types import Notification
from schema.context import Info
from server.domain.collaboration.models import Notification as NotificationRow
from server.domain.collaboration.service import NOTIFIED


@strawberry.type
class NotificationSubscriptions:
    @strawberry.subscription(description="Each notification created for the viewer (a mention, "
                                         "a reply), once its change has committed; nobody "
                                         "else's.")
    async def notification_received(self, info: Info) -> AsyncGenerator[Notification, None]:
        context = info.context
        if context.viewer is None:
            raise unauthenticated_error()
        me = context.viewer.subject.person_id
        mine = Resource("notification", recipient_id=me)
        context.require("read", mine)
        async for event in context.broadcast.subscribe():
            if event.type != NOTIFIED or event.payload.get("recipient_id") != me:
                continue
            if not context.can("read", mine):  # a role taken away meanwhile
                continue
            # A fresh read: the per-request loaders would serve what they cached earlier.
            async with context.sessions() as session:
                row = await session.get(NotificationRow, event.entity_id)
            if row is not None and row.recipient_id == me:
                yield Notification.from_row(row)
