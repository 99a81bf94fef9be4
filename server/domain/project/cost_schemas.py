"""Validated input for recording a cost (SQLModel data model, no table)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from server.domain.enums import CostCategory
from server.domain.project.schemas import MAX_MONEY


class CostEntryCreate(SQLModel):
    """An actual cost: a positive amount in the base currency, incurred on a past date."""

    project_id: int
    incurred_on: date
    amount: Decimal = Field(gt=0, le=MAX_MONEY, decimal_places=2)
    category: CostCategory
    description: str | None = Field(default=None, max_length=2000)

    @field_validator("amount")
    @classmethod
    def _to_cents(cls, amount: Decimal) -> Decimal:
        # As the column stores it, so the mutation returns what a later read will.
        return amount.quantize(Decimal("0.01"))
