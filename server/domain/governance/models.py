"""Governance templates kept by the PMO, their copies on projects, and reference data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from server.domain.base import (
    EnumField,
    ForeignKey,
    TimestampedTable,
    UTCDateTime,
    VersionedTable,
    check,
)
from server.domain.enums import ApproverRole, DocumentKind, EvmMetric, GateDecision, GateStatus


class GovernanceTemplate(VersionedTable, table=True):
    """A named lifecycle (ordered gates with checklists) that projects follow."""

    __tablename__ = "governance_template"

    name: str = Field(max_length=200, unique=True, index=True)
    description: str | None = Field(default=None)
    methodology: str = Field(default="Waterfall", max_length=64)
    active: bool = Field(default=True, index=True)

    def __str__(self) -> str:  # how the console names it in pickers
        return self.name


# The template relationships exist for the console (SQLAdmin picks a gate's template and an
# item's gate through them and loads them explicitly); lazy="raise" keeps them from ever
# loading implicitly in the async services.
_EXPLICIT = {"lazy": "raise"}


class GateTemplate(VersionedTable, table=True):
    """A stage gate in a governance template, decided by ``approver_role``."""

    __tablename__ = "gate_template"

    governance_template_id: int = ForeignKey("governance_template", ondelete="CASCADE")
    sequence: int = Field()
    name: str = Field(max_length=200)
    description: str | None = Field(default=None)
    approver_role: ApproverRole = EnumField(ApproverRole, default=ApproverRole.EXECUTIVE)
    # Its GO takes the project's first baseline (at most one such gate in a template).
    takes_baseline: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    governance_template: GovernanceTemplate = Relationship(sa_relationship_kwargs=_EXPLICIT)

    __table_args__ = (
        check("sequence >= 1", "sequence_positive"),
        sa.UniqueConstraint("governance_template_id", "sequence"),
        sa.Index("uq_gate_template_baseline_gate", "governance_template_id", unique=True,
                 postgresql_where=sa.text("takes_baseline"),
                 sqlite_where=sa.text("takes_baseline")),
    )

    def __str__(self) -> str:  # how the console names it in pickers
        return f"Gate {self.sequence}: {self.name}"


class ChecklistItemTemplate(TimestampedTable, table=True):
    """An item to complete before a gate may be submitted."""

    __tablename__ = "checklist_item_template"

    gate_template_id: int = ForeignKey("gate_template", ondelete="CASCADE")
    sequence: int = Field(default=1)
    text: str = Field()
    mandatory: bool = Field(default=True)
    gate_template: GateTemplate = Relationship(sa_relationship_kwargs=_EXPLICIT)


class DocumentTemplate(VersionedTable, table=True):
    """A Markdown document with ``{{project.name}}``-style placeholders."""

    __tablename__ = "document_template"

    name: str = Field(max_length=200, unique=True, index=True)
    kind: DocumentKind = EnumField(DocumentKind, index=True)
    body: str = Field(default="")
    active: bool = Field(default=True)


class ProjectGate(TimestampedTable, table=True):
    """A project's own copy of a template gate; later template edits never touch it."""

    __tablename__ = "project_gate"

    project_id: int = ForeignKey("project", ondelete="CASCADE")
    gate_template_id: int | None = ForeignKey("gate_template", nullable=True)
    sequence: int = Field()
    name: str = Field(max_length=200)
    description: str | None = Field(default=None)
    approver_role: ApproverRole = EnumField(ApproverRole)
    takes_baseline: bool = Field(default=False,  # copied from its template gate
                                 sa_column_kwargs={"server_default": sa.false()})
    status: GateStatus = EnumField(GateStatus, index=True, default=GateStatus.PENDING)
    decision: GateDecision | None = EnumField(GateDecision, nullable=True)
    submitted_by_id: int | None = ForeignKey("person", nullable=True)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_id: int | None = ForeignKey("person", nullable=True)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = Field(default=None)

    __table_args__ = (
        check("sequence >= 1", "sequence_positive"),
        check("(decision IS NULL) = (decided_at IS NULL)", "decided_iff_decision"),
        sa.UniqueConstraint("project_id", "sequence"),
    )


class ProjectChecklistItem(TimestampedTable, table=True):
    """A project's copy of a checklist item, ticked off with evidence."""

    __tablename__ = "project_checklist_item"

    project_gate_id: int = ForeignKey("project_gate", ondelete="CASCADE")
    sequence: int = Field(default=1)
    text: str = Field()
    mandatory: bool = Field(default=True)
    done: bool = Field(default=False, index=True)
    done_by_id: int | None = ForeignKey("person", nullable=True)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    evidence_url: str | None = Field(default=None, max_length=2000)


class ProjectType(TimestampedTable, table=True):
    """Reference data: a kind of project (infrastructure, product, compliance, ...)."""

    __tablename__ = "project_type"

    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200)
    description: str | None = Field(default=None)
    active: bool = Field(default=True)


class RiskCategory(TimestampedTable, table=True):
    """Reference data: a risk category (technical, financial, ...)."""

    __tablename__ = "risk_category"

    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200)
    description: str | None = Field(default=None)
    active: bool = Field(default=True)


class RagThreshold(TimestampedTable, table=True):
    """Reference data: CPI or SPI bands; green at or above ``green_at``, amber at or above
    ``amber_at``, else red."""

    __tablename__ = "rag_threshold"

    metric: EvmMetric = EnumField(EvmMetric)
    green_at: Decimal = Field(sa_type=sa.Numeric(6, 3))
    amber_at: Decimal = Field(sa_type=sa.Numeric(6, 3))

    __table_args__ = (
        sa.UniqueConstraint("metric"),
        check("amber_at >= 0 AND green_at >= amber_at", "bands_ordered"),
    )


class Setting(TimestampedTable, table=True):
    """Reference data: organisation-wide settings such as ``base_currency``."""

    key: str = Field(max_length=64, unique=True, index=True)
    value: str = Field(max_length=2000)
