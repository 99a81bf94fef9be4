"""Validated inputs for creating and updating projects (SQLModel data models, no tables)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Field, SQLModel

from server.domain.enums import Rag

MAX_MONEY = Decimal("999999999999.99")


class ProjectFields(SQLModel):
    """Fields a caller may set on create and update, with their ranges."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    program_id: int | None = None
    sponsor_id: int | None = None
    department_id: int | None = None
    project_type_id: int | None = None
    priority: int | None = Field(default=None, ge=1, le=5)
    budget_at_completion: Decimal | None = Field(default=None, ge=0, le=MAX_MONEY,
                                                 decimal_places=2)
    planned_start: date | None = None
    planned_finish: date | None = None
    percent_complete: int | None = Field(default=None, ge=0, le=100)
    health_override: Rag | None = None


class ProjectCreate(ProjectFields):
    """A new project: name and portfolio are required; the code is generated when omitted."""

    code: str | None = Field(default=None, min_length=1, max_length=32,
                             regex=r"^[A-Z][A-Z0-9]*-\d{1,8}$")
    name: str = Field(min_length=1, max_length=200)
    portfolio_id: int
    manager_id: int | None = None
    governance_template_id: int | None = None


class ProjectUpdate(ProjectFields):
    """A partial update; only the fields given are changed."""

    manager_id: int | None = None
    forecast_finish: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
