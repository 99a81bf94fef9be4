"""The append-only audit trail and the daily project snapshots used for trends."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import Field, Relationship

from server.domain.base import (
    EnumField,
    ForeignKey,
    JSONField,
    Money,
    TimestampedTable,
    UTCDateTime,
    check,
    utcnow,
)
from server.domain.enums import AuditSource, ProjectStatus, Rag

if TYPE_CHECKING:
    from server.domain.organisation.models import Person


class AuditEvent(TimestampedTable, table=True):
    """Who changed what, when and from where; written in the change's own transaction."""

    __tablename__ = "audit_event"

    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    actor_id: int | None = ForeignKey("person", nullable=True)
    source: AuditSource = EnumField(AuditSource, index=True)
    action: str = Field(max_length=64, index=True)
    entity_type: str = Field(max_length=64)
    entity_id: int = Field()
    # {"field": {"before": ..., "after": ...}, ...}
    changes: dict[str, Any] = JSONField(default_factory=dict)
    # For the console's audit list only (lazy="raise"); None for the command line.
    actor: Person = Relationship(sa_relationship_kwargs={"lazy": "raise"})

    __table_args__ = (sa.Index("ix_audit_event_entity", "entity_type", "entity_id"),)


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, flush_context: Any, instances: Any) -> None:
    """Refuse, in the ORM, any update or delete of an audit row."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("audit events are append-only")


class ProjectSnapshot(TimestampedTable, table=True):
    """One row per project per day when taken: the figures trend reports plot."""

    __tablename__ = "project_snapshot"

    taken_on: date = Field(index=True)
    project_id: int = ForeignKey("project", ondelete="CASCADE")
    status: ProjectStatus = EnumField(ProjectStatus)
    health: Rag | None = EnumField(Rag, nullable=True)
    bac: Decimal = Money(default=Decimal("0"))
    pv: Decimal = Money(default=Decimal("0"))
    ev: Decimal = Money(default=Decimal("0"))
    ac: Decimal = Money(default=Decimal("0"))
    percent_complete: int = Field(default=0)
    open_risks: int = Field(default=0)
    open_issues: int = Field(default=0)

    __table_args__ = (
        sa.UniqueConstraint("project_id", "taken_on"),
        check("percent_complete BETWEEN 0 AND 100", "percent_complete_range"),
    )
