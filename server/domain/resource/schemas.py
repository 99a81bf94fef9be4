"""Validated inputs for allocations and benefits (SQLModel data models, no tables)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import field_validator
from sqlmodel import Field, SQLModel

# NUMERIC(18, 2), as the benefit columns.
MAX_BENEFIT_VALUE = Decimal("9999999999999999.99")
CENT = Decimal("0.01")


class AllocationFields(SQLModel):
    """Fields a caller may set on create and update, with their ranges."""

    role_name: str | None = Field(default=None, min_length=1, max_length=100)
    start_date: date | None = None
    end_date: date | None = None
    percent: int | None = Field(default=None, ge=1, le=100)


class AllocationCreate(AllocationFields):
    """A new allocation: who, to which project, in which role, when and how much."""

    person_id: int
    project_id: int
    role_name: str = Field(min_length=1, max_length=100)
    start_date: date
    end_date: date
    percent: int = Field(ge=1, le=100)


class AllocationUpdate(AllocationFields):
    """A partial update; person and project stay (delete and create to move someone)."""


class BenefitFields(SQLModel):
    """Fields a caller may set on create and update, with their ranges."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    target_value: Decimal | None = Field(default=None, ge=-MAX_BENEFIT_VALUE,
                                         le=MAX_BENEFIT_VALUE, decimal_places=2)
    realized_value: Decimal | None = Field(default=None, ge=-MAX_BENEFIT_VALUE,
                                           le=MAX_BENEFIT_VALUE, decimal_places=2)
    unit: str | None = Field(default=None, min_length=1, max_length=32)
    target_date: date | None = None
    owner_id: int | None = None

    @field_validator("target_value", "realized_value")
    @classmethod
    def _to_cents(cls, value: Decimal | None) -> Decimal | None:
        # As the column stores it, so the mutation returns what a later read will.
        return value.quantize(CENT) if value is not None else None


class BenefitCreate(BenefitFields):
    """A new benefit: project, name, target value and unit are required."""

    project_id: int
    name: str = Field(min_length=1, max_length=200)
    target_value: Decimal = Field(ge=-MAX_BENEFIT_VALUE, le=MAX_BENEFIT_VALUE, decimal_places=2)
    realized_value: Decimal = Field(default=Decimal("0.00"), ge=-MAX_BENEFIT_VALUE,
                                    le=MAX_BENEFIT_VALUE, decimal_places=2)
    unit: str = Field(min_length=1, max_length=32)


class BenefitUpdate(BenefitFields):
    """A partial update; only the fields given are changed."""
