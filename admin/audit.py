"""Every change made in the console is audited, in the console's own transaction.

SQLAdmin writes through its own sessions, so the console gets a session class of its own
(``ConsoleSession``) whose flushes are watched with SQLAlchemy's session events: after each
flush the inserted, updated and deleted rows become ``AuditEvent`` rows (source ``ADMIN``,
actor the logged-in PMO person), added after the flush so that the commit's next flush writes
them in the same transaction. The person is put in ``console_actor`` by the views' change
hooks, which SQLAdmin calls in the request's task just before it commits.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from server.domain.audit import service as audit
from server.domain.audit.models import AuditEvent
from server.domain.enums import AuditSource

console_actor: ContextVar[int | None] = ContextVar("console_actor", default=None)
_PENDING = "pmo_console_audit"


class ConsoleSession(Session):
    """The sync session behind the console's async sessions; its flushes are audited.

    Plain SQLAlchemy sessions, as SQLAdmin uses them (``session.execute``)."""


def _before(row: SQLModel) -> dict[str, Any]:
    """The row's auditable fields as they were before this flush."""
    values = audit.snapshot(row)
    for attr in inspect(row).attrs:
        history = attr.history
        if attr.key in values and history.has_changes():
            values[attr.key] = audit.plain(history.deleted[0]) if history.deleted else None
    return values


@event.listens_for(ConsoleSession, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    # Still the pre-flush picture (new/dirty/deleted and attribute history), ids assigned.
    pending: list[tuple[str, SQLModel, dict[str, Any]]] = session.info.setdefault(_PENDING, [])
    for row in session.new:
        if isinstance(row, SQLModel) and not isinstance(row, AuditEvent):
            pending.append(("create", row, audit.diff({}, audit.snapshot(row))))
    for row in session.dirty:
        if isinstance(row, SQLModel) and session.is_modified(row):
            changes = audit.diff(_before(row), audit.snapshot(row))
            if changes:
                pending.append(("update", row, changes))
    for row in session.deleted:
        if isinstance(row, SQLModel):
            pending.append(("delete", row, audit.diff(_before(row), {})))


@event.listens_for(ConsoleSession, "after_flush_postexec")
def _record(session: Session, _context: Any) -> None:
    # Session.commit flushes until nothing is pending, so these go in the same transaction.
    for action, row, changes in session.info.pop(_PENDING, []):
        session.add(AuditEvent(actor_id=console_actor.get(), source=AuditSource.ADMIN,
                               action=action, entity_type=type(row).__name__,
                               entity_id=row.id, changes=changes))  # type: ignore[attr-defined]


__all__ = ["ConsoleSession", "console_actor"]
