"""The flat report rows: one dataclass per report, its fields in column order.

GraphQL (``schema/reporting``) and the CSV export (``server/export.py``) both show these
rows, built by ``service``; neither computes a figure of its own. The per-row classes are not
frozen: a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which
for a 34-field row costs ten times a plain one (8.9 us against 0.9 us), on every row of a
500-row page. Fields named in a row's
``ID_TYPES`` hold row ids the API layers show as global ids of the named type. No row has a
field named ``id``: a row is not the object it describes, and Relay-style clients store
objects by ``id``, so a row's ``id`` equal to its project's would merge the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from server.domain.enums import (
    ApproverRole,
    ChangeRequestStatus,
    CostCategory,
    GateDecision,
    IssueSeverity,
    IssueStatus,
    MilestoneStatus,
    ProjectStatus,
    Rag,
    RiskResponse,
    RiskStatus,
)


@dataclass(slots=True)
class ProjectReportRow:
    """One project with its people, earned value as of a day, RAID counts and last report."""

    ID_TYPES: ClassVar[dict[str, str]] = {"project_id": "Project"}

    project_id: int
    code: str
    name: str
    portfolio_code: str | None
    portfolio_name: str | None
    program_name: str | None
    manager_name: str | None
    sponsor_name: str | None
    status: ProjectStatus
    priority: int
    health: Rag | None
    percent_complete: int
    budget_at_completion: Decimal
    baseline_start: date | None
    baseline_finish: date | None
    forecast_finish: date | None
    evm_forecast_finish: date | None
    as_of: date
    pv: Decimal | None
    ev: Decimal
    ac: Decimal
    cv: Decimal
    sv: Decimal | None
    cpi: Decimal | None
    spi: Decimal | None
    eac: Decimal | None
    open_risks: int
    high_risks: int
    open_issues: int
    overdue_milestones: int
    alignment_score: Decimal
    last_report_period_end: date | None
    last_overall_rag: Rag | None
    updated_at: datetime


@dataclass(slots=True)
class RiskReportRow:
    """One risk with its project, portfolio, category and owner by name."""

    ID_TYPES: ClassVar[dict[str, str]] = {"risk_id": "Risk", "project_id": "Project"}

    risk_id: int
    project_id: int
    project_code: str | None
    project_name: str | None
    portfolio_code: str | None
    title: str
    description: str | None
    category: str | None
    probability: int
    impact: int
    score: int
    status: RiskStatus
    response: RiskResponse
    response_plan: str | None
    owner_name: str | None
    due_date: date | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class IssueReportRow:
    """One issue with its project, portfolio and owner by name."""

    ID_TYPES: ClassVar[dict[str, str]] = {"issue_id": "Issue", "project_id": "Project",
                                          "source_risk_id": "Risk"}

    issue_id: int
    project_id: int
    project_code: str | None
    project_name: str | None
    portfolio_code: str | None
    title: str
    description: str | None
    severity: IssueSeverity
    status: IssueStatus
    owner_name: str | None
    due_date: date | None
    resolved_on: date | None
    resolution: str | None
    source_risk_id: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class MilestoneReportRow:
    """One milestone with its project and portfolio, and how far it slipped."""

    ID_TYPES: ClassVar[dict[str, str]] = {"milestone_id": "Milestone", "project_id": "Project"}

    milestone_id: int
    project_id: int
    project_code: str | None
    project_name: str | None
    portfolio_code: str | None
    name: str
    status: MilestoneStatus
    planned_date: date
    baseline_date: date | None
    forecast_date: date | None
    actual_date: date | None
    planned_percent: int | None
    slip_days: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class CostReportRow:
    """One cost entry (an amount incurred on a day) with its project and portfolio."""

    ID_TYPES: ClassVar[dict[str, str]] = {"cost_entry_id": "CostEntry", "project_id": "Project"}

    cost_entry_id: int
    project_id: int
    project_code: str | None
    project_name: str | None
    portfolio_code: str | None
    incurred_on: date
    amount: Decimal
    category: CostCategory
    description: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class StatusReportReportRow:
    """One status report with its project, its RAGs and who submitted it when."""

    ID_TYPES: ClassVar[dict[str, str]] = {"status_report_id": "StatusReport",
                                          "project_id": "Project"}

    status_report_id: int
    project_id: int
    project_code: str | None
    project_name: str | None
    portfolio_code: str | None
    period_end: date
    overall: Rag
    schedule: Rag
    cost: Rag
    scope: Rag
    risk: Rag
    summary: str
    submitted_by_name: str | None
    submitted_at: datetime | None
    days_to_submit: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class GateDecisionReportRow:
    """One decided gate: the decision, who made it, when, and how long it waited."""

    ID_TYPES: ClassVar[dict[str, str]] = {"project_gate_id": "ProjectGate",
                                          "project_id": "Project"}

    project_gate_id: int
    project_id: int
    project_code: str | None
    project_name: str | None
    portfolio_code: str | None
    sequence: int
    gate_name: str
    approver_role: ApproverRole
    decision: GateDecision
    decided_by_name: str | None
    submitted_at: datetime | None
    decided_at: datetime
    days_waiting: int | None
    note: str | None
    updated_at: datetime


@dataclass(slots=True)
class ChangeRequestReportRow:
    """One change request: its impacts, its decision and how long deciding took."""

    ID_TYPES: ClassVar[dict[str, str]] = {"change_request_id": "ChangeRequest",
                                          "project_id": "Project"}

    change_request_id: int
    project_id: int
    project_code: str | None
    project_name: str | None
    portfolio_code: str | None
    title: str
    status: ChangeRequestStatus
    cost_impact: Decimal
    schedule_impact_days: int
    requested_by_name: str | None
    decided_by_name: str | None
    decided_at: datetime | None
    days_to_decide: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class BenefitReportRow:
    """One benefit: planned (target) against realised."""

    ID_TYPES: ClassVar[dict[str, str]] = {"benefit_id": "Benefit", "project_id": "Project"}

    benefit_id: int
    project_id: int
    project_code: str | None
    project_name: str | None
    portfolio_code: str | None
    name: str
    unit: str
    target_value: Decimal
    realized_value: Decimal
    variance: Decimal
    realized_percent: Decimal | None
    target_date: date | None
    owner_name: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class SnapshotReportRow:
    """One project's figures on one day (the daily snapshot), for trend charts."""

    ID_TYPES: ClassVar[dict[str, str]] = {"project_snapshot_id": "ProjectSnapshot",
                                          "project_id": "Project"}

    project_snapshot_id: int
    project_id: int
    project_code: str | None
    project_name: str | None
    portfolio_code: str | None
    taken_on: date
    status: ProjectStatus
    health: Rag | None
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    cpi: Decimal | None
    spi: Decimal | None
    percent_complete: int
    open_risks: int
    open_issues: int
    updated_at: datetime


@dataclass(slots=True)
class AllocationReportRow:
    """One person in one ISO week: what is allocated against their capacity."""

    ID_TYPES: ClassVar[dict[str, str]] = {"person_id": "Person"}

    person_id: int
    person_name: str
    department_name: str | None
    active: bool
    week: str
    week_start: date
    allocated_percent: int
    capacity_hours: Decimal
    allocated_hours: Decimal
    over_allocated: bool
    over_allocated_percent: int
    projects: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ValueCount:
    """How many items have one value (a status, a health)."""

    value: str
    count: int


@dataclass(frozen=True, slots=True)
class PortfolioSummaryData:
    """A portfolio at a glance as of a day."""

    ID_TYPES: ClassVar[dict[str, str]] = {"portfolio_id": "Portfolio"}

    portfolio_id: int
    code: str
    name: str
    as_of: date
    budget: Decimal
    project_count: int
    by_status: list[ValueCount]
    by_health: list[ValueCount]
    bac: Decimal
    pv: Decimal | None
    ev: Decimal
    ac: Decimal
    cv: Decimal
    sv: Decimal | None
    cpi: Decimal | None
    spi: Decimal | None
    open_risks: int
    high_risks: int
    open_issues: int
    overdue_milestones: int
    pending_change_requests: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The snapshots of a portfolio's projects on one day, added up."""

    day: date
    projects: int
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    cpi: Decimal | None
    spi: Decimal | None
    red: int
    amber: int
    green: int
    open_risks: int
    open_issues: int
