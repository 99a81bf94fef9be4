"""Projects, their numbered baselines, milestones, costs and strategic alignment."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import query_expression
from sqlmodel import Field

from server.domain.base import (
    EnumField,
    ForeignKey,
    JSONField,
    Money,
    TimestampedTable,
    UTCDateTime,
    VersionedTable,
    check,
    utcnow,
)
from server.domain.enums import CostCategory, MilestoneStatus, ProjectStatus, Rag


class Project(VersionedTable, table=True):
    """A project under PMO governance; ``budget_at_completion`` is its BAC."""

    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    description: str | None = Field(default=None)
    portfolio_id: int = ForeignKey("portfolio")
    program_id: int | None = ForeignKey("program", nullable=True)
    manager_id: int = ForeignKey("person")
    sponsor_id: int | None = ForeignKey("person", nullable=True)
    department_id: int | None = ForeignKey("department", nullable=True)
    project_type_id: int | None = ForeignKey("project_type", nullable=True)
    governance_template_id: int | None = ForeignKey("governance_template", nullable=True)
    status: ProjectStatus = EnumField(ProjectStatus, index=True, default=ProjectStatus.PROPOSED)
    priority: int = Field(default=3, index=True)
    budget_at_completion: Decimal = Money(default=Decimal("0"))
    planned_start: date | None = Field(default=None, index=True)
    planned_finish: date | None = Field(default=None, index=True)
    baseline_start: date | None = Field(default=None)
    baseline_finish: date | None = Field(default=None)
    baseline_budget: Decimal | None = Money(nullable=True)
    actual_start: date | None = Field(default=None)
    actual_finish: date | None = Field(default=None)
    forecast_finish: date | None = Field(default=None)
    percent_complete: int = Field(default=0)
    health_override: Rag | None = EnumField(Rag, nullable=True)
    # The latest change to anything the project's report row shows (its children, the names
    # it shows); kept by reporting.changes, never by an edit of the project alone.
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False,
                                 index=True)
    # Not a column: the health's rank (0 green, 1 amber, 2 red), filled in by a list ordered
    # by health (``with_expression``) so a page's cursors can carry it; None otherwise.
    health_rank: ClassVar[Any] = query_expression()

    __table_args__ = (
        check("priority BETWEEN 1 AND 5", "priority_range"),
        check("percent_complete BETWEEN 0 AND 100", "percent_complete_range"),
        check("budget_at_completion >= 0", "bac_non_negative"),
        check("baseline_budget IS NULL OR baseline_budget >= 0", "baseline_budget_non_negative"),
        check(
            "planned_start IS NULL OR planned_finish IS NULL OR planned_finish >= planned_start",
            "planned_dates_ordered",
        ),
        check(
            "baseline_start IS NULL OR baseline_finish IS NULL"
            " OR baseline_finish >= baseline_start",
            "baseline_dates_ordered",
        ),
        check(
            "actual_start IS NULL OR actual_finish IS NULL OR actual_finish >= actual_start",
            "actual_dates_ordered",
        ),
    )


class ProjectBaseline(TimestampedTable, table=True):
    """Baseline number ``n`` of a project: BAC, dates and milestone dates as they were then."""

    __tablename__ = "project_baseline"

    project_id: int = ForeignKey("project", ondelete="CASCADE")
    number: int = Field()
    taken_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    reason: str | None = Field(default=None)
    bac: Decimal = Money(default=Decimal("0"))
    start: date | None = Field(default=None)
    finish: date | None = Field(default=None)
    # [{"milestone_id": 1, "name": "...", "date": "2026-01-31"}, ...]
    milestones: list[dict[str, Any]] = JSONField(default_factory=list)

    __table_args__ = (
        check("number >= 1", "number_positive"),
        check("bac >= 0", "bac_non_negative"),
        sa.UniqueConstraint("project_id", "number"),
    )


class Milestone(TimestampedTable, table=True):
    """A dated checkpoint of a project."""

    project_id: int = ForeignKey("project", ondelete="CASCADE", index=False)
    name: str = Field(max_length=200)
    planned_date: date = Field(index=True)
    baseline_date: date | None = Field(default=None)
    forecast_date: date | None = Field(default=None)
    actual_date: date | None = Field(default=None)
    status: MilestoneStatus = EnumField(
        MilestoneStatus, index=True, default=MilestoneStatus.PLANNED
    )
    # How much of the work (0-100 %) the plan has done by this milestone; milestones that say
    # it shape the planned-value curve instead of a straight line (server/domain/metrics/evm.py).
    planned_percent: int | None = Field(default=None)

    __table_args__ = (
        check("planned_percent IS NULL OR planned_percent BETWEEN 0 AND 100",
              "planned_percent_range"),
        # A project's milestones by date, and its overdue ones counted from the index alone.
        sa.Index("ix_milestone_project_id_planned_date", "project_id", "planned_date",
                 postgresql_include=["status"]),
        # The few milestones that carry a planned percent (earned value's plan), by project:
        # a page's plans are read from this small index rather than from the whole table.
        sa.Index("ix_milestone_planned_percent", "project_id",
                 postgresql_where=sa.text("planned_percent IS NOT NULL"),
                 sqlite_where=sa.text("planned_percent IS NOT NULL")),
    )


class CostEntry(TimestampedTable, table=True):
    """Actual cost incurred by a project on a date (the AC in earned value)."""

    __tablename__ = "cost_entry"

    project_id: int = ForeignKey("project", ondelete="CASCADE", index=False)
    incurred_on: date = Field(index=True)
    amount: Decimal = Money()
    category: CostCategory = EnumField(CostCategory, index=True, default=CostCategory.OTHER)
    description: str | None = Field(default=None)

    __table_args__ = (
        check("amount >= 0", "amount_non_negative"),
        # A project's costs by date, and its actual cost to a day summed from the index alone.
        sa.Index("ix_cost_entry_project_id_incurred_on", "project_id", "incurred_on",
                 postgresql_include=["amount"]),
    )


class ProjectObjective(TimestampedTable, table=True):
    """How strongly (0-5) a project serves a strategic objective."""

    __tablename__ = "project_objective"

    project_id: int = ForeignKey("project", ondelete="CASCADE")
    objective_id: int = ForeignKey("strategic_objective", ondelete="CASCADE")
    alignment_score: int = Field(default=0)

    __table_args__ = (
        check("alignment_score BETWEEN 0 AND 5", "alignment_score_range"),
        sa.UniqueConstraint("project_id", "objective_id"),
    )
