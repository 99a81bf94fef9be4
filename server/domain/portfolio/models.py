"""Portfolios and programs: how projects are grouped and governed."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlmodel import Field, Relationship

from server.domain.base import ForeignKey, Money, TimestampedTable, check

if TYPE_CHECKING:
    from server.domain.organisation.models import Person


class Portfolio(TimestampedTable, table=True):
    """A set of projects owned by an executive, with a budget envelope."""

    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    description: str | None = Field(default=None)
    owner_id: int = ForeignKey("person")
    budget: Decimal = Money(default=Decimal("0"))
    # For the console's pickers only: never loaded implicitly (lazy="raise").
    owner: Person = Relationship(sa_relationship_kwargs={"lazy": "raise"})

    __table_args__ = (check("budget >= 0", "budget_non_negative"),)

    def __str__(self) -> str:  # how the console names it in pickers
        return f"{self.code} {self.name}"


class Program(TimestampedTable, table=True):
    """Related projects inside a portfolio, coordinated by a manager."""

    portfolio_id: int = ForeignKey("portfolio", ondelete="CASCADE")
    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    description: str | None = Field(default=None)
    manager_id: int | None = ForeignKey("person", nullable=True)
    # For the console's pickers only (lazy="raise"); the manager may be None (see Department).
    portfolio: Portfolio = Relationship(sa_relationship_kwargs={"lazy": "raise"})
    manager: Person = Relationship(sa_relationship_kwargs={"lazy": "raise"})

    def __str__(self) -> str:  # how the console names it in pickers
        return f"{self.code} {self.name}"
