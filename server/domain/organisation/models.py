"""Departments, people and the strategic objectives projects align with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Relationship

from server.domain.base import ForeignKey, Money, TimestampedTable, check


class Department(TimestampedTable, table=True):
    """An organisational unit; departments nest through ``parent``."""

    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    parent_id: int | None = ForeignKey("department", nullable=True)
    # For the console's picker only: never loaded implicitly (lazy="raise").
    # (Annotated as Department, though it may be None: SQLModel reads the annotation as the
    # relationship's target and cannot read "Department | None" under postponed annotations.)
    parent: Department = Relationship(sa_relationship_kwargs={
        "remote_side": "Department.id", "lazy": "raise"})

    def __str__(self) -> str:  # how the console names it in pickers
        return f"{self.code} {self.name}"


class Person(TimestampedTable, table=True):
    """Someone who works on, manages, sponsors or reports on projects."""

    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=200, index=True)
    title: str | None = Field(default=None, max_length=200)
    department_id: int | None = ForeignKey("department", nullable=True)
    # Restricted: readable by the PMO only (see policies/).
    cost_rate: Decimal | None = Money(nullable=True)
    capacity_hours_per_week: Decimal = Field(
        default=Decimal("40"), sa_type=sa.Numeric(5, 2), nullable=False
    )
    active: bool = Field(default=True, index=True)
    # For console login only; API callers use tokens.
    password_hash: str | None = Field(default=None, max_length=255)
    # For the console's picker only (lazy="raise"); may be None (see Department.parent).
    department: Department = Relationship(sa_relationship_kwargs={"lazy": "raise"})

    __table_args__ = (
        check("cost_rate IS NULL OR cost_rate >= 0", "cost_rate_non_negative"),
        check(
            "capacity_hours_per_week >= 0 AND capacity_hours_per_week <= 168",
            "capacity_in_range",
        ),
        check("email = lower(email)", "email_lowercase"),
    )

    def __str__(self) -> str:  # how the console names them in pickers
        return f"{self.full_name} <{self.email}>"


class StrategicObjective(TimestampedTable, table=True):
    """A weighted organisational objective; projects score their alignment to it (0-5)."""

    __tablename__ = "strategic_objective"

    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    description: str | None = Field(default=None)
    weight: Decimal = Field(default=Decimal("1"), sa_type=sa.Numeric(6, 2), nullable=False)
    period_start: date | None = Field(default=None)
    period_end: date | None = Field(default=None)
    active: bool = Field(default=True, index=True)

    __table_args__ = (
        check("weight >= 0", "weight_non_negative"),
        check(
            "period_start IS NULL OR period_end IS NULL OR period_end >= period_start",
            "period_ordered",
        ),
    )
