"""Inputs and payloads of the comment, notification and preference mutations."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.base import UserError
from schema.collaboration.types import (
    Comment,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)


def _errors() -> Any:
    return strawberry.field(default_factory=list,
                            description="What was wrong with the input; empty on success.")


_BODY = ("The text, in Markdown (trimmed, 1-10,000 characters). `@` followed by an active "
         "person's email (`@bob@example.com`) mentions and notifies them.")


@strawberry.input(description="A new comment on any object the viewer may read.")
class AddCommentInput:
    parent_id: strawberry.ID = strawberry.field(
        description="The global id of what is commented on (a project, a risk, ...).")
    body: str = strawberry.field(description=_BODY)
    reply_to_id: strawberry.ID | None = strawberry.field(
        default=None, description="The comment this one answers; it must be on the same "
                                  "object. Its author is notified (REPLY).")


@strawberry.input(description="A new body for one of the viewer's own comments.")
class EditCommentInput:
    id: strawberry.ID = strawberry.field(description="The comment's global id.")
    body: str = strawberry.field(description=_BODY + " Only people not mentioned before are "
                                                     "notified.")


@strawberry.input(description="A comment to delete.")
class DeleteCommentInput:
    id: strawberry.ID = strawberry.field(description="The comment's global id.")


@strawberry.input(description="Which of the viewer's notifications to mark read: `ids`, or "
                              "`all: true` for every unread one.")
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The notifications' global ids (at most 500); somebody "
                                  "else's is FORBIDDEN.")
    all: bool | None = strawberry.field(
        default=None, description="Mark every unread notification of the viewer read.")


@strawberry.input(description="The viewer's wish for one kind of notification on one "
                              "channel; set again to change it.")
class SetNotificationPreferenceInput:
    kind: NotificationKind = strawberry.field(  # type: ignore[valid-type]
        description="The kind of notification.")
    channel: NotificationChannel = strawberry.field(  # type: ignore[valid-type]
        description="IN_APP or EMAIL.")
    enabled: bool = strawberry.field(description="Whether the viewer wants it there.")


@strawberry.type(description="The result of addComment.")
class AddCommentPayload:
    comment: Comment | None = strawberry.field(description="The new comment, if added.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of editComment.")
class EditCommentPayload:
    comment: Comment | None = strawberry.field(description="The comment after the edit.")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of deleteComment.")
class DeleteCommentPayload:
    comment: Comment | None = strawberry.field(
        description="The comment, now deleted (its body and mentions hidden).")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of markNotificationsRead.")
class MarkNotificationsReadPayload:
    count: int = strawberry.field(
        default=0, description="How many notifications were marked read now (those already "
                               "read do not count).")
    user_errors: list[UserError] = _errors()


@strawberry.type(description="The result of setNotificationPreference.")
class SetNotificationPreferencePayload:
    notification_preference: NotificationPreference | None = strawberry.field(
        description="The viewer's preference as it now stands.")
    user_errors: list[UserError] = _errors()
