"""Change tracking for the BI feed's incremental refresh.

Two records, written by a flush hook in the transaction of the change itself, whatever wrote it
(the API, the console, the command line), so no service can forget them:

* ``project.changed_at``: the latest change to anything a project's report row shows: the
  project, anything recorded under it (risks, issues, milestones, costs, status reports,
  gates, allocations, benefits, alignment...), and the names and weights it shows from
  elsewhere (its portfolio, program, manager and sponsor, the objectives it aligns to, the
  RAG thresholds its health is read against). ``ProjectRow.updatedAt`` is this column, so
  ``updatedSince`` is one indexed comparison. It is set with a Core UPDATE that leaves
  ``updated_at`` and ``version`` alone: a child's change is not an edit of the project, and
  must not make a client's ``version`` stale.
* ``deleted_row``: one tombstone per deleted row, with the project and person it belonged to
  and the dates it covered, for ``reports { deletedRows }`` and for rows that add up deleted
  rows (an allocation week). Kept ``PMO_DELETED_ROWS_RETENTION_DAYS`` days.

The other row types compute their ``updatedAt`` from their own row and the rows whose names
they show (``reporting.service``): no column is needed for those.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import Field

from server.domain.base import TimestampedTable, UTCDateTime, utcnow
from server.domain.governance.models import RagThreshold
from server.domain.organisation.models import Person, StrategicObjective
from server.domain.portfolio.models import Portfolio, Program
from server.domain.project.models import Project, ProjectObjective

# Rows under a project that are history rather than what its report row shows.
_NOT_SHOWN = frozenset({"ProjectSnapshot", "AuditEvent"})
# What a row of another table shows in project rows, by the columns that name it there.
_SHOWN_ELSEWHERE: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # class: (its fields the project rows show, project columns that point at it)
    Portfolio: (("code", "name"), ("portfolio_id",)),
    Program: (("name",), ("program_id",)),
    Person: (("full_name",), ("manager_id", "sponsor_id")),
}
# Deletions recorded as tombstones: the GraphQL type names of everything that can be deleted
# (``DeletedEntity`` in the API lists the same names).
TRACKED_DELETIONS = frozenset({
    "Allocation", "Assumption", "Benefit", "CostEntry", "Department", "Dependency",
    "DocumentTemplate", "GovernanceTemplate", "Issue", "Lesson", "Milestone",
    "ProjectObjective", "ProjectType", "Risk", "RiskCategory", "Stakeholder",
    "StrategicObjective", "Webhook",
})


VACATED = "Allocation.vacated"
"""Not a deletion (never listed by ``deletedRows``): the weeks an allocation moved off."""
ALLOCATION_CHANGES = ("Allocation", VACATED)
"""What changes the weeks an allocation covered without leaving a row there."""


class DeletedRow(TimestampedTable, table=True):
    """A row that was deleted: which, when, and what it belonged to."""

    __tablename__ = "deleted_row"

    entity: str = Field(max_length=64)
    """The GraphQL type name of what was deleted (``Risk``)."""
    entity_id: int = Field()
    project_id: int | None = Field(default=None, index=True)
    person_id: int | None = Field(default=None, index=True)
    starts_on: date | None = Field(default=None)
    ends_on: date | None = Field(default=None)
    deleted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False,
                                 index=True)

    __table_args__ = (sa.Index("ix_deleted_row_entity_deleted_at", "entity", "deleted_at"),)


def _projects_of(obj: Any) -> list[int]:
    """The projects a row is recorded under (a dependency: the project that depends first)."""
    keys = ("project_id", "from_project_id", "to_project_id")
    return [v for v in (getattr(obj, k, None) for k in keys) if isinstance(v, int)]


def _touched_projects(session: Session) -> tuple[set[int], list[Any], bool]:
    """What the flush changed that project rows show: (project ids, conditions on the
    project table for rows shown elsewhere, whether every project is touched)."""
    ids: set[int] = set()
    conditions: list[Any] = []
    everything = False
    objectives: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = type(obj)
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        if kind is Project:
            if obj.id is not None and obj not in session.new:
                ids.add(obj.id)
            continue
        if kind is RagThreshold:
            everything = True
            continue
        if kind is StrategicObjective:
            if obj.id is not None:
                objectives.add(obj.id)
            continue
        shown = _SHOWN_ELSEWHERE.get(kind)
        if shown is not None:
            fields, columns = shown
            if obj in session.dirty and not any(
                    sa.inspect(obj).attrs[f].history.has_changes() for f in fields):
                continue
            if obj.id is not None and obj not in session.new:
                conditions.extend(getattr(Project, c) == obj.id for c in columns)
            continue
        if kind.__name__ in _NOT_SHOWN:
            continue
        ids.update(_projects_of(obj))
        if kind is ProjectObjective and obj in session.dirty:
            history = sa.inspect(obj).attrs["project_id"].history
            ids.update(v for v in history.deleted or () if isinstance(v, int))
    if objectives:
        conditions.append(Project.id.in_(  # type: ignore[union-attr]
            sa.select(ProjectObjective.project_id).where(
                ProjectObjective.objective_id.in_(objectives))))  # type: ignore[attr-defined]
    return ids, conditions, everything


def _before(obj: Any, key: str) -> Any:
    """An attribute's value before this flush (its current value when unchanged)."""
    history = sa.inspect(obj).attrs[key].history
    return history.deleted[0] if history.deleted else getattr(obj, key)


def _vacated(session: Session, now: datetime) -> list[dict[str, Any]]:
    """Allocations moved off some weeks (new dates or another person): the weeks they left
    changed too, though nothing there names them any more."""
    rows = []
    for obj in session.dirty:
        if type(obj).__name__ != "Allocation" or obj.id is None:
            continue
        keys = ("person_id", "start_date", "end_date")
        if not any(sa.inspect(obj).attrs[k].history.has_changes() for k in keys):
            continue
        person_id, start, end = (_before(obj, k) for k in keys)
        rows.append({"entity": VACATED, "entity_id": obj.id, "project_id": obj.project_id,
                     "person_id": person_id, "starts_on": start, "ends_on": end,
                     "deleted_at": now, "created_at": now, "updated_at": now})
    return rows


def _tombstones(session: Session, now: datetime) -> list[dict[str, Any]]:
    rows = _vacated(session, now)
    for obj in session.deleted:
        entity = type(obj).__name__
        if entity not in TRACKED_DELETIONS or getattr(obj, "id", None) is None:
            continue
        person_id = getattr(obj, "person_id", None)
        rows.append({
            "entity": entity, "entity_id": obj.id,
            "project_id": next(iter(_projects_of(obj)), None),
            "person_id": person_id if isinstance(person_id, int) else None,
            "starts_on": getattr(obj, "start_date", None),
            "ends_on": getattr(obj, "end_date", None),
            "deleted_at": now, "created_at": now, "updated_at": now,
        })
    return rows


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, flush_context: Any) -> None:
    """Touch the project rows the flush changed and record its deletions (same transaction).

    After the flush: the new rows have their ids, ``new``/``dirty``/``deleted`` still list what
    was flushed, and a project updated in this flush has already been written (the UPDATE
    below follows it, so it does not race the version check)."""
    ids, conditions, everything = _touched_projects(session)
    tombstones = _tombstones(session, utcnow())
    if not (ids or conditions or everything or tombstones):
        return
    connection = session.connection()
    now = utcnow()
    if everything or ids or conditions:
        where = sa.true() if everything else sa.or_(
            *([Project.id.in_(sorted(ids))] if ids else []), *conditions)  # type: ignore[union-attr]
        table: Any = Project.__table__  # type: ignore[attr-defined]
        # updated_at kept as it is: its onupdate would otherwise stamp every touched project.
        connection.execute(sa.update(table).where(where)
                           .values(changed_at=now, updated_at=table.c.updated_at)
                           .execution_options(synchronize_session=False))
    if tombstones:
        connection.execute(sa.insert(DeletedRow.__table__), tombstones)  # type: ignore[attr-defined]


def horizon(days: int, now: datetime | None = None) -> datetime:
    """The oldest moment whose deletions are still all kept."""
    return (now or utcnow()) - timedelta(days=days)


def purge_statement(days: int, now: datetime | None = None) -> sa.Delete:
    """Forget tombstones older than the retention period."""
    return sa.delete(DeletedRow).where(DeletedRow.deleted_at < horizon(days, now))  # type: ignore[arg-type]


def overlapping(start: date, end: date) -> Iterable[Any]:
    """Tombstones whose dates touch [start, end] (an allocation's weeks)."""
    return (DeletedRow.starts_on <= end, DeletedRow.ends_on >= start)  # type: ignore[operator]
