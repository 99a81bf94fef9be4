"""Validated inputs for change requests and status reports (SQLModel data models, no tables)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Field, SQLModel

from server.domain.enums import Rag
from server.domain.project.schemas import MAX_MONEY

# A change that moves the schedule by more than ten years is a typo, not a request.
MAX_SCHEDULE_IMPACT_DAYS = 3650
MAX_TEXT = 20_000


class ChangeRequestFields(SQLModel):
    """Fields a caller may set while a change request is a draft, with their ranges."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=MAX_TEXT)
    # Negative impacts are savings: a change may lower cost or pull the finish in.
    cost_impact: Decimal | None = Field(default=None, ge=-MAX_MONEY, le=MAX_MONEY,
                                        decimal_places=2)
    schedule_impact_days: int | None = Field(default=None, ge=-MAX_SCHEDULE_IMPACT_DAYS,
                                             le=MAX_SCHEDULE_IMPACT_DAYS)


class ChangeRequestCreate(ChangeRequestFields):
    """A new change request on a project: a title is required, impacts default to zero."""

    project_id: int
    title: str = Field(min_length=1, max_length=200)
    cost_impact: Decimal = Field(default=Decimal("0"), ge=-MAX_MONEY, le=MAX_MONEY,
                                 decimal_places=2)
    schedule_impact_days: int = Field(default=0, ge=-MAX_SCHEDULE_IMPACT_DAYS,
                                      le=MAX_SCHEDULE_IMPACT_DAYS)


class ChangeRequestUpdate(ChangeRequestFields):
    """A partial update of a draft; only the fields given are changed."""


class StatusReportSubmit(SQLModel):
    """A project's status for the period ending ``period_end``; a RAG left out (None) is
    suggested from the metrics by the service."""

    project_id: int
    period_end: date
    overall: Rag | None = None
    schedule: Rag | None = None
    cost: Rag | None = None
    scope: Rag | None = None
    risk: Rag | None = None
    summary: str = Field(min_length=1, max_length=MAX_TEXT)
    accomplishments: str | None = Field(default=None, max_length=MAX_TEXT)
    next_steps: str | None = Field(default=None, max_length=MAX_TEXT)
