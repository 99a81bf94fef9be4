"""Field values as they were at a moment, read back from the audit trail.

Every change the services make is audited with each changed field's before and after value
(``service.diff``), so a field's value at a moment is the ``after`` of its last change before
that moment; if it only changed later, the ``before`` of its first later change; if it never
changed (or the row was written around the services, e.g. seeded), its current value. Values
come back in their JSON form (enum values, ISO dates, Decimals as strings), as the trail
keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.audit.models import AuditEvent
from server.domain.audit.service import plain


async def values_at(session: AsyncSession, rows: Sequence[SQLModel], fields: Sequence[str],
                    moment: datetime) -> dict[int, dict[str, Any]]:
    """``{row id: {field: value just before moment}}`` for rows of one table model, in one
    query over their audit events."""
    if not rows:
        return {}
    entity_type = type(rows[0]).__name__
    values = {row.id: {f: plain(getattr(row, f)) for f in fields}  # type: ignore[attr-defined]
              for row in rows}
    statement = (sa.select(AuditEvent.entity_id, AuditEvent.at, AuditEvent.changes)
                 .where(AuditEvent.entity_type == entity_type,
                        AuditEvent.entity_id.in_(list(values)))  # type: ignore[attr-defined]
                 .order_by(AuditEvent.at, AuditEvent.id))
    # Walk each row's changes newest first: a change at or after the moment rolls its field
    # back to ``before``; the newest change before the moment then fixes the field for good.
    settled: set[tuple[int, str]] = set()
    events = (await session.exec(statement)).all()  # type: ignore[call-overload]
    for entity_id, at, changes in reversed(events):
        for field in fields:
            change = (changes or {}).get(field)
            if change is None or (entity_id, field) in settled:
                continue
            if at >= moment:
                values[entity_id][field] = change.get("before")
            else:
                values[entity_id][field] = change.get("after")
                settled.add((entity_id, field))
    return values


__all__ = ["values_at"]
