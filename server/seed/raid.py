"""The RAID log of a project: risks, the issues some of them became, assumptions, dependencies."""

from __future__ import annotations

from datetime import timedelta

from server.domain.enums import (
    DependencyStatus,
    IssueSeverity,
    IssueStatus,
    ProjectStatus,
    RiskResponse,
    RiskStatus,
)
from server.seed import vocabulary
from server.seed.context import SeedContext
from server.seed.organisation import Organisation
from server.seed.plan import Plan

PS, RS, IS = ProjectStatus, RiskStatus, IssueStatus
RISK_COUNTS = {PS.PROPOSED: (1, 3), PS.APPROVED: (2, 5), PS.ACTIVE: (3, 8), PS.ON_HOLD: (2, 6),
               PS.COMPLETED: (3, 7), PS.CANCELLED: (1, 4)}
RISK_STATUS_MIX = {
    PS.PROPOSED: {RS.OPEN: 75, RS.MITIGATING: 25},
    PS.APPROVED: {RS.OPEN: 75, RS.MITIGATING: 25},
    PS.ACTIVE: {RS.OPEN: 40, RS.MITIGATING: 35, RS.CLOSED: 15, RS.OCCURRED: 10},
    PS.ON_HOLD: {RS.OPEN: 40, RS.MITIGATING: 35, RS.CLOSED: 15, RS.OCCURRED: 10},
    PS.COMPLETED: {RS.CLOSED: 80, RS.OCCURRED: 20},
    PS.CANCELLED: {RS.CLOSED: 70, RS.OPEN: 20, RS.OCCURRED: 10},
}
RESPONSE_MIX = {RiskResponse.MITIGATE: 45, RiskResponse.ACCEPT: 20, RiskResponse.AVOID: 15,
                RiskResponse.TRANSFER: 10, RiskResponse.ESCALATE: 10}
FINISHED_ISSUE_MIX = {IS.CLOSED: 70, IS.RESOLVED: 30}
RUNNING_ISSUE_MIX = {IS.OPEN: 35, IS.IN_PROGRESS: 35, IS.RESOLVED: 20, IS.CLOSED: 10}
SEVERITY_BY_IMPACT = {1: IssueSeverity.LOW, 2: IssueSeverity.LOW, 3: IssueSeverity.MEDIUM,
                      4: IssueSeverity.HIGH, 5: IssueSeverity.CRITICAL}
IMPACT_TEXTS = {1: "a minor inconvenience", 2: "a delay of a few days",
                3: "a delay of several weeks", 4: "a significant overspend or a missed milestone",
                5: "failing the business case or a regulatory deadline"}
OPEN_RISKS = {RS.OPEN, RS.MITIGATING}
OPEN_ISSUES = {IS.OPEN, IS.IN_PROGRESS}


def risks_and_issues(ctx: SeedContext, org: Organisation, plan: Plan) -> None:
    """Risks scored 1-5 by 1-5; every risk that occurred becomes an issue, plus a few others."""
    owners = [plan.manager_id, *plan.team]
    mix = RISK_STATUS_MIX[plan.status]
    for _ in range(ctx.rng.randint(*RISK_COUNTS[plan.status])):
        category_id, category_code = ctx.pick(org.risk_categories)
        title = ctx.pick(vocabulary.RISK_TITLES.get(category_code, vocabulary.ISSUE_TITLES))
        probability = ctx.weighted([1, 2, 3, 4, 5], [15, 25, 30, 20, 10])
        impact = ctx.weighted([1, 2, 3, 4, 5], [10, 25, 30, 25, 10])
        status = ctx.weighted(list(mix), list(mix.values()))
        risk_id = ctx.new_id("risk")
        # Raised while the project was planned or run, not all on the day of the seed.
        raised = ctx.recorded(plan.start - timedelta(days=30), plan.end or ctx.yesterday)
        ctx.add("risk", {
            "created_at": raised, "updated_at": raised,
            "id": risk_id, "version": 1, "project_id": plan.id, "title": title,
            "description": f"{title}. If it happens: {IMPACT_TEXTS[impact]}.",
            "category_id": category_id, "probability": probability, "impact": impact,
            "owner_id": ctx.pick(owners), "status": status.value,
            "response": ctx.weighted(list(RESPONSE_MIX), list(RESPONSE_MIX.values())).value,
            "response_plan": ctx.pick(vocabulary.RESPONSE_PLANS),
            "due_date": ctx.between(ctx.today - timedelta(days=30), ctx.today + timedelta(days=120))
            if status in OPEN_RISKS else None,
        })
        if status in OPEN_RISKS:
            plan.open_risks += 1
            plan.worst_risk_score = max(plan.worst_risk_score, probability * impact)
        if status is RS.OCCURRED:
            _issue(ctx, plan, owners, title, SEVERITY_BY_IMPACT[impact], source_risk_id=risk_id)
    if plan.actual_start is not None:
        for _ in range(ctx.weighted([0, 1, 2, 3], [30, 35, 25, 10])):
            severity = ctx.weighted(list(IssueSeverity), [25, 40, 25, 10])
            title = ctx.pick(vocabulary.ISSUE_TITLES)
            _issue(ctx, plan, owners, title, severity, source_risk_id=None)


def _issue(ctx: SeedContext, plan: Plan, owners: list[int], title: str, severity: IssueSeverity,
           *, source_risk_id: int | None) -> None:
    finished = plan.status in (PS.COMPLETED, PS.CANCELLED)
    mix = FINISHED_ISSUE_MIX if finished else RUNNING_ISSUE_MIX
    status = ctx.weighted(list(mix), list(mix.values()))
    resolved = status not in OPEN_ISSUES
    since = plan.actual_start or ctx.today - timedelta(days=60)
    until = plan.end or ctx.yesterday
    row = {
        "id": ctx.new_id("issue"), "version": 1, "project_id": plan.id, "title": title,
        "description": "Raised from the risk register: the risk occurred." if source_risk_id
        else "Raised by the project team.",
        "severity": severity.value, "owner_id": ctx.pick(owners), "status": status.value,
        "due_date": None if resolved else ctx.between(ctx.today - timedelta(days=20),
                                                      ctx.today + timedelta(days=60)),
        "resolved_on": ctx.between(since, until) if resolved else None,
        "resolution": ctx.pick(vocabulary.RESOLUTIONS) if resolved else None,
        "source_risk_id": source_risk_id,
    }
    # Raised while the project ran (before it was resolved), not all on the day of the seed.
    raised = ctx.recorded(since, row["resolved_on"] or until)
    ctx.add("issue", {"created_at": raised, "updated_at": raised, **row})
    if not resolved:
        plan.open_issues += 1


def assumptions(ctx: SeedContext, plan: Plan) -> None:
    """Two to four assumptions; most are validated once work has started."""
    validated_share = 0.6 if plan.actual_start is not None else 0.15
    for text in ctx.rng.sample(vocabulary.ASSUMPTIONS, ctx.rng.randint(2, 4)):
        ctx.add("assumption", {
            "id": ctx.new_id("assumption"), "project_id": plan.id, "text": text,
            "validated": ctx.chance(validated_share),
        })


def dependencies(ctx: SeedContext, plan: Plan, earlier_projects: list[int]) -> None:
    """Needs on earlier projects (so the target row exists) or on outside parties."""
    if plan.status is PS.COMPLETED:
        statuses = {DependencyStatus.MET: 90, DependencyStatus.BROKEN: 10}
    else:
        statuses = {DependencyStatus.OPEN: 50, DependencyStatus.AT_RISK: 20,
                    DependencyStatus.MET: 25, DependencyStatus.BROKEN: 5}
    for _ in range(ctx.weighted([0, 1, 2], [40, 40, 20])):
        internal = bool(earlier_projects) and ctx.chance(0.6)
        ctx.add("dependency", {
            "id": ctx.new_id("dependency"), "from_project_id": plan.id,
            "to_project_id": ctx.pick(earlier_projects) if internal else None,
            "external_name": None if internal else ctx.pick(vocabulary.EXTERNAL_PARTIES),
            "description": ctx.pick(vocabulary.DEPENDENCY_NEEDS),
            "needed_by": ctx.between(plan.start, plan.finish),
            "status": ctx.weighted(list(statuses), list(statuses.values())).value,
        })
