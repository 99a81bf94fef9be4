"""How a project is delivered: monthly costs, gates and checklists, status reports, snapshots."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from server.domain.enums import (
    ApproverRole,
    CostCategory,
    GateDecision,
    GateStatus,
    ProjectStatus,
    Rag,
)
from server.seed import vocabulary
from server.seed.context import SeedContext, month_ends, month_segments, to_money
from server.seed.organisation import GateSpec, Organisation
from server.seed.plan import Plan, band, worst

# Besides labour, a month may carry these costs: (category, how often, share range).
OTHER_COSTS = [
    (CostCategory.VENDOR, 0.45, (0.1, 0.4)),
    (CostCategory.MATERIAL, 0.2, (0.05, 0.2)),
    (CostCategory.OTHER, 0.1, (0.01, 0.05)),
]
STATUS_REPORT_PERIODS = 12
SNAPSHOT_MONTHS = 6

# (status, decision, submitted at, decided at) of one project gate.
GateState = tuple[GateStatus, GateDecision | None, datetime | None, datetime | None]


def costs(ctx: SeedContext, plan: Plan) -> None:
    """Monthly cost entries adding up to about EV / CPI, so each project's CPI is its own."""
    if plan.actual_start is None or plan.end is None:
        return
    actual_cost = float(plan.bac) * plan.percent / 100 / plan.cpi
    segments = month_segments(plan.actual_start, plan.end)
    weights = [((last - first).days + 1) * ctx.rng.uniform(0.7, 1.3) for first, last in segments]
    per_weight = actual_cost / sum(weights)
    for (first, last), weight in zip(segments, weights, strict=True):
        shares = [(CostCategory.LABOR, ctx.rng.uniform(0.55, 0.8))]
        shares += [(category, ctx.rng.uniform(*share)) for category, often, share in OTHER_COSTS
                   if ctx.chance(often)]
        total_share = sum(share for _, share in shares)
        for category, share in shares:
            amount = to_money(weight * per_weight * share / total_share)
            ctx.add("cost_entry", {
                "id": ctx.new_id("cost_entry"), "project_id": plan.id, "incurred_on": last,
                "amount": amount, "category": category.value,
                "description": f"{vocabulary.COST_DESCRIPTIONS[category.value]}, {first:%Y-%m}",
            })
            plan.costs.append((last, amount))


def gates(ctx: SeedContext, org: Organisation, plan: Plan, specs: list[GateSpec]) -> None:
    """Copy the template's gates and checklists, decided as far as the project has come."""
    passed = _passed_gates(ctx, plan, len(specs))
    for spec in specs:
        if spec.sequence <= len(passed):
            decided_at = passed[spec.sequence - 1]
            submitted_at = ctx.at(decided_at.date() - ctx.days(1, 7))
            state: GateState = (GateStatus.APPROVED, GateDecision.GO, submitted_at, decided_at)
        elif spec.sequence == len(passed) + 1:
            state = _current_gate(ctx, plan, passed[-1].date() if passed else None)
        else:
            state = (GateStatus.PENDING, None, None, None)
        gate_id = _gate_row(ctx, org, plan, spec, state)
        _checklist(ctx, plan, spec, gate_id, state, current=spec.sequence == len(passed) + 1)


def _passed_gates(ctx: SeedContext, plan: Plan, count: int) -> list[datetime]:
    """Decision times of the gates already passed: approval, progress points, closure."""
    if plan.approved_at is None:
        return []
    passed = [plan.approved_at]
    if plan.actual_start is None or plan.end is None:
        return passed
    for sequence in range(2, count):
        fraction = (sequence - 1) / (count - 1)
        if plan.percent < fraction * 100:
            return passed
        passed.append(ctx.at(plan.reached(fraction)))
    if plan.status is ProjectStatus.COMPLETED:
        passed.append(ctx.at(min(plan.end + ctx.days(3, 14), ctx.yesterday)))
    return passed


def _current_gate(ctx: SeedContext, plan: Plan, previous: date | None) -> GateState:
    """The first gate not passed: turned down if the project stopped, else maybe submitted."""
    earliest = previous or date.min  # never submitted before the previous gate was passed
    if plan.stopped_on is not None:
        decision = GateDecision.HOLD if plan.status is ProjectStatus.ON_HOLD else GateDecision.NO_GO
        day_before = plan.stopped_on - timedelta(days=1)
        submitted = min(max(plan.stopped_on - ctx.days(1, 10), earliest), day_before)
        return GateStatus.REJECTED, decision, ctx.at(submitted), ctx.at(plan.stopped_on)
    roll = ctx.rng.random()
    submitted_share = 0.55 if plan.status is ProjectStatus.PROPOSED else 0.35
    recent = ctx.between(max(earliest, ctx.yesterday - timedelta(days=14)), ctx.yesterday)
    if roll < submitted_share:
        return GateStatus.SUBMITTED, None, ctx.at(recent), None
    if plan.status is ProjectStatus.ACTIVE and roll < submitted_share + 0.05:
        submitted = ctx.at(recent - timedelta(days=1))
        return GateStatus.REJECTED, GateDecision.RECYCLE, submitted, ctx.at(recent)
    return GateStatus.PENDING, None, None, None


def _gate_row(ctx: SeedContext, org: Organisation, plan: Plan, spec: GateSpec,
              state: GateState) -> int:
    status, decision, submitted_at, decided_at = state
    decider = plan.sponsor_id if spec.approver_role is ApproverRole.EXECUTIVE else ctx.pick(org.pmo)
    gate_id = ctx.new_id("project_gate")
    ctx.add("project_gate", {
        "id": gate_id, "project_id": plan.id, "gate_template_id": spec.id,
        "sequence": spec.sequence, "name": spec.name, "description": spec.description,
        "approver_role": spec.approver_role.value, "takes_baseline": spec.takes_baseline,
        "status": status.value,
        "decision": decision.value if decision else None,
        "submitted_by_id": plan.manager_id if submitted_at else None,
        "submitted_at": submitted_at,
        "decided_by_id": decider if decided_at else None,
        "decided_at": decided_at,
        "note": vocabulary.GATE_NOTES[decision.value] if decision else None,
    })
    return gate_id


def _checklist(ctx: SeedContext, plan: Plan, spec: GateSpec, gate_id: int, state: GateState,
               *, current: bool) -> None:
    status, _, submitted_at, _ = state
    people = [plan.manager_id, *plan.team]
    for sequence, (text, mandatory) in enumerate(spec.items, 1):
        if submitted_at is not None:
            # A gate is only submitted with its mandatory items done.
            done = mandatory or ctx.chance(0.7 if status is GateStatus.APPROVED else 0.5)
        else:
            done = current and ctx.chance(0.35)
        done_on = (submitted_at.date() if submitted_at else ctx.yesterday) - ctx.days(1, 14)
        ctx.add("project_checklist_item", {
            "id": ctx.new_id("project_checklist_item"), "project_gate_id": gate_id,
            "sequence": sequence, "text": text, "mandatory": mandatory, "done": done,
            "done_by_id": ctx.pick(people) if done else None,
            "done_at": ctx.at(done_on) if done else None,
            "evidence_url": f"https://docs.example.com/{plan.code.lower()}/gate-{spec.sequence}"
                            f"/item-{sequence}" if done and ctx.chance(0.6) else None,
        })


def status_reports(ctx: SeedContext, plan: Plan) -> None:
    """One report per month end since the start (the last twelve), the latest maybe a draft."""
    if plan.actual_start is None or plan.end is None:
        return
    risk = Rag.RED if plan.worst_risk_score >= 15 else (
        Rag.AMBER if plan.worst_risk_score >= 8 else Rag.GREEN)
    periods = month_ends(plan.actual_start, min(plan.end, ctx.today))[-STATUS_REPORT_PERIODS:]
    for period_end in periods:
        schedule = band(plan.spi * ctx.rng.uniform(0.93, 1.07), "SPI")
        cost = band(plan.cpi * ctx.rng.uniform(0.93, 1.07), "CPI")
        scope = ctx.weighted([Rag.GREEN, Rag.AMBER, Rag.RED], [75, 20, 5])
        overall = worst(schedule, cost, scope)
        submitted_on = period_end + ctx.days(1, 5)
        ctx.add("status_report", {
            "id": ctx.new_id("status_report"), "project_id": plan.id, "period_end": period_end,
            "overall": overall.value, "schedule": schedule.value, "cost": cost.value,
            "scope": scope.value, "risk": risk.value,
            "summary": ctx.pick(vocabulary.STATUS_SUMMARIES[overall.value]),
            "accomplishments": ctx.pick(vocabulary.ACCOMPLISHMENTS),
            "next_steps": ctx.pick(vocabulary.NEXT_STEPS),
            "submitted_by_id": plan.manager_id,
            "submitted_at": ctx.at(submitted_on) if submitted_on <= ctx.yesterday else None,
        })


def snapshots(ctx: SeedContext, plan: Plan) -> None:
    """Month-end snapshots for the last six months, with EVM figures as of each day."""
    if plan.actual_start is None or plan.end is None or plan.status is ProjectStatus.CANCELLED:
        return
    bac = float(plan.bac)
    days = month_ends(ctx.today - timedelta(days=31 * SNAPSHOT_MONTHS), ctx.yesterday)
    for day in days[-SNAPSHOT_MONTHS:]:
        if day < plan.actual_start:
            continue
        pv = bac * plan.planned_fraction(day)
        ev = bac * plan.percent_at(day) / 100
        ac = sum((amount for incurred, amount in plan.costs if incurred <= day), Decimal(0))
        cpi = band(ev / float(ac), "CPI") if ac else None
        spi = band(ev / pv, "SPI") if pv else None
        ctx.add("project_snapshot", {
            "id": ctx.new_id("project_snapshot"), "taken_on": day, "project_id": plan.id,
            "status": _status_on(plan, day).value, "health": worst(cpi, spi).value, "bac": plan.bac,
            "pv": to_money(pv), "ev": to_money(ev), "ac": to_money(ac),
            "percent_complete": round(plan.percent_at(day)),
            "open_risks": plan.open_risks, "open_issues": plan.open_issues,
        })


def _status_on(plan: Plan, day: date) -> ProjectStatus:
    """The status the project had on ``day`` (it was active before it finished or paused)."""
    stopped = plan.end if plan.status is ProjectStatus.COMPLETED else plan.stopped_on
    if plan.status is not ProjectStatus.CANCELLED and stopped is not None and day >= stopped:
        return plan.status
    return ProjectStatus.ACTIVE
