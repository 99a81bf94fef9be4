"""Comment, notification and preference mutations: thin wrappers over the collaboration
service, one audited transaction each."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from schema.base import decode_id, input_id
from schema.collaboration.inputs import (
    AddCommentInput,
    AddCommentPayload,
    DeleteCommentInput,
    DeleteCommentPayload,
    EditCommentInput,
    EditCommentPayload,
    MarkNotificationsReadInput,
    MarkNotificationsReadPayload,
    SetNotificationPreferenceInput,
    SetNotificationPreferencePayload,
)
from schema.collaboration.types import Comment, NotificationPreference
from schema.context import Info
from schema.node import NODE_TYPES
from server.domain.collaboration import service
from server.domain.errors import DomainError, ErrorCode


def _parent(value: str) -> service.Parent:
    """The object a global id names, as the service sees it (INVALID if it names none)."""
    decoded = decode_id(value)
    if decoded is None or decoded[0] not in NODE_TYPES:
        raise DomainError.one("parentId", "not a valid id of anything comments can be on",
                              ErrorCode.INVALID)
    type_name, row_id = decoded
    _, model, resource_type = NODE_TYPES[type_name]
    return service.Parent(type_name, model, resource_type, row_id)


def _comment_id(value: str, field: str = "id") -> int:
    decoded = input_id(value, expected="Comment", field=field)
    if decoded is None:
        raise DomainError.one(field, f"{field} is required", ErrorCode.REQUIRED)
    return decoded


def _notification_ids(values: list[strawberry.ID]) -> list[int | None]:
    return [decoded[1] if (decoded := decode_id(v, expected="Notification")) else None
            for v in values]


def _comment(row: Any) -> Comment | None:
    return Comment.from_row(row) if row is not None else None


@strawberry.type
class CommentMutations:
    @strawberry.mutation(description="Comment on anything the viewer may read (PMO, PMs and "
                                     "executives; analysts are read-only). People mentioned as "
                                     "`@email` and the author answered are notified.")
    async def add_comment(self, info: Info,
                          input: Annotated[AddCommentInput, strawberry.argument(
                              description="What to comment on and what to say.")],
                          ) -> AddCommentPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            reply_to = (None if input.reply_to_id is None
                        else _comment_id(input.reply_to_id, "replyToId"))
            return await service.add(session, actor=actor, parent=_parent(input.parent_id),
                                     body=input.body, reply_to_id=reply_to)

        row, errors = await info.context.mutate(work)
        return AddCommentPayload(comment=_comment(row), user_errors=errors)

    @strawberry.mutation(description="Change the body of a comment (its author, or the PMO "
                                     "moderating); a deleted comment cannot be edited. Sets "
                                     "editedAt.")
    async def edit_comment(self, info: Info,
                           input: Annotated[EditCommentInput, strawberry.argument(
                               description="The comment and its new body.")],
                           ) -> EditCommentPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await service.edit(session, actor=actor, comment_id=_comment_id(input.id),
                                      body=input.body)

        row, errors = await info.context.mutate(work)
        return EditCommentPayload(comment=_comment(row), user_errors=errors)

    @strawberry.mutation(description="Delete a comment (its author, or the PMO). It keeps its "
                                     "place in the thread with its body hidden.")
    async def delete_comment(self, info: Info,
                             input: Annotated[DeleteCommentInput, strawberry.argument(
                                 description="The comment to delete.")],
                             ) -> DeleteCommentPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await service.delete(session, actor=actor,
                                        comment_id=_comment_id(input.id))

        row, errors = await info.context.mutate(work)
        return DeleteCommentPayload(comment=_comment(row), user_errors=errors)


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(description="Mark the viewer's notifications read: the ones named, "
                                     "or all unread ones. Somebody else's is FORBIDDEN.")
    async def mark_notifications_read(
        self, info: Info,
        input: Annotated[MarkNotificationsReadInput, strawberry.argument(
            description="Which notifications.")],
    ) -> MarkNotificationsReadPayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            ids = None if input.ids is None else _notification_ids(input.ids)
            return await service.mark_read(session, actor=actor, ids=ids,
                                           all=bool(input.all))

        count, errors = await info.context.mutate(work)
        return MarkNotificationsReadPayload(count=count or 0, user_errors=errors)

    @strawberry.mutation(description="Turn one kind of notification on or off on one channel, "
                                     "for the viewer only. A kind turned off IN_APP is not "
                                     "sent to the viewer at all.")
    async def set_notification_preference(
        self, info: Info,
        input: Annotated[SetNotificationPreferenceInput, strawberry.argument(
            description="The kind, the channel and whether it is wanted.")],
    ) -> SetNotificationPreferencePayload:
        actor = info.context.actor

        async def work(session: AsyncSession) -> Any:
            return await service.set_preference(session, actor=actor, kind=input.kind,
                                                channel=input.channel, enabled=input.enabled)

        row, errors = await info.context.mutate(work)
        return SetNotificationPreferencePayload(
            notification_preference=(NotificationPreference.from_row(row)
                                     if row is not None else None),
            user_errors=errors)
