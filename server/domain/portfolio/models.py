"""Portfolios and programs: how projects are grouped and governed."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Field

from server.domain.base import ForeignKey, Money, TimestampedTable, check


class Portfolio(TimestampedTable, table=True):
    """A set of projects owned by an executive, with a budget envelope."""

    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    description: str | None = Field(default=None)
    owner_id: int = ForeignKey("person")
    budget: Decimal = Money(default=Decimal("0"))

    __table_args__ = (check("budget >= 0", "budget_non_negative"),)


class Program(TimestampedTable, table=True):
    """Related projects inside a portfolio, coordinated by a manager."""

    portfolio_id: int = ForeignKey("portfolio", ondelete="CASCADE")
    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    description: str | None = Field(default=None)
    manager_id: int | None = ForeignKey("person", nullable=True)
