"""A small reporting world on top of the earned-value example: a program, RAID items,
milestones, status reports, objectives, a change request and snapshots, with known counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from server.domain.audit.models import ProjectSnapshot
from server.domain.enums import (
    ApproverRole,
    ChangeRequestStatus,
    GateDecision,
    GateStatus,
    IssueSeverity,
    IssueStatus,
    MilestoneStatus,
    ProjectStatus,
    Rag,
    RiskStatus,
)
from server.domain.governance.models import ProjectGate, RiskCategory
from server.domain.models import Portfolio, Project
from server.domain.organisation.models import StrategicObjective
from server.domain.portfolio.models import Program
from server.domain.project.models import Milestone, ProjectObjective
from server.domain.raid.models import ChangeRequest, Issue, Risk, StatusReport
from server.domain.resource.models import Allocation, Benefit
from tests.schema.conftest import World
from tests.schema.metrics.conftest import Sessions, evm_world  # noqa: F401 - a fixture

AS_OF = "2026-02-01"


@dataclass
class ReportWorld:
    """The schema tests' world plus what the reports count; ids are database ids."""

    base: World
    other_portfolio: int
    other_project: int
    injected_risk: int

    def gid(self, type_name: str, row_id: int) -> str:
        return self.base.gid(type_name, row_id)


@pytest.fixture
async def report_world(sessions: Sessions, evm_world: World) -> ReportWorld:  # noqa: F811
    """Alice's project (ACTIVE, priority 2, program Core, forecast 15 Apr): risks scoring 20
    (open), 6 (mitigating) and 25 (closed); an open and a resolved issue; milestones slipped
    10 days (overdue on 1 Feb), achieved 2 days early, and one without a baseline; status
    reports GREEN (15 Jan) then AMBER (31 Jan); alignment 2 x 4 + 1.5 x 2 = 11. Bob's project:
    an open risk scoring 15 whose title is a spreadsheet formula, an issue in progress, a
    cancelled milestone, a submitted change request. Another portfolio with one project.
    Snapshots on 31 Jan (both), 1 Feb (Alice's) and 1 Mar (Alice's, out of range). Alice's
    project: its first gate decided GO by Carol (submitted 10 Jan, decided 13 Jan), its second
    submitted; a benefit 50 of 200 realised. Alice allocated 60 % + 50 % (110 % in February),
    Bob 100 % through Q1."""
    w = evm_world
    alice, bob = w.alice_project, w.bob_project
    async with sessions() as s, s.begin():
        program = Program(portfolio_id=w.portfolio, code="CORE", name="Core")
        category = RiskCategory(code="TECH", name="Technical")
        grow = StrategicObjective(code="GROW", name="Grow", weight=Decimal("2"))
        cut = StrategicObjective(code="CUT", name="Cut", weight=Decimal("1.5"))
        other = Portfolio(code="PF-2", name="Run", owner_id=w.people["dave"])
        s.add_all([program, category, grow, cut, other])
        await s.flush()
        project = await s.get(Project, alice)
        assert project is not None
        project.program_id, project.status, project.priority = program.id, ProjectStatus.ACTIVE, 2
        project.forecast_finish = date(2026, 4, 15)
        elsewhere = Project(code="PRJ-0100", name="Gamma", portfolio_id=other.id,
                            manager_id=w.people["bob"], budget_at_completion=Decimal("10.00"))
        s.add(elsewhere)
        await s.flush()
        injected = Risk(project_id=bob, title='=HYPERLINK("http://evil","x")', probability=3,
                        impact=5, owner_id=w.people["bob"])
        s.add_all([
            Risk(project_id=alice, title="Vendor late", probability=5, impact=4,
                 owner_id=w.people["alice"], category_id=category.id, due_date=date(2026, 3, 1)),
            Risk(project_id=alice, title="Scope creep", probability=2, impact=3,
                 status=RiskStatus.MITIGATING),
            Risk(project_id=alice, title="Old risk", probability=5, impact=5,
                 status=RiskStatus.CLOSED),
            injected,
            Risk(project_id=elsewhere.id, title="Elsewhere", probability=1, impact=1),
            Issue(project_id=alice, title="Build broken", severity=IssueSeverity.HIGH,
                  owner_id=w.people["alice"]),
            Issue(project_id=alice, title="Fixed", status=IssueStatus.RESOLVED,
                  resolved_on=date(2026, 1, 20), resolution="-patched"),
            Issue(project_id=bob, title="Slow", status=IssueStatus.IN_PROGRESS),
            Milestone(project_id=alice, name="Design", planned_date=date(2026, 1, 20),
                      baseline_date=date(2026, 1, 15), forecast_date=date(2026, 1, 25)),
            Milestone(project_id=alice, name="Kick-off", planned_date=date(2026, 1, 25),
                      baseline_date=date(2026, 1, 20), actual_date=date(2026, 1, 18),
                      status=MilestoneStatus.ACHIEVED),
            Milestone(project_id=alice, name="Build", planned_date=date(2026, 3, 1)),
            Milestone(project_id=bob, name="Dropped", planned_date=date(2026, 1, 10),
                      status=MilestoneStatus.CANCELLED),
            StatusReport(project_id=alice, period_end=date(2026, 1, 15), overall=Rag.GREEN,
                         schedule=Rag.GREEN, cost=Rag.GREEN, scope=Rag.GREEN, risk=Rag.GREEN),
            StatusReport(project_id=alice, period_end=date(2026, 1, 31), overall=Rag.AMBER,
                         schedule=Rag.GREEN, cost=Rag.AMBER, scope=Rag.GREEN, risk=Rag.AMBER),
            ProjectObjective(project_id=alice, objective_id=grow.id, alignment_score=4),
            ProjectObjective(project_id=alice, objective_id=cut.id, alignment_score=2),
            ChangeRequest(project_id=bob, title="More scope", status=ChangeRequestStatus.SUBMITTED),
            ChangeRequest(project_id=alice, title="Draft", status=ChangeRequestStatus.DRAFT),
            ProjectSnapshot(project_id=alice, taken_on=date(2026, 1, 31), status="ACTIVE",
                            health=Rag.GREEN, bac=Decimal("100000.00"), pv=Decimal("33333.33"),
                            ev=Decimal("40000.00"), ac=Decimal("35000.00"), open_risks=2,
                            open_issues=1),
            ProjectSnapshot(project_id=bob, taken_on=date(2026, 1, 31), status="PROPOSED",
                            health=Rag.RED, bac=Decimal("200000.00"), pv=Decimal("100000.00"),
                            ev=Decimal("20000.00"), ac=Decimal("50000.00"), open_risks=1,
                            open_issues=1),
            ProjectSnapshot(project_id=alice, taken_on=date(2026, 2, 1), status="ACTIVE",
                            health=Rag.AMBER, bac=Decimal("100000.00"), pv=Decimal("34444.44"),
                            ev=Decimal("40000.00"), ac=Decimal("35000.00"), open_risks=2,
                            open_issues=1),
            ProjectSnapshot(project_id=alice, taken_on=date(2026, 3, 1), status="ACTIVE",
                            health=Rag.RED, bac=Decimal("100000.00"), pv=Decimal("66666.67"),
                            ev=Decimal("40000.00"), ac=Decimal("65000.00")),
            ProjectSnapshot(project_id=elsewhere.id, taken_on=date(2026, 1, 31),
                            status="PROPOSED", bac=Decimal("10.00")),
        ])
        await s.flush()
        s.add_all([
            ProjectGate(project_id=alice, sequence=1, name="Initiate",
                        approver_role=ApproverRole.PMO, status=GateStatus.APPROVED,
                        decision=GateDecision.GO, decided_by_id=w.people["carol"],
                        submitted_at=datetime(2026, 1, 10, 9, tzinfo=UTC),
                        decided_at=datetime(2026, 1, 13, 16, tzinfo=UTC), note="Go ahead"),
            ProjectGate(project_id=alice, sequence=2, name="Plan",
                        approver_role=ApproverRole.EXECUTIVE, status=GateStatus.SUBMITTED,
                        submitted_at=datetime(2026, 1, 28, 9, tzinfo=UTC)),
            Benefit(project_id=alice, name="Faster orders", unit="orders/day",
                    target_value=Decimal("200.00"), realized_value=Decimal("50.00"),
                    target_date=date(2026, 6, 30), owner_id=w.people["carol"]),
            # Alice: 60 % on her project in January-February and 50 % on Bob's from 2 Feb:
            # 110 % in February's weeks. Bob: 100 % on his own through Q1.
            Allocation(person_id=w.people["alice"], project_id=alice, role_name="PM",
                       start_date=date(2026, 1, 5), end_date=date(2026, 2, 27), percent=60),
            Allocation(person_id=w.people["alice"], project_id=bob, role_name="Advisor",
                       start_date=date(2026, 2, 2), end_date=date(2026, 3, 31), percent=50),
            Allocation(person_id=w.people["bob"], project_id=bob, role_name="PM",
                       start_date=date(2026, 1, 1), end_date=date(2026, 3, 31), percent=100),
        ])
        await s.flush()
        return ReportWorld(w, other.id, elsewhere.id, injected.id)  # type: ignore[arg-type]
