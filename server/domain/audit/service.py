"""Writing the audit trail, in the same transaction as the change it records."""

from __future__ import annotations

import getpass
import os
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.actor import Actor
from server.domain.audit.models import AuditEvent
from server.domain.enums import AuditSource

# Never copied into the audit trail, whoever may read it later.
REDACTED_FIELDS = frozenset({"password_hash", "token_hash", "secret"})
SKIPPED_FIELDS = frozenset({"created_at", "updated_at", "version"})


def plain(value: Any) -> Any:
    """A field value as the audit trail keeps it (JSON: Decimal and dates as strings)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(row: SQLModel) -> dict[str, Any]:
    """The row's auditable fields as JSON-ready values."""
    data = row.model_dump()
    return {k: plain(v) for k, v in data.items()
            if k not in SKIPPED_FIELDS and k not in REDACTED_FIELDS and k != "id"}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{field: {before, after}}`` for the fields that changed."""
    keys = sorted(set(before) | set(after))
    return {k: {"before": before.get(k), "after": after.get(k)}
            for k in keys if before.get(k) != after.get(k)}


async def record(session: AsyncSession, *, actor: Actor, action: str, entity_type: str,
                 entity_id: int, changes: dict[str, dict[str, Any]]) -> AuditEvent:
    """Add an audit event to the session (the caller's unit of work commits it)."""
    event = AuditEvent(actor_id=actor.person_id, source=actor.source, action=action,
                       entity_type=entity_type, entity_id=entity_id, changes=changes)
    session.add(event)
    return event


async def record_cli(session: AsyncSession, *, action: str, row: SQLModel,
                     before: dict[str, Any] | None = None) -> AuditEvent:
    """Audit a change made from the command line: no person acted through the API, so the
    event has no actor; its source is CLI and ``cli_user`` names the operating-system user
    who ran the command."""
    entity_id = row.id  # type: ignore[attr-defined]
    changes = diff(before or {}, snapshot(row))
    changes["cli_user"] = {"before": None, "after": _os_user()}
    event = AuditEvent(actor_id=None, source=AuditSource.CLI, action=action,
                       entity_type=type(row).__tablename__, entity_id=entity_id,  # type: ignore[attr-defined]
                       changes=changes)
    session.add(event)
    return event


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. a bare container)
        return f"uid {os.getuid()}"
