"""Comment, notification and preference rules: authorized, audited, never committed.

Comments go on anything the actor may read; mentions (``@`` + an active person's email) and
replies notify people in the same transaction, as their in-app preferences allow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.main import default_registry

from policies.resources import PROJECT_CHILDREN, Resource
from server.domain import events
from server.domain.actor import Actor
from server.domain.audit import service as audit
from server.domain.base import utcnow
from server.domain.collaboration.models import (
    Comment,
    EmailMessage,
    Notification,
    NotificationPreference,
)
from server.domain.common import flush
from server.domain.enums import NotificationChannel
from server.domain.errors import DomainError, ErrorCode
from server.domain.events import DomainEvent
from server.domain.organisation.models import Person
from server.domain.project.access import project_resource
from server.domain.project.models import Project

MAX_BODY = 10_000
ADDED = "comment.added"
EDITED = "comment.edited"
DELETED = "comment.deleted"
NOTIFIED = events.NOTIFICATION_CREATED  # announced live only, never in the outbox
_NEW_NOTIFICATIONS = "pmo_new_notifications"
MAX_IDS = 500

# Things a comment cannot be on: other collaboration rows (a reply names its comment with
# replyToId instead), personal rows, secrets and the audit trail.
UNCOMMENTABLE = frozenset({
    "comment", "notification", "notification_preference", "api_token", "role_assignment",
    "audit_event", "webhook", "webhook_delivery",
})

# ``@`` + an email, not preceded by a word character or another ``@`` (so the middle of an
# address is no mention). Hand-written: mention syntax is ours, and the emails it finds are
# only candidates, each looked up among the active people; unknown ones stay plain text.
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


class NotificationKind(StrEnum):
    """What a notification is about; also the kinds a preference can be set for."""

    MENTION = "MENTION"
    REPLY = "REPLY"
    GATE_SUBMITTED = "GATE_SUBMITTED"
    GATE_DECIDED = "GATE_DECIDED"
    CHANGE_REQUEST_SUBMITTED = "CHANGE_REQUEST_SUBMITTED"
    CHANGE_REQUEST_DECIDED = "CHANGE_REQUEST_DECIDED"
    RISK_ESCALATED = "RISK_ESCALATED"
    OVER_ALLOCATED = "OVER_ALLOCATED"
    STATUS_REPORT_OVERDUE = "STATUS_REPORT_OVERDUE"


@dataclass(frozen=True, slots=True)
class Parent:
    """What a comment is to go on: its type name, table, policy resource type and row id."""

    type_name: str
    model: type[SQLModel]
    resource_type: str
    row_id: int


def comment_resource(row: Comment) -> Resource:
    """What the policies are asked about a comment: it and its author."""
    return Resource("comment", id=row.id, author_id=row.author_id)


def _body(value: str | None) -> str:
    """The trimmed body: REQUIRED when empty, TOO_LONG past ``MAX_BODY`` characters."""
    body = (value or "").strip()
    if not body:
        raise DomainError.one("body", "body cannot be empty", ErrorCode.REQUIRED)
    if len(body) > MAX_BODY:
        raise DomainError.one("body", f"body is {len(body)} characters; at most {MAX_BODY}",
                              ErrorCode.TOO_LONG)
    return body


def mention_candidates(body: str) -> list[str]:
    """The emails written as ``@email`` in ``body``, lower-cased, first occurrence first."""
    found = (m.group(1).rstrip(".").lower() for m in _MENTION.finditer(body))
    return list(dict.fromkeys(found))


async def parse_mentions(session: AsyncSession, body: str) -> list[int]:
    """The ids of the active people ``body`` mentions, deduplicated, in the order written."""
    emails = mention_candidates(body)
    if not emails:
        return []
    rows = (await session.exec(
        select(Person.id, Person.email).where(
            Person.email.in_(emails), Person.active.is_(True))  # type: ignore[attr-defined]
    )).all()
    by_email = {email: person_id for person_id, email in rows}
    return [by_email[email] for email in emails if email in by_email]


async def _parent_resource(session: AsyncSession, parent: Parent, row: Any) -> Resource:
    """How the policies see the parent row: with its project's relationships if it has one."""
    if parent.resource_type == "project":
        return await project_resource(session, row.id, "project", field="parentId",
                                      row_id=row.id)
    project_id = getattr(row, "project_id", None)
    if parent.resource_type in PROJECT_CHILDREN and project_id is not None:
        return await project_resource(session, project_id, parent.resource_type,
                                      field="parentId", row_id=row.id)
    return Resource(parent.resource_type, id=row.id)


async def _readable_parent(session: AsyncSession, actor: Actor, parent: Parent) -> Any:
    """The parent row, once it may carry comments and the actor may read it.

    A parent of a type the actor may not read is FORBIDDEN whether or not it exists, so the
    answer does not tell somebody else's row from no row (as ``node(id:)`` does).
    """
    if parent.resource_type in UNCOMMENTABLE:
        raise DomainError.one("parentId", f"a {parent.type_name} cannot carry comments",
                              ErrorCode.INVALID)
    actor.require("read", Resource(parent.resource_type, id=parent.row_id))
    row = await session.get(parent.model, parent.row_id)
    if row is None:
        raise DomainError.one("parentId", f"no {parent.type_name} with this id",
                              ErrorCode.NOT_FOUND)
    actor.require("read", await _parent_resource(session, parent, row))
    return row


def _words(type_name: str) -> str:
    """``ChangeRequest`` -> ``Change request``, for messages."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type_name).lower()
    return words[:1].upper() + words[1:]


async def _label(session: AsyncSession, type_name: str, parent_id: int,
                 model: type[SQLModel] | None = None) -> str:
    """How a message names the parent: ``Risk 'Vendor late'``, or ``Risk #7`` without a name."""
    row = await session.get(model, parent_id) if model is not None else None
    for attr in ("full_name", "title", "name", "code"):
        value = getattr(row, attr, None) if row is not None else None
        if isinstance(value, str) and value:
            return f"{_words(type_name)} '{value}'"
    return f"{_words(type_name)} #{parent_id}"


async def _wants(session: AsyncSession, person_id: int, kind: NotificationKind,
                 channel: NotificationChannel = NotificationChannel.IN_APP) -> bool:
    """Whether the person takes notifications of this kind on this channel (yes unless
    turned off)."""
    enabled = (await session.exec(
        select(NotificationPreference.enabled).where(
            NotificationPreference.person_id == person_id,
            NotificationPreference.kind == kind.value,
            NotificationPreference.channel == channel)
    )).first()
    return enabled is not False


async def _email(session: AsyncSession, *, recipient_id: int, kind: NotificationKind,
                 entity: tuple[str, int], message: str, once: bool) -> None:
    """Queue the notification as an email (``pmo notify send`` sends it), unless the
    recipient turned emails of this kind off."""
    if not await _wants(session, recipient_id, kind, NotificationChannel.EMAIL):
        return
    if once and (await session.exec(select(EmailMessage.id).where(
            EmailMessage.recipient_id == recipient_id, EmailMessage.kind == kind.value,
            EmailMessage.entity_type == entity[0], EmailMessage.entity_id == entity[1],
            EmailMessage.message == message))).first() is not None:
        return
    session.add(EmailMessage(recipient_id=recipient_id, kind=kind.value, entity_type=entity[0],
                             entity_id=entity[1], message=message, next_attempt_at=utcnow()))


async def _notify(session: AsyncSession, *, recipient_id: int, kind: NotificationKind,
                  comment: Comment, message: str) -> Notification | None:
    """Add an in-app notification about the comment's parent, unless the recipient opted out."""
    return await deliver(session, recipient_id=recipient_id, kind=kind,
                         entity=(comment.parent_type, comment.parent_id), message=message,
                         flush_now=False)


async def deliver(session: AsyncSession, *, recipient_id: int, kind: NotificationKind,
                  entity: tuple[str, int], message: str, once: bool = False,
                  flush_now: bool = True) -> Notification | None:
    """Add an in-app notification of ``kind`` about ``entity`` for the recipient, unless they
    turned that kind off. ``once``: nothing if they already have this very message of this
    kind about this entity (a message naming its period makes a raise once per period). The
    notification is announced to their live subscription after commit. The email channel is
    queued alongside, by its own preference."""
    await _email(session, recipient_id=recipient_id, kind=kind, entity=entity, message=message,
                 once=once)
    if not await _wants(session, recipient_id, kind):
        return None
    if once:
        existing = (await session.exec(select(Notification.id).where(
            Notification.recipient_id == recipient_id, Notification.kind == kind.value,
            Notification.entity_type == entity[0], Notification.entity_id == entity[1],
            Notification.message == message))).first()
        if existing is not None:
            return None
    notification = Notification(recipient_id=recipient_id, kind=kind.value,
                                entity_type=entity[0], entity_id=entity[1], message=message)
    session.add(notification)
    session.info.setdefault(_NEW_NOTIFICATIONS, []).append(notification)
    if flush_now:
        await _flush_notifications(session)
    return notification


async def _flush_notifications(session: AsyncSession) -> None:
    """Write the new notifications and announce each to its recipient's live subscription
    (after commit; never to webhooks)."""
    await flush(session, "notification")
    for notification in session.info.pop(_NEW_NOTIFICATIONS, []):
        events.announce(session, DomainEvent(
            NOTIFIED, "Notification", notification.id, None,
            {"recipient_id": notification.recipient_id}))


async def _notify_mentions(session: AsyncSession, *, actor: Actor, comment: Comment,
                           people: Sequence[int], label: str) -> set[int]:
    """Notify each of ``people`` (never the author) of being mentioned; who was notified."""
    author = await session.get(Person, actor.person_id)
    name = author.full_name if author is not None else "Someone"
    notified: set[int] = set()
    for person_id in people:
        if person_id == comment.author_id:
            continue
        if await _notify(session, recipient_id=person_id, kind=NotificationKind.MENTION,
                         comment=comment, message=f"{name} mentioned you on {label}"):
            notified.add(person_id)
    return notified


async def _reply_target(session: AsyncSession, reply_to_id: int | None,
                        parent: Parent) -> Comment | None:
    """The comment replied to: it exists, stands, and is on the same parent."""
    if reply_to_id is None:
        return None
    target = await session.get(Comment, reply_to_id)
    if target is None:
        raise DomainError.one("replyToId", "no comment with this id", ErrorCode.NOT_FOUND)
    if (target.parent_type, target.parent_id) != (parent.type_name, parent.row_id):
        raise DomainError.one("replyToId", "a reply must be on the same object as the "
                              "comment it answers", ErrorCode.INVALID)
    if target.deleted_at is not None:
        raise DomainError.one("replyToId", "this comment was deleted", ErrorCode.INVALID)
    return target


async def _portfolio_of(session: AsyncSession, parent_row: Any) -> int | None:
    """The portfolio the commented object belongs to (for event subscribers), if any."""
    portfolio_id = getattr(parent_row, "portfolio_id", None)
    if portfolio_id is None and getattr(parent_row, "project_id", None) is not None:
        project = await session.get(Project, parent_row.project_id)
        portfolio_id = project.portfolio_id if project is not None else None
    return portfolio_id if isinstance(portfolio_id, int) else None


async def add(session: AsyncSession, *, actor: Actor, parent: Parent, body: str | None,
              reply_to_id: int | None = None) -> Comment:
    """Comment on something the actor may read, notifying the people mentioned and the
    author replied to. Raises DomainError or Forbidden."""
    actor.require("create", Resource("comment", author_id=actor.person_id))
    parent_row = await _readable_parent(session, actor, parent)
    text = _body(body)
    target = await _reply_target(session, reply_to_id, parent)
    comment = Comment(parent_type=parent.type_name, parent_id=parent.row_id,
                      author_id=actor.person_id, body=text,
                      mentions=await parse_mentions(session, text),
                      reply_to_id=target.id if target is not None else None)
    session.add(comment)
    await flush(session, "comment")
    await audit.record(session, actor=actor, action="create", entity_type="Comment",
                       entity_id=comment.id,  # type: ignore[arg-type]
                       changes=audit.diff({}, audit.snapshot(comment)))
    label = await _label(session, parent.type_name, parent.row_id, type(parent_row))
    notified = await _notify_mentions(session, actor=actor, comment=comment,
                                      people=comment.mentions, label=label)
    # Somebody both mentioned and answered hears about it once, as a mention; with mentions
    # turned off they still hear about the reply.
    if target is not None and target.author_id not in notified | {actor.person_id}:
        replied = await session.get(Person, target.author_id)
        if replied is not None and replied.active:
            author = await session.get(Person, actor.person_id)
            name = author.full_name if author is not None else "Someone"
            await _notify(session, recipient_id=target.author_id, kind=NotificationKind.REPLY,
                          comment=comment, message=f"{name} replied to your comment on {label}")
    await _flush_notifications(session)
    events.stage(session, DomainEvent(
        ADDED, "Comment", comment.id, await _portfolio_of(session, parent_row),  # type: ignore[arg-type]
        {"parent_type": comment.parent_type, "parent_id": comment.parent_id,
         "author_id": comment.author_id, "reply_to_id": comment.reply_to_id,
         "mentions": list(comment.mentions)}))
    return comment


async def _standing(session: AsyncSession, actor: Actor, action: str,
                    comment_id: int) -> Comment:
    comment = await session.get(Comment, comment_id)
    if comment is None:
        raise DomainError.one("id", "no comment with this id", ErrorCode.NOT_FOUND)
    actor.require(action, comment_resource(comment))
    if comment.deleted_at is not None:
        raise DomainError.one("id", "this comment was deleted", ErrorCode.INVALID)
    return comment


async def edit(session: AsyncSession, *, actor: Actor, comment_id: int,
               body: str | None) -> Comment:
    """Change a comment's body (its author, or the PMO moderating, as the policies say);
    people newly mentioned are notified. Raises DomainError or Forbidden."""
    comment = await _standing(session, actor, "update", comment_id)
    text = _body(body)
    if text == comment.body:
        return comment
    before = audit.snapshot(comment)
    mentions = await parse_mentions(session, text)
    new_people = [p for p in mentions if p not in set(comment.mentions)]
    comment.body = text
    comment.mentions = mentions
    comment.edited_at = utcnow()
    session.add(comment)
    await flush(session, "comment")
    await audit.record(session, actor=actor, action="update", entity_type="Comment",
                       entity_id=comment.id,  # type: ignore[arg-type]
                       changes=audit.diff(before, audit.snapshot(comment)))
    label = await _label(session, comment.parent_type, comment.parent_id,
                         _model_of(session, comment.parent_type))
    await _notify_mentions(session, actor=actor, comment=comment, people=new_people,
                           label=label)
    await _flush_notifications(session)
    await _stage_comment(session, EDITED, comment)
    return comment


async def _stage_comment(session: AsyncSession, event_type: str, comment: Comment) -> None:
    """Stage a comment event for webhooks, as adding one does."""
    model = _model_of(session, comment.parent_type)
    parent = await session.get(model, comment.parent_id) if model is not None else None
    events.stage(session, DomainEvent(
        event_type, "Comment", comment.id,  # type: ignore[arg-type]
        await _portfolio_of(session, parent) if parent is not None else None,
        {"parent_type": comment.parent_type, "parent_id": comment.parent_id,
         "author_id": comment.author_id, "mentions": list(comment.mentions)}))


def _model_of(session: AsyncSession, type_name: str) -> type[SQLModel] | None:
    """The table model named ``type_name`` (entity type names are model names)."""
    for mapper in default_registry.mappers:
        if mapper.class_.__name__ == type_name:
            return mapper.class_  # type: ignore[no-any-return]
    return None


async def delete(session: AsyncSession, *, actor: Actor, comment_id: int) -> Comment:
    """Soft-delete a comment (its author, or the PMO): it keeps its place in the thread, its
    body stays in the row but is no longer shown. Raises DomainError or Forbidden."""
    comment = await _standing(session, actor, "delete", comment_id)
    before = audit.snapshot(comment)
    comment.deleted_at = utcnow()
    session.add(comment)
    await flush(session, "comment")
    await audit.record(session, actor=actor, action="delete", entity_type="Comment",
                       entity_id=comment.id,  # type: ignore[arg-type]
                       changes=audit.diff(before, audit.snapshot(comment)))
    await _stage_comment(session, DELETED, comment)
    return comment


async def mark_read(session: AsyncSession, *, actor: Actor,
                    ids: Sequence[int | None] | None, all: bool = False) -> int:
    """Mark notifications read: the given ones, or all the actor's unread ones; how many
    changed (already read ones do not count). Somebody else's notification, or one that does
    not exist, is FORBIDDEN, as ``node(id:)`` answers. Raises DomainError or Forbidden."""
    me = actor.person_id
    actor.require("update", Resource("notification", recipient_id=me))
    if all and ids:
        raise DomainError.one("ids", "give ids or all, not both", ErrorCode.INVALID)
    if all:
        rows = list((await session.exec(
            select(Notification).where(Notification.recipient_id == me,
                                       Notification.read_at.is_(None))  # type: ignore[union-attr]
            .order_by(Notification.id)
        )).all())
    else:
        if not ids:
            raise DomainError.one("ids", "give the notifications to mark, or all: true",
                                  ErrorCode.REQUIRED)
        if len(ids) > MAX_IDS:
            raise DomainError.one("ids", f"at most {MAX_IDS} ids at once", ErrorCode.TOO_LONG)
        for index, value in enumerate(ids):
            if value is None:
                raise DomainError.one(("ids", str(index)), "not a valid Notification id",
                                      ErrorCode.INVALID)
        found = {row.id: row for row in (await session.exec(
            select(Notification).where(Notification.id.in_(ids))  # type: ignore[union-attr]
        )).all()}
        rows = []
        for index, notification_id in enumerate(ids):
            row = found.pop(notification_id, None)  # type: ignore[arg-type]
            if row is None and notification_id in {r.id for r in rows}:
                continue  # named twice
            if row is None:
                # The type's answer, as for a missing row in node(id:): FORBIDDEN to all but
                # the PMO, who is told it is not there.
                actor.require("update", Resource("notification", id=notification_id))
                raise DomainError.one(("ids", str(index)), "no notification with this id",
                                      ErrorCode.NOT_FOUND)
            actor.require("update", Resource("notification", id=row.id,
                                             recipient_id=row.recipient_id))
            rows.append(row)
        rows = [row for row in rows if row.read_at is None]
    now = utcnow()
    for row in rows:
        row.read_at = now
        session.add(row)
        await audit.record(session, actor=actor, action="update", entity_type="Notification",
                           entity_id=row.id,  # type: ignore[arg-type]
                           changes={"read_at": {"before": None, "after": audit.plain(now)}})
    await flush(session, "notification")
    return len(rows)


async def set_preference(session: AsyncSession, *, actor: Actor, kind: NotificationKind,
                         channel: NotificationChannel, enabled: bool) -> NotificationPreference:
    """Create or change the actor's own preference for a kind on a channel."""
    me = actor.person_id
    actor.require("update", Resource("notification_preference", recipient_id=me))
    row = (await session.exec(
        select(NotificationPreference).where(NotificationPreference.person_id == me,
                                             NotificationPreference.kind == kind.value,
                                             NotificationPreference.channel == channel)
    )).first()
    before: dict[str, Any] = {}
    if row is None:
        row = NotificationPreference(person_id=me, kind=kind.value, channel=channel,
                                     enabled=enabled)
    else:
        before = audit.snapshot(row)
        if row.enabled == enabled:
            return row
        row.enabled = enabled
    session.add(row)
    await flush(session, "notification preference", on_unique=DomainError.one(
        "kind", "this preference was just set by another request; try again",
        ErrorCode.DUPLICATE))
    await audit.record(session, actor=actor, action="update" if before else "create",
                       entity_type="NotificationPreference",
                       entity_id=row.id,  # type: ignore[arg-type]
                       changes=audit.diff(before, audit.snapshot(row)))
    return row

