"""Filters and orderings for risks, issues, assumptions and dependencies."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.sql.elements import ColumnElement

from schema.enums import RiskStatus
from schema.listing import ListSpec, between, ids_of, one_of, search, since
from schema.pagination import OrderDirection, OrderSpec, SortField, order_fields
from schema.raid.types import (
    Assumption,
    Dependency,
    DependencyStatus,
    Issue,
    IssueSeverity,
    IssueStatus,
    Risk,
)
from server.domain import enums
from server.domain.raid.models import Assumption as AssumptionRow
from server.domain.raid.models import Dependency as DependencyRow
from server.domain.raid.models import Issue as IssueRow
from server.domain.raid.models import Risk as RiskRow


@order_fields("risks")
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
    category_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="In any of these risk categories.")
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
        *ids_of(r.category_id, f.category_ids, "RiskCategory", "categoryIds"),
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


# --- issues -----------------------------------------------------------------------------

SEVERITY_RANK = {s.value: rank for rank, s in enumerate(enums.IssueSeverity, start=1)}


class _SeverityRank(sa.types.TypeDecorator[int]):
    """An integer rank that binds a severity name as its rank.

    Severities sort by rank (LOW < MEDIUM < HIGH < CRITICAL), not alphabetically. The sort
    column is labelled ``severity`` so cursors carry the row's severity name; binding that
    name through this type turns it back into the rank the keyset compares against.
    """

    impl = sa.Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> int | None:
        if value is None:
            return None
        return SEVERITY_RANK[value.value if isinstance(value, Enum) else str(value)]

    def cursor_value_ok(self, value: Any) -> bool:
        """A cursor carries the severity's name (see ``pagination._fits``)."""
        return isinstance(value, str) and value in SEVERITY_RANK


SEVERITY_ORDER: Any = sa.type_coerce(
    sa.case(SEVERITY_RANK, value=IssueRow.severity), _SeverityRank()).label("severity")


@order_fields("issues")
class IssueOrderField(Enum):
    SEVERITY = "SEVERITY"
    TITLE = "TITLE"
    STATUS = "STATUS"
    DUE_DATE = "DUE_DATE"
    RESOLVED_ON = "RESOLVED_ON"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for issues.")
class IssueOrder:
    field: IssueOrderField = strawberry.field(
        description="What to order by; SEVERITY ranks LOW < MEDIUM < HIGH < CRITICAL.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which issues to list; all given conditions must hold.")
class IssueFilter:
    search: str | None = strawberry.field(default=None, description="Text in title or description.")
    status: list[IssueStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses.")
    severity: list[IssueSeverity] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these severities.")
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="In any of these projects.")
    owner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Owned by any of these people.")
    due_from: date | None = strawberry.field(default=None, description="Due on or after.")
    due_to: date | None = strawberry.field(default=None, description="Due on or before.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def issue_conditions(f: IssueFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for an issue filter."""
    if f is None:
        return []
    i: Any = IssueRow
    return [
        *search(f.search, i.title, i.description),
        *one_of(i.status, f.status),
        *one_of(i.severity, f.severity),
        *ids_of(i.project_id, f.project_ids, "Project", "projectIds"),
        *ids_of(i.owner_id, f.owner_ids, "Person", "ownerIds"),
        *between(i.due_date, f.due_from, f.due_to),
        *since(i.updated_at, f.updated_since),
    ]


ISSUES = ListSpec(
    IssueRow, "issue",
    OrderSpec({
        "SEVERITY": SortField("SEVERITY", SEVERITY_ORDER),
        "TITLE": SortField("TITLE", IssueRow.title),
        "STATUS": SortField("STATUS", IssueRow.status),
        "DUE_DATE": SortField("DUE_DATE", IssueRow.due_date, nullable=True),
        "RESOLVED_ON": SortField("RESOLVED_ON", IssueRow.resolved_on, nullable=True),
        "CREATED_AT": SortField("CREATED_AT", IssueRow.created_at),
        "UPDATED_AT": SortField("UPDATED_AT", IssueRow.updated_at),
    }, default=[("SEVERITY", True)]),
    Issue.from_row,
)


# --- assumptions ------------------------------------------------------------------------

@order_fields("assumptions")
class AssumptionOrderField(Enum):
    VALIDATED = "VALIDATED"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for assumptions.")
class AssumptionOrder:
    field: AssumptionOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which assumptions to list; all given conditions must hold.")
class AssumptionFilter:
    search: str | None = strawberry.field(default=None, description="Text in the assumption.")
    validated: bool | None = strawberry.field(default=None,
                                              description="Only validated, or only not.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def assumption_conditions(f: AssumptionFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for an assumption filter."""
    if f is None:
        return []
    a: Any = AssumptionRow
    return [
        *search(f.search, a.text),
        *([a.validated.is_(f.validated)] if f.validated is not None else []),
        *since(a.updated_at, f.updated_since),
    ]


ASSUMPTIONS = ListSpec(
    AssumptionRow, "assumption",
    OrderSpec({
        "VALIDATED": SortField("VALIDATED", AssumptionRow.validated),
        "CREATED_AT": SortField("CREATED_AT", AssumptionRow.created_at),
        "UPDATED_AT": SortField("UPDATED_AT", AssumptionRow.updated_at),
    }, default=[("CREATED_AT", False)]),
    Assumption.from_row,
)


# --- dependencies -----------------------------------------------------------------------

@order_fields("dependencies")
class DependencyOrderField(Enum):
    NEEDED_BY = "NEEDED_BY"
    STATUS = "STATUS"
    CREATED_AT = "CREATED_AT"
    UPDATED_AT = "UPDATED_AT"


@strawberry.input(description="One ordering term for dependencies.")
class DependencyOrder:
    field: DependencyOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC,
                                                 description="ASC or DESC.")


@strawberry.input(description="Which dependencies to list; all given conditions must hold.")
class DependencyFilter:
    search: str | None = strawberry.field(
        default=None, description="Text in the description or the external party's name.")
    status: list[DependencyStatus] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses.")
    to_project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="On any of these projects.")
    external: bool | None = strawberry.field(
        default=None, description="Only on external parties (true) or only on projects (false).")
    needed_from: date | None = strawberry.field(default=None, description="Needed on or after.")
    needed_to: date | None = strawberry.field(default=None, description="Needed on or before.")
    updated_since: datetime | None = strawberry.field(
        default=None, description="Changed at or after this time (incremental refresh).")


def dependency_conditions(f: DependencyFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a dependency filter."""
    if f is None:
        return []
    d: Any = DependencyRow
    external = [] if f.external is None else [
        d.external_name.is_not(None) if f.external else d.external_name.is_(None)]
    return [
        *search(f.search, d.description, d.external_name),
        *one_of(d.status, f.status),
        *ids_of(d.to_project_id, f.to_project_ids, "Project", "toProjectIds"),
        *external,
        *between(d.needed_by, f.needed_from, f.needed_to),
        *since(d.updated_at, f.updated_since),
    ]


DEPENDENCIES = ListSpec(
    DependencyRow, "dependency",
    OrderSpec({
        "NEEDED_BY": SortField("NEEDED_BY", DependencyRow.needed_by, nullable=True),
        "STATUS": SortField("STATUS", DependencyRow.status),
        "CREATED_AT": SortField("CREATED_AT", DependencyRow.created_at),
        "UPDATED_AT": SortField("UPDATED_AT", DependencyRow.updated_at),
    }, default=[("NEEDED_BY", False)]),
    Dependency.from_row,
)


# --- documented arguments for the list fields -------------------------------------------

RiskFilterArg = Annotated[RiskFilter | None, strawberry.argument(
    description="Which risks to list; all given conditions must hold.")]
RiskOrderArg = Annotated[list[RiskOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: highest score first).")]
IssueFilterArg = Annotated[IssueFilter | None, strawberry.argument(
    description="Which issues to list; all given conditions must hold.")]
IssueOrderArg = Annotated[list[IssueOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: most severe first).")]
AssumptionFilterArg = Annotated[AssumptionFilter | None, strawberry.argument(
    description="Which assumptions to list; all given conditions must hold.")]
AssumptionOrderArg = Annotated[list[AssumptionOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: oldest first).")]
DependencyFilterArg = Annotated[DependencyFilter | None, strawberry.argument(
    description="Which dependencies to list; all given conditions must hold.")]
DependencyOrderArg = Annotated[list[DependencyOrder] | None, strawberry.argument(
    description="Sort terms in priority order (default: soonest needed first).")]
