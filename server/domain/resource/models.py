"""Resource allocations and the benefits projects are meant to realise."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from server.domain.base import ForeignKey, TimestampedTable, check


class Allocation(TimestampedTable, table=True):
    """A share (1-100%) of a person's time given to a project over a date range."""

    person_id: int = ForeignKey("person", ondelete="CASCADE")
    project_id: int = ForeignKey("project", ondelete="CASCADE")
    role_name: str = Field(max_length=100)
    start_date: date = Field(index=True)
    end_date: date = Field(index=True)
    percent: int = Field()

    __table_args__ = (
        check("percent BETWEEN 1 AND 100", "percent_range"),
        check("end_date >= start_date", "dates_ordered"),
        sa.UniqueConstraint("person_id", "project_id", "start_date"),
    )


class Benefit(TimestampedTable, table=True):
    """A measurable benefit a project should deliver, tracked against its target."""

    project_id: int = ForeignKey("project", ondelete="CASCADE")
    name: str = Field(max_length=200)
    target_value: Decimal = Field(sa_type=sa.Numeric(18, 2))
    realized_value: Decimal = Field(default=Decimal("0"), sa_type=sa.Numeric(18, 2))
    unit: str = Field(max_length=32)
    target_date: date | None = Field(default=None, index=True)
    owner_id: int | None = ForeignKey("person", nullable=True)
