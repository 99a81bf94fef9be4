"""Filters and orderings for risks."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement

from schema.enums import RiskStatus
from schema.listing import ListSpec, between, ids_of, one_of, search, since
from schema.pagination import OrderDirection, OrderSpec, SortField
from schema.raid.types import Risk
from server.domain.raid.models import Risk as RiskRow


@strawberry.enum(description="Fields risks can be ordered by (ties broken by id).")
class RiskOrderField(Enum):
    SCORE = "SCORE"
    PROBABILITY = "PROBABILITY"
    IMPACT = "IMPACT"
    TITLE = "TITLE"
    STATUS = "STATUS"
    DUE_DATE = "DUE_DATE"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for risks.")
class RiskOrder:
    field: RiskOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which risks to list; all given conditions must hold.")
class RiskFilter:
    search: str | None = strawberry.field(default=None, description="Text in title or description.")
    status: list[RiskStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses.")
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="In any of these projects.")
    owner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Owned by any of these people.")
    min_score: int | None = strawberry.field(default=None, description="Score at least this.")
    due_from: date | None = strawberry.field(default=None, description="Due on or after.")
    due_to: date | None = strawberry.field(default=None, description="Due on or before.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def risk_conditions(f: RiskFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a risk filter."""
    if f is None:
        return []
    r: Any = RiskRow
    return [
        *search(f.search, r.title, r.description),
        *one_of(r.status, f.status),
        *ids_of(r.project_id, f.project_ids, "Project", "projectIds"),
        *ids_of(r.owner_id, f.owner_ids, "Person", "ownerIds"),
        *([r.score >= f.min_score] if f.min_score is not None else []),
        *between(r.due_date, f.due_from, f.due_to),
        *since(r.updated_at, f.updated_since),
    ]


RISKS = ListSpec(
    RiskRow, "risk",
    OrderSpec({
        "SCORE": SortField("SCORE", RiskRow.score),  # type: ignore[arg-type]
        "PROBABILITY": SortField("PROBABILITY", RiskRow.probability),
        "IMPACT": SortField("IMPACT", RiskRow.impact),
        "TITLE": SortField("TITLE", RiskRow.title),
        "STATUS": SortField("STATUS", RiskRow.status),
        "DUE_DATE": SortField("DUE_DATE", RiskRow.due_date, nullable=True),
        "CREATED_AT": SortField("CREATED_AT", RiskRow.created_at),
        "UPDATED_AT": SortField("UPDATED_AT", RiskRow.updated_at),
    }, default=[("SCORE", True)]),
    Risk.from_row,
)
