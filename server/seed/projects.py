"""Projects one at a time: the project row, its change requests, baselines and milestones.

The other child rows come from ``delivery``, ``raid`` and ``resources``; every project
draws from the one seeded stream in the same order, so a seed always tells the same story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from server.domain.enums import ChangeRequestStatus, MilestoneStatus, ProjectStatus, Rag
from server.seed import delivery, raid, resources, vocabulary
from server.seed.collaboration import CollaborationGenerator
from server.seed.context import SeedContext
from server.seed.organisation import GateSpec, Organisation, PortfolioSpec
from server.seed.plan import Plan, make_plan, settle_progress

# Projects per status for each unit of scale (60 in all); every status is present at any scale.
STATUS_MIX = {
    ProjectStatus.ACTIVE: 24, ProjectStatus.COMPLETED: 10, ProjectStatus.PROPOSED: 8,
    ProjectStatus.APPROVED: 7, ProjectStatus.ON_HOLD: 6, ProjectStatus.CANCELLED: 5,
}
TEMPLATE_WEIGHTS = [55, 30, 15]  # Stage-Gate, Agile, Regulatory
UNGOVERNED_SHARE = 0.05  # legacy projects that never had a template applied

CR = ChangeRequestStatus
# (how many change requests, with what weights), then the weights of their statuses.
CHANGE_MIX: dict[ProjectStatus, tuple[list[int], dict[ChangeRequestStatus, int]]] = {
    ProjectStatus.APPROVED: ([60, 40], {CR.DRAFT: 50, CR.SUBMITTED: 50}),
    ProjectStatus.ACTIVE: ([25, 35, 25, 15],
                           {CR.DRAFT: 15, CR.SUBMITTED: 25, CR.APPROVED: 40, CR.REJECTED: 20}),
    ProjectStatus.ON_HOLD: ([40, 40, 20],
                            {CR.DRAFT: 10, CR.SUBMITTED: 40, CR.APPROVED: 30, CR.REJECTED: 20}),
    ProjectStatus.COMPLETED: ([30, 35, 25, 10], {CR.APPROVED: 70, CR.REJECTED: 30}),
    ProjectStatus.CANCELLED: ([50, 35, 15], {CR.SUBMITTED: 30, CR.APPROVED: 30, CR.REJECTED: 40}),
}


@dataclass
class Change:
    """An approved change request, as baselines need it."""

    decided_on: date
    decided_at: datetime
    title: str
    cost: Decimal
    days: int


class ProjectGenerator:
    """Queues projects and their child rows, one project per ``generate`` call."""

    def __init__(self, ctx: SeedContext, org: Organisation, *, scale: int) -> None:
        self.ctx, self.org = ctx, org
        self.statuses = [s for s, count in STATUS_MIX.items() for _ in range(count * scale)]
        ctx.rng.shuffle(self.statuses)
        # Round-robin over shuffled managers: each manages the same number of projects.
        self.managers = list(org.managers)
        ctx.rng.shuffle(self.managers)
        self.project_ids: list[int] = []
        self._names: dict[str, int] = {}
        self.collaboration = CollaborationGenerator(ctx, org)

    @property
    def total(self) -> int:
        """How many projects ``generate`` will be called for."""
        return len(self.statuses)

    def generate(self, index: int) -> None:
        """Queue project number ``index`` with all its child rows."""
        ctx, org = self.ctx, self.org
        # Where this project's rows start in the pending lists (nothing is flushed meanwhile).
        marks = {table: len(ctx.rows[table]) for table in ("risk", "issue", "change_request")}
        portfolio = org.portfolios[index % len(org.portfolios)]
        plan = make_plan(
            ctx, project_id=ctx.new_id("project"), code=ctx.numbered("project", "PRJ-{:04d}"),
            status=self.statuses[index], manager_id=self.managers[index % len(self.managers)],
            sponsor_id=portfolio.owner_id if ctx.chance(0.6) else ctx.pick(org.executives),
        )
        initial_bac = plan.bac
        changes = _change_requests(ctx, org, plan)
        finishes = _apply_changes(plan, changes)
        settle_progress(plan)
        gates = self._template()
        name = self._project_row(plan, portfolio, gates)
        resources.allocations(ctx, org, plan)
        _milestones_and_baselines(ctx, plan, initial_bac, changes, finishes)
        delivery.costs(ctx, plan)
        if gates is not None:
            delivery.gates(ctx, org, plan, gates[1])
        raid.risks_and_issues(ctx, org, plan)
        raid.assumptions(ctx, plan)
        raid.dependencies(ctx, plan, self.project_ids)
        delivery.status_reports(ctx, plan)
        resources.objectives(ctx, org, plan)
        resources.benefits(ctx, org, plan)
        resources.stakeholders(ctx, org, plan, portfolio.owner_id)
        resources.lessons(ctx, plan)
        delivery.snapshots(ctx, plan)
        self.collaboration.generate(plan, name, *(ctx.rows[table][mark:]
                                                  for table, mark in marks.items()))
        self.project_ids.append(plan.id)

    def _template(self) -> tuple[int, list[GateSpec]] | None:
        if self.ctx.chance(UNGOVERNED_SHARE):
            return None
        return self.ctx.weighted(self.org.templates, TEMPLATE_WEIGHTS[:len(self.org.templates)])

    def _name(self) -> tuple[str, str]:
        subject = self.ctx.pick(vocabulary.PROJECT_SUBJECTS)
        base = f"{subject} {self.ctx.pick(vocabulary.PROJECT_ACTIONS)}"
        self._names[base] = self._names.get(base, 0) + 1
        phase = self._names[base]
        return (base if phase == 1 else f"{base} Phase {phase}"), subject

    def _project_row(self, plan: Plan, portfolio: PortfolioSpec,
                     gates: tuple[int, list[GateSpec]] | None) -> str:
        """Queue the project row; its name."""
        ctx = self.ctx
        name, subject = self._name()
        description = ctx.pick(vocabulary.PROJECT_DESCRIPTIONS).format(subject=subject.lower())
        baselined = plan.approved_on is not None
        ctx.add("project", {
            "id": plan.id, "version": 1, "code": plan.code, "name": name,
            "description": description, "portfolio_id": portfolio.id,
            "program_id": ctx.pick(portfolio.program_ids) if ctx.chance(0.7) else None,
            "manager_id": plan.manager_id, "sponsor_id": plan.sponsor_id,
            "department_id": ctx.pick(self.org.leaf_departments),
            "project_type_id": ctx.pick(self.org.project_types),
            "governance_template_id": gates[0] if gates else None,
            "status": plan.status.value,
            "priority": ctx.weighted([1, 2, 3, 4, 5], [10, 25, 35, 20, 10]),
            "budget_at_completion": plan.bac,
            "planned_start": plan.start, "planned_finish": plan.finish,
            "baseline_start": plan.start if baselined else None,
            "baseline_finish": plan.finish if baselined else None,
            "baseline_budget": plan.bac if baselined else None,
            "actual_start": plan.actual_start,
            "actual_finish": plan.end if plan.status is ProjectStatus.COMPLETED else None,
            "forecast_finish": _forecast_finish(ctx, plan),
            "percent_complete": plan.percent,
            "health_override": _health_override(ctx, plan),
        })
        return name


def _forecast_finish(ctx: SeedContext, plan: Plan) -> date | None:
    if plan.status is ProjectStatus.CANCELLED:
        return None
    if plan.status is ProjectStatus.COMPLETED:
        return plan.end
    if plan.actual_start is None:
        return plan.finish
    forecast = plan.finish + timedelta(days=round((1 / plan.spi - 1) * plan.duration))
    return forecast if forecast > ctx.today else ctx.today + ctx.days(14, 60)


def _health_override(ctx: SeedContext, plan: Plan) -> str | None:
    # A few projects where the PMO's judgement overrides the computed health.
    if plan.status in (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD) and ctx.chance(0.06):
        return ctx.pick([Rag.AMBER, Rag.RED]).value
    return None


def _change_requests(ctx: SeedContext, org: Organisation, plan: Plan) -> list[Change]:
    """Queue the project's change requests; return the approved ones in decision order."""
    mix = CHANGE_MIX.get(plan.status)
    if mix is None or (plan.status is ProjectStatus.CANCELLED and plan.actual_start is None):
        return []
    count_weights, status_weights = mix
    window = None
    if plan.actual_start is not None and plan.end is not None:
        window = (plan.actual_start + timedelta(days=7), plan.end - timedelta(days=1))
    approved = []
    for _ in range(ctx.weighted(range(len(count_weights)), count_weights)):
        status = ctx.weighted(list(status_weights), list(status_weights.values()))
        descoping = ctx.chance(0.12)
        title = ctx.pick(vocabulary.DESCOPE_TITLES if descoping else vocabulary.CHANGE_TITLES)
        cost = ctx.money(float(plan.bac) * 0.02, float(plan.bac) * 0.15, step=500)
        days = ctx.rng.randint(0, 45)
        if descoping:
            cost, days = -cost, -ctx.rng.randint(0, 20)
        decided_at = None
        if status in (CR.APPROVED, CR.REJECTED):
            if window is None or window[1] < window[0]:
                status = CR.SUBMITTED  # too early in the project for a decision
            else:
                decided_on = ctx.between(*window)
                decided_at = ctx.at(decided_on)
        ctx.add("change_request", {
            "id": ctx.new_id("change_request"), "version": 1, "project_id": plan.id,
            "title": title, "description": ctx.pick(vocabulary.CHANGE_REASONS),
            "cost_impact": cost, "schedule_impact_days": days, "status": status.value,
            "requested_by_id": plan.manager_id,
            "decided_by_id": (plan.sponsor_id if ctx.chance(0.7) else ctx.pick(org.pmo))
            if decided_at else None,
            "decided_at": decided_at,
            "decision_note": ctx.pick(vocabulary.DECISION_NOTES[status.value])
            if decided_at else None,
        })
        if status is CR.APPROVED and decided_at is not None:
            approved.append(Change(decided_on, decided_at, title, cost, days))
    return sorted(approved, key=lambda change: change.decided_at)


def _apply_changes(plan: Plan, changes: list[Change]) -> list[date]:
    """Move BAC and finish by each approved change; return the finish of every baseline."""
    finishes = [plan.original_finish]
    shortest = plan.start + timedelta(days=30)
    for change in changes:
        plan.bac += change.cost
        finishes.append(max(finishes[-1] + timedelta(days=change.days), shortest))
    plan.finish = finishes[-1]
    return finishes


def _milestones_and_baselines(ctx: SeedContext, plan: Plan, initial_bac: Decimal,
                              changes: list[Change], finishes: list[date]) -> None:
    names = vocabulary.MILESTONES
    middle = sorted(ctx.rng.sample(range(1, 5), ctx.rng.randint(1, 4)))
    chosen = [names[0], *(names[i] for i in middle), names[5], names[6]]
    ids = [ctx.new_id("milestone") for _ in chosen]
    original = (plan.original_finish - plan.start).days
    dates = [plan.start + timedelta(days=round(f * original)) for _, f in chosen]
    versions = [dates]
    for change in changes:
        # A change moves the milestones the work had not reached when it was approved.
        done = plan.percent_at(change.decided_on) / 100
        dates = [d + timedelta(days=change.days) if f > done else d
                 for d, (_, f) in zip(dates, chosen, strict=True)]
        versions.append(dates)
    for milestone_id, (name, fraction), planned in zip(ids, chosen, dates, strict=True):
        planned_on = ctx.recorded(plan.start - timedelta(days=30), plan.start)
        ctx.add("milestone", {
            "created_at": planned_on, "updated_at": planned_on,
            "id": milestone_id, "project_id": plan.id, "name": name, "planned_date": planned,
            "baseline_date": planned if plan.approved_on is not None else None,
            **_milestone_progress(ctx, plan, fraction, planned),
        })
    if plan.approved_at is not None:
        # Each baseline keeps the milestone dates as they were when it was taken.
        snapshots = [
            [{"milestone_id": milestone_id, "name": name, "date": day.isoformat()}
             for milestone_id, (name, _), day in zip(ids, chosen, version, strict=True)]
            for version in versions
        ]
        _baselines(ctx, plan, plan.approved_at, initial_bac, changes, finishes, snapshots)


def _baselines(ctx: SeedContext, plan: Plan, approved_at: datetime, initial_bac: Decimal,
               changes: list[Change], finishes: list[date],
               milestones: list[list[dict[str, object]]]) -> None:
    """Baseline 1 at approval, then one more for every approved change request."""
    taken = [approved_at, *(change.decided_at for change in changes)]
    reasons = ["Initial baseline at approval",
               *(f"Change request approved: {change.title}" for change in changes)]
    bacs = [initial_bac]
    for change in changes:
        bacs.append(bacs[-1] + change.cost)
    versions = zip(taken, reasons, bacs, finishes, milestones, strict=True)
    for number, (taken_at, reason, bac, finish, dates) in enumerate(versions, 1):
        ctx.add("project_baseline", {
            "id": ctx.new_id("project_baseline"), "project_id": plan.id, "number": number,
            "taken_at": taken_at, "reason": reason, "bac": bac, "start": plan.start,
            "finish": finish, "milestones": dates,
        })


def _milestone_progress(ctx: SeedContext, plan: Plan, fraction: float,
                        planned: date) -> dict[str, object]:
    """Status, forecast and actual date of a milestone at ``fraction`` of the work."""
    achieved = plan.actual_start is not None and (
        plan.status is ProjectStatus.COMPLETED or (fraction < 1 and fraction * 100 <= plan.percent)
    )
    if achieved:
        return {"status": MilestoneStatus.ACHIEVED.value, "forecast_date": None,
                "actual_date": min(plan.reached(fraction), ctx.yesterday)}
    if plan.status is ProjectStatus.CANCELLED:
        return {"status": MilestoneStatus.CANCELLED.value, "forecast_date": None,
                "actual_date": None}
    forecast = planned + timedelta(days=round((1 / plan.spi - 1) * fraction * plan.duration))
    if forecast <= ctx.today:  # a date not yet reached is forecast in the future
        forecast = ctx.today + ctx.days(7, 45)
    status = MilestoneStatus.MISSED if planned < ctx.today else MilestoneStatus.PLANNED
    return {"status": status.value, "forecast_date": forecast, "actual_date": None}
