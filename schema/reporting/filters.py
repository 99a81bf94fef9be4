"""Filters of the row reports that have no list of their own elsewhere (gate decisions, daily
snapshots, allocation weeks); the other reports take their entity list's filter."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

import strawberry
from sqlalchemy.sql.elements import ColumnElement

from schema.enums import GateDecision
from schema.listing import between, ids_of, one_of
from server.domain.audit.models import ProjectSnapshot
from server.domain.governance.models import ProjectGate

_SINCE = ("Rows whose updatedAt is at or after this time (incremental refresh; UTC when no "
          "offset is given).")


@strawberry.input(description="Which gate decisions to list; all given conditions must hold.")
class GateDecisionFilter:
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Of any of these projects.")
    decision: list[GateDecision] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these decisions.")
    decided_from: date | None = strawberry.field(default=None,
                                                 description="Decided on or after (UTC day).")
    decided_to: date | None = strawberry.field(default=None,
                                               description="Decided on or before (UTC day).")
    updated_since: datetime | None = strawberry.field(default=None, description=_SINCE)


def gate_decision_conditions(f: GateDecisionFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a gate decision filter (the decided gates are the report's own)."""
    if f is None:
        return []
    g: Any = ProjectGate
    return [
        *ids_of(g.project_id, f.project_ids, "Project", "projectIds"),
        *one_of(g.decision, f.decision),
        *between(g.decided_at, *_day_bounds(f.decided_from, f.decided_to)),
    ]


def _day_bounds(start: date | None, end: date | None) -> tuple[Any, Any]:
    """[start's midnight, the midnight after end) as UTC times, for a timestamp column."""
    low = None if start is None else datetime.combine(start, time(), UTC)
    high = None if end is None else (datetime.combine(end + timedelta(days=1), time(), UTC)
                                     - timedelta(microseconds=1))
    return low, high


@strawberry.input(description="Which daily snapshots to list; all given conditions must hold.")
class SnapshotFilter:
    project_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Of any of these projects.")
    taken_from: date | None = strawberry.field(default=None, description="Taken on or after.")
    taken_to: date | None = strawberry.field(default=None, description="Taken on or before.")
    updated_since: datetime | None = strawberry.field(default=None, description=_SINCE)


def snapshot_conditions(f: SnapshotFilter | None) -> list[ColumnElement[bool]]:
    """SQL conditions for a snapshot filter."""
    if f is None:
        return []
    s: Any = ProjectSnapshot
    return [
        *ids_of(s.project_id, f.project_ids, "Project", "projectIds"),
        *between(s.taken_on, f.taken_from, f.taken_to),
    ]


@strawberry.input(description="Which person-weeks to list; all given conditions must hold.")
class AllocationRowFilter:
    week_from: date | None = strawberry.field(
        default=None, description="The first week: the ISO week of this day (default: the "
                                  "current week).")
    week_to: date | None = strawberry.field(
        default=None, description="The last week: the ISO week of this day (default: 25 weeks "
                                  "after the first; at most three years in all).")
    person_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these people.")
    department_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only people of these departments.")
    active: bool | None = strawberry.field(
        default=None, description="Only active (true) or inactive (false) people.")
    over_allocated: bool | None = strawberry.field(
        default=None, description="Only weeks above 100 % (true) or not (false).")
    updated_since: datetime | None = strawberry.field(default=None, description=_SINCE)


GateDecisionFilterArg = Annotated[GateDecisionFilter | None, strawberry.argument(
    description="Which gate decisions; all given conditions must hold.")]
SnapshotFilterArg = Annotated[SnapshotFilter | None, strawberry.argument(
    description="Which snapshots; all given conditions must hold.")]
AllocationRowFilterArg = Annotated[AllocationRowFilter | None, strawberry.argument(
    description="Which weeks and people; all given conditions must hold.")]
