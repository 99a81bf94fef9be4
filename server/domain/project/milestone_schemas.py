"""Validated inputs for creating and updating milestones (SQLModel data models, no tables)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from server.domain.enums import MilestoneStatus


class MilestoneFields(SQLModel):
    """Fields a caller may set on create and update; the baseline date is set by baselining."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    planned_date: date | None = None
    forecast_date: date | None = None
    actual_date: date | None = None
    status: MilestoneStatus | None = None
    planned_percent: int | None = Field(default=None, ge=0, le=100)


class MilestoneCreate(MilestoneFields):
    """A new milestone: project, name and planned date are required."""

    project_id: int
    name: str = Field(min_length=1, max_length=200)
    planned_date: date
    status: MilestoneStatus = MilestoneStatus.PLANNED


class MilestoneUpdate(MilestoneFields):
    """A partial update; only the fields given are changed."""
