"""GraphQL types of the reports: flat rows, the portfolio summary and trend points.

Each row type declares the fields of its domain row (``server/domain/reporting/rows.py``)
in the same order; the CSV export's columns are these fields, so a column and a GraphQL
field never disagree (``tests/schema/reporting`` checks the names and order match).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

import strawberry

from schema.base import to_global_id
from schema.control.enums import ChangeRequestStatus
from schema.enums import (
    ApproverRole,
    GateDecision,
    MilestoneStatus,
    ProjectStatus,
    Rag,
    RiskResponse,
    RiskStatus,
)
from schema.raid.types import IssueSeverity, IssueStatus
from schema.readpath.plain import plain_resolver
from schema.resource.costs import CostCategory

T = TypeVar("T")

_AS_OF = "The day the earned-value figures are computed for."


@cache
def _names(data_class: type) -> tuple[str, ...]:
    return tuple(item.name for item in dataclasses.fields(data_class))


def from_data(cls: type[T], data: Any) -> T:
    """The GraphQL object for a domain row: same fields, row ids as global ids."""
    id_types: dict[str, str] = getattr(data, "ID_TYPES", {})
    values = {name: getattr(data, name) for name in _names(type(data))}
    for name, type_name in id_types.items():
        if values.get(name) is not None:
            values[name] = to_global_id(type_name, values[name])
    # The row types are plain dataclasses of exactly these fields, without defaults or
    # __post_init__ (checked by tests/schema/reporting): filled directly, which costs a third
    # of calling __init__ with thirty keywords, for each of up to 500 rows a page.
    row = object.__new__(cls)
    row.__dict__.update(values)
    return row


def global_id(type_name: str, attribute: str, description: str, *,
              nullable: bool = False) -> Any:
    """A row field showing the row id in ``attribute`` as a ``type_name`` global id. The row
    types are resolved from the domain rows as they are (no copy per row); only these fields
    compute anything, and plain completion calls them directly."""
    if nullable:
        def optional(root: Any) -> strawberry.ID | None:
            value = getattr(root, attribute)
            return None if value is None else strawberry.ID(to_global_id(type_name, value))
        return strawberry.field(resolver=plain_resolver(optional), description=description)

    def required(root: Any) -> strawberry.ID:
        return strawberry.ID(to_global_id(type_name, getattr(root, attribute)))
    return strawberry.field(resolver=plain_resolver(required), description=description)


@strawberry.type(description="One project as a flat row for BI tools: people and portfolio by "
                             "name, earned value as of a day, RAID counts and its last status "
                             "report. Money is rounded as EarnedValue is.")
class ProjectRow:
    project_id: strawberry.ID = global_id("Project", "project_id",
                                          "The project's global id (as Project.id).")
    code: str = strawberry.field(description="Project code such as PRJ-0042.")
    name: str = strawberry.field(description="Project name.")
    portfolio_code: str | None = strawberry.field(description="The portfolio's code.")
    portfolio_name: str | None = strawberry.field(description="The portfolio's name.")
    program_name: str | None = strawberry.field(description="The program's name, if any.")
    manager_name: str | None = strawberry.field(description="The project manager's full name.")
    sponsor_name: str | None = strawberry.field(description="The sponsor's full name, if any.")
    status: ProjectStatus = strawberry.field(description="Lifecycle status.")  # type: ignore[valid-type]
    priority: int = strawberry.field(description="1 (highest) to 5.")
    health: Rag | None = strawberry.field(  # type: ignore[valid-type]
        description="The health override if set, else the worst of the CPI and SPI bands as of "
                    "asOf (the rule of Project.health); null when neither index is known.")
    percent_complete: int = strawberry.field(description="Progress, 0 to 100.")
    budget_at_completion: Decimal = strawberry.field(description="BAC, the approved budget.")
    baseline_start: date | None = strawberry.field(description="Start in the latest baseline.")
    baseline_finish: date | None = strawberry.field(description="Finish in the latest baseline.")
    forecast_finish: date | None = strawberry.field(
        description="The project's own forecast finish (as Project.forecastFinish).")
    evm_forecast_finish: date | None = strawberry.field(
        description="Finish forecast from SPI as of asOf (as EarnedValue.forecastFinish).")
    as_of: date = strawberry.field(description=_AS_OF)
    pv: Decimal | None = strawberry.field(description="Planned value (null without baseline).")
    ev: Decimal = strawberry.field(description="Earned value.")
    ac: Decimal = strawberry.field(description="Actual cost incurred on or before asOf.")
    cv: Decimal = strawberry.field(description="Cost variance: EV - AC.")
    sv: Decimal | None = strawberry.field(description="Schedule variance: EV - PV.")
    cpi: Decimal | None = strawberry.field(description="Cost performance index: EV / AC.")
    spi: Decimal | None = strawberry.field(description="Schedule performance index: EV / PV.")
    eac: Decimal | None = strawberry.field(description="Estimate at completion: BAC / CPI.")
    open_risks: int = strawberry.field(description="Risks open or being mitigated now.")
    high_risks: int = strawberry.field(description="Of those, the ones scoring 15 or more.")
    open_issues: int = strawberry.field(description="Issues open or in progress now.")
    overdue_milestones: int = strawberry.field(
        description="Milestones neither achieved nor cancelled planned before asOf.")
    alignment_score: Decimal = strawberry.field(
        description="Strategic alignment: sum of objective weight x alignment score (0.01).")
    last_report_period_end: date | None = strawberry.field(
        description="Period end of the latest status report.")
    last_overall_rag: Rag | None = strawberry.field(  # type: ignore[valid-type]
        description="Overall RAG of the latest status report.")
    updated_at: datetime = strawberry.field(description="When the project last changed (UTC).")


@strawberry.type(description="One risk as a flat row for BI tools.")
class RiskRow:
    risk_id: strawberry.ID = global_id("Risk", "risk_id", "The risk's global id (as Risk.id).")
    project_id: strawberry.ID = global_id("Project", "project_id", "The project's global id.")
    project_code: str | None = strawberry.field(description="The project's code.")
    project_name: str | None = strawberry.field(description="The project's name.")
    portfolio_code: str | None = strawberry.field(description="The project's portfolio code.")
    title: str = strawberry.field(description="Short title.")
    description: str | None = strawberry.field(description="What could happen.")
    category: str | None = strawberry.field(description="The risk category's name.")
    probability: int = strawberry.field(description="1 to 5.")
    impact: int = strawberry.field(description="1 to 5.")
    score: int = strawberry.field(description="Probability x impact.")
    status: RiskStatus = strawberry.field(description="Where the risk stands.")  # type: ignore[valid-type]
    response: RiskResponse = strawberry.field(description="How it is answered.")  # type: ignore[valid-type]
    response_plan: str | None = strawberry.field(description="The planned response.")
    owner_name: str | None = strawberry.field(description="The owner's full name.")
    due_date: date | None = strawberry.field(description="When the response is due.")
    created_at: datetime = strawberry.field(description="When it was raised (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")


@strawberry.type(description="One issue as a flat row for BI tools.")
class IssueRow:
    issue_id: strawberry.ID = global_id("Issue", "issue_id",
                                        "The issue's global id (as Issue.id).")
    project_id: strawberry.ID = global_id("Project", "project_id", "The project's global id.")
    project_code: str | None = strawberry.field(description="The project's code.")
    project_name: str | None = strawberry.field(description="The project's name.")
    portfolio_code: str | None = strawberry.field(description="The project's portfolio code.")
    title: str = strawberry.field(description="Short title.")
    description: str | None = strawberry.field(description="What happened.")
    severity: IssueSeverity = strawberry.field(description="LOW to CRITICAL.")  # type: ignore[valid-type]
    status: IssueStatus = strawberry.field(description="Where the issue stands.")  # type: ignore[valid-type]
    owner_name: str | None = strawberry.field(description="The owner's full name.")
    due_date: date | None = strawberry.field(description="When it should be resolved.")
    resolved_on: date | None = strawberry.field(description="When it was resolved.")
    resolution: str | None = strawberry.field(description="How it was resolved.")
    source_risk_id: strawberry.ID | None = global_id(
        "Risk", "source_risk_id", "Global id of the risk it was escalated from, if any.",
        nullable=True)
    created_at: datetime = strawberry.field(description="When it was raised (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")


@strawberry.type(description="One milestone as a flat row for BI tools.")
class MilestoneRow:
    milestone_id: strawberry.ID = global_id("Milestone", "milestone_id",
                                            "The milestone's global id (as Milestone.id).")
    project_id: strawberry.ID = global_id("Project", "project_id", "The project's global id.")
    project_code: str | None = strawberry.field(description="The project's code.")
    project_name: str | None = strawberry.field(description="The project's name.")
    portfolio_code: str | None = strawberry.field(description="The project's portfolio code.")
    name: str = strawberry.field(description="What is reached.")
    status: MilestoneStatus = strawberry.field(description="Where it stands.")  # type: ignore[valid-type]
    planned_date: date = strawberry.field(description="Current plan.")
    baseline_date: date | None = strawberry.field(description="Date in the latest baseline.")
    forecast_date: date | None = strawberry.field(description="Latest forecast.")
    actual_date: date | None = strawberry.field(description="When it was reached.")
    planned_percent: int | None = strawberry.field(
        description="Planned % of the work done by this milestone, if set.")
    slip_days: int | None = strawberry.field(
        description="Days late (negative: early): the actual date, else the forecast, minus "
                    "the baseline date; null when either side is unknown.")
    created_at: datetime = strawberry.field(description="When it was added (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")


@strawberry.type(description="How many items have one value.")
class ValueCount:
    value: str = strawberry.field(description="The value (a status, a RAG or UNKNOWN).")
    count: int = strawberry.field(description="How many have it.")


@strawberry.type(description="A portfolio at a glance as of a day: projects by status and "
                             "health, the earned-value roll-up (sums, then ratios of the sums) "
                             "and what is open or waiting.")
class PortfolioSummary:
    portfolio_id: strawberry.ID = strawberry.field(description="The portfolio's global id.")
    code: str = strawberry.field(description="The portfolio's code.")
    name: str = strawberry.field(description="The portfolio's name.")
    as_of: date = strawberry.field(description=_AS_OF)
    budget: Decimal = strawberry.field(description="The portfolio's budget envelope.")
    project_count: int = strawberry.field(description="Its projects, every status.")
    by_status: list[ValueCount] = strawberry.field(
        description="Projects per status, every status listed.")
    by_health: list[ValueCount] = strawberry.field(
        description="Projects per health as of asOf (GREEN, AMBER, RED, and UNKNOWN when "
                    "neither index is known).")
    bac: Decimal = strawberry.field(description="Sum of the projects' BAC.")
    pv: Decimal | None = strawberry.field(description="Sum of planned values (null if none).")
    ev: Decimal = strawberry.field(description="Sum of earned values.")
    ac: Decimal = strawberry.field(description="Sum of actual costs on or before asOf.")
    cv: Decimal = strawberry.field(description="EV - AC of the sums.")
    sv: Decimal | None = strawberry.field(description="EV - PV of the sums.")
    cpi: Decimal | None = strawberry.field(description="EV / AC of the sums.")
    spi: Decimal | None = strawberry.field(description="EV / PV of the sums.")
    open_risks: int = strawberry.field(description="Risks open or being mitigated.")
    high_risks: int = strawberry.field(description="Open risks scoring 15 or more.")
    open_issues: int = strawberry.field(description="Issues open or in progress.")
    overdue_milestones: int = strawberry.field(
        description="Milestones neither achieved nor cancelled planned before asOf.")
    pending_change_requests: int = strawberry.field(
        description="Change requests submitted and waiting for a decision.")


@strawberry.type(description="A portfolio's project snapshots of one day, added up.")
class PortfolioTrendPoint:
    day: date = strawberry.field(description="The day the snapshots describe.")
    projects: int = strawberry.field(description="Projects with a snapshot that day.")
    bac: Decimal = strawberry.field(description="Sum of BAC.")
    pv: Decimal = strawberry.field(description="Sum of planned value.")
    ev: Decimal = strawberry.field(description="Sum of earned value.")
    ac: Decimal = strawberry.field(description="Sum of actual cost.")
    cpi: Decimal | None = strawberry.field(description="EV / AC of the sums (0.0001).")
    spi: Decimal | None = strawberry.field(description="EV / PV of the sums (0.0001).")
    red: int = strawberry.field(description="Projects whose snapshot health was RED.")
    amber: int = strawberry.field(description="Projects whose snapshot health was AMBER.")
    green: int = strawberry.field(description="Projects whose snapshot health was GREEN.")
    open_risks: int = strawberry.field(description="Open risks summed over the snapshots.")
    open_issues: int = strawberry.field(description="Open issues summed over the snapshots.")


_PROJECT_ID = "The project's global id."
_UPDATED = ("When anything the row shows last changed (UTC): the row itself, its project and "
            "portfolio, and the people it names. Filter on it with updatedSince.")


@strawberry.type(description="One cost entry (an amount incurred on a day) as a flat row.")
class CostRow:
    cost_entry_id: strawberry.ID = global_id("CostEntry", "cost_entry_id",
                                             "The cost entry's global id (as CostEntry.id).")
    project_id: strawberry.ID = global_id("Project", "project_id", _PROJECT_ID)
    project_code: str | None = strawberry.field(description="The project's code.")
    project_name: str | None = strawberry.field(description="The project's name.")
    portfolio_code: str | None = strawberry.field(description="The project's portfolio code.")
    incurred_on: date = strawberry.field(description="The day the cost was incurred.")
    amount: Decimal = strawberry.field(description="The amount, in the base currency.")
    category: CostCategory = strawberry.field(description="What kind of cost.")  # type: ignore[valid-type]
    description: str | None = strawberry.field(description="What it was for.")
    created_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    updated_at: datetime = strawberry.field(description=_UPDATED)


@strawberry.type(description="One status report as a flat row.")
class StatusReportRow:
    status_report_id: strawberry.ID = global_id(
        "StatusReport", "status_report_id", "The report's global id (as StatusReport.id).")
    project_id: strawberry.ID = global_id("Project", "project_id", _PROJECT_ID)
    project_code: str | None = strawberry.field(description="The project's code.")
    project_name: str | None = strawberry.field(description="The project's name.")
    portfolio_code: str | None = strawberry.field(description="The project's portfolio code.")
    period_end: date = strawberry.field(description="The last day the report covers.")
    overall: Rag = strawberry.field(description="Overall RAG.")  # type: ignore[valid-type]
    schedule: Rag = strawberry.field(description="Schedule RAG.")  # type: ignore[valid-type]
    cost: Rag = strawberry.field(description="Cost RAG.")  # type: ignore[valid-type]
    scope: Rag = strawberry.field(description="Scope RAG.")  # type: ignore[valid-type]
    risk: Rag = strawberry.field(description="Risk RAG.")  # type: ignore[valid-type]
    summary: str = strawberry.field(description="The summary.")
    submitted_by_name: str | None = strawberry.field(
        description="Who submitted it (full name).")
    submitted_at: datetime | None = strawberry.field(description="When it was submitted (UTC).")
    days_to_submit: int | None = strawberry.field(
        description="Days from the period's end to the submission (negative: before it).")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    updated_at: datetime = strawberry.field(description=_UPDATED)


@strawberry.type(description="One gate decision as a flat row: the decided gate, who decided "
                             "it, when, and how long it waited.")
class GateDecisionRow:
    project_gate_id: strawberry.ID = global_id(
        "ProjectGate", "project_gate_id", "The gate's global id (as ProjectGate.id).")
    project_id: strawberry.ID = global_id("Project", "project_id", _PROJECT_ID)
    project_code: str | None = strawberry.field(description="The project's code.")
    project_name: str | None = strawberry.field(description="The project's name.")
    portfolio_code: str | None = strawberry.field(description="The project's portfolio code.")
    sequence: int = strawberry.field(description="The gate's place in the project (1 first).")
    gate_name: str = strawberry.field(description="The gate's name.")
    approver_role: ApproverRole = strawberry.field(description="Who decides it.")  # type: ignore[valid-type]
    decision: GateDecision = strawberry.field(description="The decision.")  # type: ignore[valid-type]
    decided_by_name: str | None = strawberry.field(description="Who decided (full name).")
    submitted_at: datetime | None = strawberry.field(
        description="When it was submitted for decision (UTC).")
    decided_at: datetime = strawberry.field(description="When it was decided (UTC).")
    days_waiting: int | None = strawberry.field(
        description="Days from submission to decision (calendar days, UTC).")
    note: str | None = strawberry.field(description="The decision's note.")
    updated_at: datetime = strawberry.field(description=_UPDATED)


@strawberry.type(description="One change request as a flat row: its impacts, decision and how "
                             "long deciding took.")
class ChangeRequestRow:
    change_request_id: strawberry.ID = global_id(
        "ChangeRequest", "change_request_id", "The request's global id (as ChangeRequest.id).")
    project_id: strawberry.ID = global_id("Project", "project_id", _PROJECT_ID)
    project_code: str | None = strawberry.field(description="The project's code.")
    project_name: str | None = strawberry.field(description="The project's name.")
    portfolio_code: str | None = strawberry.field(description="The project's portfolio code.")
    title: str = strawberry.field(description="Short title.")
    status: ChangeRequestStatus = strawberry.field(description="Where it stands.")  # type: ignore[valid-type]
    cost_impact: Decimal = strawberry.field(description="Change to the budget (BAC).")
    schedule_impact_days: int = strawberry.field(description="Days added to the finish.")
    requested_by_name: str | None = strawberry.field(description="Who asked (full name).")
    decided_by_name: str | None = strawberry.field(description="Who decided (full name).")
    decided_at: datetime | None = strawberry.field(description="When it was decided (UTC).")
    days_to_decide: int | None = strawberry.field(
        description="Days from its creation to the decision; null until decided.")
    created_at: datetime = strawberry.field(description="When it was raised (UTC).")
    updated_at: datetime = strawberry.field(description=_UPDATED)


@strawberry.type(description="One benefit as a flat row: planned (target) against realised.")
class BenefitRow:
    benefit_id: strawberry.ID = global_id("Benefit", "benefit_id",
                                          "The benefit's global id (as Benefit.id).")
    project_id: strawberry.ID = global_id("Project", "project_id", _PROJECT_ID)
    project_code: str | None = strawberry.field(description="The project's code.")
    project_name: str | None = strawberry.field(description="The project's name.")
    portfolio_code: str | None = strawberry.field(description="The project's portfolio code.")
    name: str = strawberry.field(description="What the benefit is.")
    unit: str = strawberry.field(description="The unit of its values.")
    target_value: Decimal = strawberry.field(description="Planned: the value to realise.")
    realized_value: Decimal = strawberry.field(description="Realised so far.")
    variance: Decimal = strawberry.field(description="Realised minus planned.")
    realized_percent: Decimal | None = strawberry.field(
        description="Realised as a percentage of planned (0.1); null for a zero target.")
    target_date: date | None = strawberry.field(description="When it should be realised.")
    owner_name: str | None = strawberry.field(description="The owner's full name.")
    created_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    updated_at: datetime = strawberry.field(description=_UPDATED)


@strawberry.type(description="One project's figures on one day (its daily snapshot, taken by "
                             "`pmo snapshot`), for trend charts.")
class SnapshotRow:
    project_snapshot_id: strawberry.ID = global_id(
        "ProjectSnapshot", "project_snapshot_id",
        "The snapshot's global id (as ProjectSnapshot.id).")
    project_id: strawberry.ID = global_id("Project", "project_id", _PROJECT_ID)
    project_code: str | None = strawberry.field(description="The project's code.")
    project_name: str | None = strawberry.field(description="The project's name.")
    portfolio_code: str | None = strawberry.field(description="The project's portfolio code.")
    taken_on: date = strawberry.field(description="The day the figures describe.")
    status: ProjectStatus = strawberry.field(description="Lifecycle status that day.")  # type: ignore[valid-type]
    health: Rag | None = strawberry.field(description="Health that day.")  # type: ignore[valid-type]
    bac: Decimal = strawberry.field(description="Budget at completion.")
    pv: Decimal = strawberry.field(description="Planned value.")
    ev: Decimal = strawberry.field(description="Earned value.")
    ac: Decimal = strawberry.field(description="Actual cost.")
    cpi: Decimal | None = strawberry.field(description="EV / AC (0.0001); null when AC is 0.")
    spi: Decimal | None = strawberry.field(description="EV / PV (0.0001); null when PV is 0.")
    percent_complete: int = strawberry.field(description="Percent complete that day.")
    open_risks: int = strawberry.field(description="Open risks that day.")
    open_issues: int = strawberry.field(description="Open issues that day.")
    updated_at: datetime = strawberry.field(description=_UPDATED)


@strawberry.type(description="One person in one ISO week: what is allocated to them against "
                             "their capacity. Every person has a row for every week asked for, "
                             "allocated or not.")
class AllocationRow:
    person_id: strawberry.ID = global_id("Person", "person_id",
                                         "The person's global id (as Person.id).")
    person_name: str = strawberry.field(description="The person's full name.")
    department_name: str | None = strawberry.field(description="Their department's name.")
    active: bool = strawberry.field(description="Whether the person is active.")
    week: str = strawberry.field(description="The ISO week, such as 2026-W49.")
    week_start: date = strawberry.field(description="The week's Monday.")
    allocated_percent: int = strawberry.field(
        description="The sum of the percents of the allocations touching the week.")
    capacity_hours: Decimal = strawberry.field(description="Their capacity, hours per week.")
    allocated_hours: Decimal = strawberry.field(
        description="Capacity hours times the allocated percent.")
    over_allocated: bool = strawberry.field(description="Allocated above 100 %.")
    over_allocated_percent: int = strawberry.field(
        description="How far above 100 % (0 when not over-allocated).")
    projects: int = strawberry.field(description="Projects they are allocated to that week.")
    updated_at: datetime = strawberry.field(
        description="When anything the row shows last changed (UTC): the person, their "
                    "department, an allocation counted in the week, or the deletion of one "
                    "that was. Filter on it with updatedSince.")
