"""Analytics fixtures: objectives and alignments, risks, allocations and a department."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.enums import ProjectStatus, RiskStatus
from server.domain.models import (
    Allocation,
    Department,
    Person,
    Project,
    ProjectObjective,
    Risk,
    StrategicObjective,
)
from tests.schema.conftest import World

Sessions = async_sessionmaker[AsyncSession]


@dataclass
class Analytics:
    """The world plus the rows the analytics tests read."""

    world: World
    gamma: int
    delta: int
    engineering: int
    sales: int
    risks: dict[str, int]


@pytest.fixture
async def analytics(sessions: Sessions, world: World) -> Analytics:
    """Objectives GROW (weight 2) and SAVE (weight 1.5). Alpha (Alice's, proposed, 100,000):
    GROW 4 + SAVE 2 = 11.00; Beta (Bob's, active, 200,000): GROW 1 = 2.00; Gamma (proposed,
    150,000): SAVE 5 = 7.50; Delta (completed, 10,000): GROW 5 = 10.00.

    Risks: Alpha 5x5 OPEN, 5x5 MITIGATING, 2x3 CLOSED; Beta 3x4 OPEN, 1x1 OCCURRED.

    Allocations (2026): Alice 60 % on Alpha 5-18 Jan and 50 % on Beta 12-14 Jan (110 % in
    ISO week 3); Bob 80 % on Beta 12-25 Jan. Alice is in Engineering, Bob in Sales."""
    w = world
    async with sessions() as s, s.begin():
        grow = StrategicObjective(code="GROW", name="Grow", weight=Decimal("2.00"))
        save = StrategicObjective(code="SAVE", name="Save", weight=Decimal("1.50"))
        engineering = Department(code="ENG", name="Engineering")
        sales = Department(code="SAL", name="Sales")
        gamma = Project(code="PRJ-0003", name="Gamma", portfolio_id=w.portfolio,
                        manager_id=w.people["alice"], budget_at_completion=Decimal("150000.00"))
        delta = Project(code="PRJ-0004", name="Delta", portfolio_id=w.portfolio,
                        manager_id=w.people["bob"], status=ProjectStatus.COMPLETED,
                        budget_at_completion=Decimal("10000.00"))
        s.add_all([grow, save, engineering, sales, gamma, delta])
        await s.flush()
        bob_project = await s.get(Project, w.bob_project)
        assert bob_project is not None
        bob_project.status = ProjectStatus.ACTIVE
        alice = await s.get(Person, w.people["alice"])
        bob = await s.get(Person, w.people["bob"])
        assert alice is not None and bob is not None
        alice.department_id, bob.department_id = engineering.id, sales.id
        s.add_all([
            ProjectObjective(project_id=w.alice_project, objective_id=grow.id, alignment_score=4),
            ProjectObjective(project_id=w.alice_project, objective_id=save.id, alignment_score=2),
            ProjectObjective(project_id=w.bob_project, objective_id=grow.id, alignment_score=1),
            ProjectObjective(project_id=gamma.id, objective_id=save.id, alignment_score=5),
            ProjectObjective(project_id=delta.id, objective_id=grow.id, alignment_score=5),
        ])
        risks = {
            "alpha_open": Risk(project_id=w.alice_project, title="Vendor late", probability=5,
                               impact=5),
            "alpha_mitigating": Risk(project_id=w.alice_project, title="Scope creep",
                                     probability=5, impact=5, status=RiskStatus.MITIGATING),
            "alpha_closed": Risk(project_id=w.alice_project, title="Old", probability=2,
                                 impact=3, status=RiskStatus.CLOSED),
            "beta_open": Risk(project_id=w.bob_project, title="Key person leaves",
                              probability=3, impact=4),
            "beta_occurred": Risk(project_id=w.bob_project, title="Outage", probability=1,
                                  impact=1, status=RiskStatus.OCCURRED),
        }
        s.add_all(risks.values())
        s.add_all([
            Allocation(person_id=w.people["alice"], project_id=w.alice_project,
                       role_name="Lead", start_date=date(2026, 1, 5), end_date=date(2026, 1, 18),
                       percent=60),
            Allocation(person_id=w.people["alice"], project_id=w.bob_project,
                       role_name="Advisor", start_date=date(2026, 1, 12),
                       end_date=date(2026, 1, 14), percent=50),
            Allocation(person_id=w.people["bob"], project_id=w.bob_project, role_name="Lead",
                       start_date=date(2026, 1, 12), end_date=date(2026, 1, 25), percent=80),
        ])
        await s.flush()
        return Analytics(w, gamma.id, delta.id, engineering.id, sales.id,  # type: ignore[arg-type]
                         {k: r.id for k, r in risks.items()})  # type: ignore[misc]
