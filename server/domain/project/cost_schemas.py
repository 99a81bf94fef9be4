"""Validated inputs for recording and correcting costs (SQLModel data models, no tables)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from server.domain.enums import CostCategory
from server.domain.project.schemas import MAX_MONEY


class CostEntryFields(SQLModel):
    """Fields a caller may set on record and update; a positive amount to the cent."""

    incurred_on: date | None = None
    amount: Decimal | None = Field(default=None, gt=0, le=MAX_MONEY, decimal_places=2)
    category: CostCategory | None = None
    description: str | None = Field(default=None, max_length=2000)

    @field_validator("amount")
    @classmethod
    def _to_cents(cls, amount: Decimal | None) -> Decimal | None:
        # As the column stores it, so the mutation returns what a later read will.
        return None if amount is None else amount.quantize(Decimal("0.01"))


class CostEntryCreate(CostEntryFields):
    """An actual cost: a positive amount in the base currency, incurred on a past date."""

    project_id: int
    incurred_on: date
    amount: Decimal = Field(gt=0, le=MAX_MONEY, decimal_places=2)
    category: CostCategory


class CostEntryUpdate(CostEntryFields):
    """A correction; only the fields given are changed (the project stays)."""
