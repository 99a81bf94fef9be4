"""The database itself rejects bad rows, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import ProjectStatus, Rag
from server.domain.models import (
    Allocation,
    AuditEvent,
    CostEntry,
    Department,
    Dependency,
    Person,
    Portfolio,
    Project,
    ProjectObjective,
    Risk,
    StatusReport,
    StrategicObjective,
)

Sessions = async_sessionmaker[AsyncSession]


async def make_world(sessions: Sessions) -> dict[str, int]:
    """Given: a department, two people, a portfolio, a project and an objective."""
    async with sessions() as s, s.begin():
        dept = Department(code="ENG", name="Engineering")
        s.add(dept)
        await s.flush()
        pm = Person(email="pm@example.com", full_name="Pat Manager", department_id=dept.id)
        ex = Person(email="ex@example.com", full_name="Eve Exec", cost_rate=Decimal("150.00"))
        s.add_all([pm, ex])
        await s.flush()
        pf = Portfolio(code="PF-1", name="Growth", owner_id=ex.id, budget=Decimal("1000000.00"))
        s.add(pf)
        await s.flush()
        pr = Project(code="PRJ-0001", name="Alpha", portfolio_id=pf.id, manager_id=pm.id,
                     sponsor_id=ex.id, budget_at_completion=Decimal("250000.00"))
        obj = StrategicObjective(code="OBJ-1", name="Grow revenue", weight=Decimal("2"))
        s.add_all([pr, obj])
        await s.flush()
        return {"pm": pm.id, "ex": ex.id, "portfolio": pf.id, "project": pr.id,
                "objective": obj.id, "dept": dept.id}


BadRow = Callable[[dict[str, int]], Any]

BAD_ROWS: dict[str, BadRow] = {
    "risk probability 0": lambda w: Risk(project_id=w["project"], title="r", probability=0,
                                         impact=3),
    "risk probability 6": lambda w: Risk(project_id=w["project"], title="r", probability=6,
                                         impact=3),
    "risk impact 0": lambda w: Risk(project_id=w["project"], title="r", probability=3, impact=0),
    "risk impact 6": lambda w: Risk(project_id=w["project"], title="r", probability=3, impact=6),
    "percent complete 101": lambda w: Project(code="PRJ-9", name="x", portfolio_id=w["portfolio"],
                                              manager_id=w["pm"], percent_complete=101),
    "percent complete -1": lambda w: Project(code="PRJ-9", name="x", portfolio_id=w["portfolio"],
                                             manager_id=w["pm"], percent_complete=-1),
    "priority 0": lambda w: Project(code="PRJ-9", name="x", portfolio_id=w["portfolio"],
                                    manager_id=w["pm"], priority=0),
    "priority 6": lambda w: Project(code="PRJ-9", name="x", portfolio_id=w["portfolio"],
                                    manager_id=w["pm"], priority=6),
    "negative BAC": lambda w: Project(code="PRJ-9", name="x", portfolio_id=w["portfolio"],
                                      manager_id=w["pm"], budget_at_completion=Decimal("-1")),
    "finish before start": lambda w: Project(
        code="PRJ-9", name="x", portfolio_id=w["portfolio"], manager_id=w["pm"],
        planned_start=date(2026, 5, 1), planned_finish=date(2026, 4, 1)),
    "negative cost": lambda w: CostEntry(project_id=w["project"], incurred_on=date(2026, 1, 1),
                                         amount=Decimal("-0.01")),
    "negative cost rate": lambda w: Person(email="n@example.com", full_name="N",
                                           cost_rate=Decimal("-5")),
    "negative portfolio budget": lambda w: Portfolio(code="PF-2", name="x", owner_id=w["ex"],
                                                     budget=Decimal("-1")),
    "alignment 6": lambda w: ProjectObjective(project_id=w["project"],
                                              objective_id=w["objective"], alignment_score=6),
    "alignment -1": lambda w: ProjectObjective(project_id=w["project"],
                                               objective_id=w["objective"], alignment_score=-1),
    "allocation 0%": lambda w: Allocation(person_id=w["pm"], project_id=w["project"],
                                          role_name="PM", start_date=date(2026, 1, 1),
                                          end_date=date(2026, 2, 1), percent=0),
    "allocation 101%": lambda w: Allocation(person_id=w["pm"], project_id=w["project"],
                                            role_name="PM", start_date=date(2026, 1, 1),
                                            end_date=date(2026, 2, 1), percent=101),
    "dependency with no target": lambda w: Dependency(from_project_id=w["project"]),
    "dependency on itself": lambda w: Dependency(from_project_id=w["project"],
                                                 to_project_id=w["project"]),
    "duplicate project code": lambda w: Project(code="PRJ-0001", name="Again",
                                                portfolio_id=w["portfolio"], manager_id=w["pm"]),
    "duplicate email": lambda w: Person(email="pm@example.com", full_name="Twin"),
    "unknown manager": lambda w: Project(code="PRJ-9", name="x", portfolio_id=w["portfolio"],
                                         manager_id=999_999),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
async def test_bad_row_is_rejected_and_nothing_is_written(sessions: Sessions, case: str) -> None:
    # given
    world = await make_world(sessions)
    row = BAD_ROWS[case](world)
    table = type(row)
    async with sessions() as s:
        before = (await s.exec(sa.select(sa.func.count()).select_from(table))).scalar_one()

    # when / then
    with pytest.raises(IntegrityError):
        async with sessions() as s, s.begin():
            s.add(row)

    async with sessions() as s:
        after = (await s.exec(sa.select(sa.func.count()).select_from(table))).scalar_one()
    assert after == before


async def test_duplicate_status_report_for_a_period_is_rejected(sessions: Sessions) -> None:
    world = await make_world(sessions)
    report = dict(project_id=world["project"], period_end=date(2026, 3, 31), overall=Rag.GREEN,
                  schedule=Rag.GREEN, cost=Rag.AMBER, scope=Rag.GREEN, risk=Rag.RED)
    async with sessions() as s, s.begin():
        s.add(StatusReport(**report))
    with pytest.raises(IntegrityError):
        async with sessions() as s, s.begin():
            s.add(StatusReport(**report))


async def test_duplicate_allocation_start_is_rejected(sessions: Sessions) -> None:
    world = await make_world(sessions)
    alloc = dict(person_id=world["pm"], project_id=world["project"], role_name="PM",
                 start_date=date(2026, 1, 5), end_date=date(2026, 3, 1), percent=50)
    async with sessions() as s, s.begin():
        s.add(Allocation(**alloc))
    with pytest.raises(IntegrityError):
        async with sessions() as s, s.begin():
            s.add(Allocation(**{**alloc, "percent": 20}))


async def test_enum_column_rejects_unknown_value_written_around_the_orm(sessions: Sessions) -> None:
    world = await make_world(sessions)
    with pytest.raises(IntegrityError):
        async with sessions() as s, s.begin():
            await s.exec(sa.text("UPDATE project SET status = 'DREAMING' WHERE id = :id"),  # type: ignore[call-overload]
                         params={"id": world["project"]})
    async with sessions() as s:
        project = await s.get(Project, world["project"])
        assert project is not None and project.status is ProjectStatus.PROPOSED


async def test_risk_score_is_probability_times_impact(sessions: Sessions) -> None:
    world = await make_world(sessions)
    async with sessions() as s, s.begin():
        risk = Risk(project_id=world["project"], title="Vendor late", probability=4, impact=3)
        s.add(risk)
    async with sessions() as s, s.begin():
        loaded = await s.get(Risk, risk.id)
        assert loaded is not None and loaded.score == 12
        loaded.impact = 5
    async with sessions() as s:
        loaded = await s.get(Risk, risk.id)
        assert loaded is not None and loaded.score == 20


async def test_money_round_trips_as_exact_decimal(sessions: Sessions) -> None:
    world = await make_world(sessions)
    async with sessions() as s, s.begin():
        s.add(CostEntry(project_id=world["project"], incurred_on=date(2026, 2, 1),
                        amount=Decimal("1234567890.12")))
        s.add(CostEntry(project_id=world["project"], incurred_on=date(2026, 2, 2),
                        amount=Decimal("0.10")))
    async with sessions() as s:
        amounts = (await s.exec(sa.select(CostEntry.amount).order_by(CostEntry.id))).scalars().all()  # type: ignore[call-overload]
        total = (await s.exec(sa.select(sa.func.sum(CostEntry.amount)))).scalar_one()  # type: ignore[call-overload]
    assert amounts == [Decimal("1234567890.12"), Decimal("0.10")]
    assert all(isinstance(a, Decimal) for a in amounts)
    assert total == Decimal("1234567890.22")


async def test_stale_version_update_is_refused(sessions: Sessions) -> None:
    # given two sessions that read the same project at version 1
    world = await make_world(sessions)
    first, second = sessions(), sessions()
    try:
        a = await first.get(Project, world["project"])
        b = await second.get(Project, world["project"])
        assert a is not None and b is not None and a.version == b.version == 1
        # when the first writes, then the second writes from the stale read
        a.name = "Alpha (renamed)"
        await first.commit()
        b.name = "Alpha (lost update)"
        with pytest.raises(StaleDataError):
            await second.commit()
    finally:
        await first.close()
        await second.close()
    # then the first write survives and the version moved once
    async with sessions() as s:
        project = await s.get(Project, world["project"])
        assert project is not None
        assert (project.name, project.version) == ("Alpha (renamed)", 2)


async def test_timestamps_are_utc_and_updated_at_moves(sessions: Sessions) -> None:
    world = await make_world(sessions)
    async with sessions() as s:
        project = await s.get(Project, world["project"])
        assert project is not None
        created, updated = project.created_at, project.updated_at
    assert created.tzinfo is not None and created.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    async with sessions() as s, s.begin():
        project = await s.get(Project, world["project"])
        assert project is not None
        project.priority = 1
    async with sessions() as s:
        project = await s.get(Project, world["project"])
        assert project is not None
        assert project.updated_at > updated and project.created_at == created


async def test_audit_events_are_append_only(sessions: Sessions) -> None:
    world = await make_world(sessions)
    async with sessions() as s, s.begin():
        event = AuditEvent(actor_id=world["pm"], source="CLI", action="create",
                           entity_type="Project", entity_id=world["project"],
                           changes={"name": {"before": None, "after": "Alpha"}},
                           at=datetime(2026, 1, 1, tzinfo=UTC))
        s.add(event)
    with pytest.raises(PermissionError):
        async with sessions() as s, s.begin():
            loaded = await s.get(AuditEvent, event.id)
            assert loaded is not None
            loaded.action = "tampered"
    with pytest.raises(PermissionError):
        async with sessions() as s, s.begin():
            loaded = await s.get(AuditEvent, event.id)
            await s.delete(loaded)
    async with sessions() as s:
        loaded = await s.get(AuditEvent, event.id)
        assert loaded is not None and loaded.action == "create"
