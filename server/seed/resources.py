"""Around a project: people (allocations, stakeholders), aims (objectives, benefits), lessons."""

from __future__ import annotations

from datetime import date, timedelta

from server.domain.enums import Engagement, ProjectStatus
from server.seed import vocabulary
from server.seed.context import SeedContext, to_money
from server.seed.organisation import Organisation
from server.seed.plan import Plan

PS = ProjectStatus
TEAM_SIZES = {PS.APPROVED: (2, 3), PS.ACTIVE: (2, 4), PS.ON_HOLD: (2, 4), PS.COMPLETED: (2, 5),
              PS.CANCELLED: (2, 3)}
MEMBER_PERCENTS = [10, 15, 20, 20, 25, 30, 40, 50]
MANAGER_PERCENTS = [10, 15, 20, 25]
ALIGNMENT_WEIGHTS = [3, 7, 15, 25, 30, 20]  # alignment scores 0..5
BENEFIT_RANGES = {"%": (5, 60, 1), "hours": (500, 20_000, 100), "points": (3, 20, 1),
                  "incidents": (5, 100, 1), "tCO2e": (20, 2_000, 10)}
ENGAGEMENT = list(Engagement)  # from least to most engaged
LESSON_COUNTS = {PS.COMPLETED: [0, 40, 40, 20], PS.CANCELLED: [0, 60, 40], PS.ACTIVE: [70, 30]}


def allocations(ctx: SeedContext, org: Organisation, plan: Plan) -> None:
    """The manager and a small team over the project's working dates; sets ``plan.team``.

    Percentages are drawn independently, so some people end up over 100% in some weeks,
    as in any real PMO.
    """
    sizes = TEAM_SIZES.get(plan.status)
    if sizes is None or (plan.status is PS.CANCELLED and plan.actual_start is None):
        return
    if plan.actual_start is None or plan.end is None:
        first, last = plan.start, plan.finish
    elif plan.status is PS.ACTIVE:
        # Running late projects keep their people past the planned finish.
        first, last = plan.actual_start, max(plan.finish, ctx.today + timedelta(days=30))
    else:
        first, last = plan.actual_start, plan.end
    pool = org.team + org.former if plan.status is PS.COMPLETED else org.team
    plan.team = ctx.rng.sample(pool, min(ctx.rng.randint(*sizes), len(pool)))
    _allocate(ctx, plan, plan.manager_id, "Project Manager", first, last,
              ctx.pick(MANAGER_PERCENTS))
    ramp_up = timedelta(days=(last - first).days // 4)
    for person_id in plan.team:
        start = ctx.between(first, first + ramp_up)
        # Most stay to the end; some roll off once their part is done.
        end = last if ctx.chance(0.8) else ctx.between(min(start + timedelta(days=60), last), last)
        percent = ctx.pick(MEMBER_PERCENTS)
        _allocate(ctx, plan, person_id, org.titles[person_id], start, end, percent)


def _allocate(ctx: SeedContext, plan: Plan, person_id: int, role: str, start: date, end: date,
              percent: int) -> None:
    ctx.add("allocation", {
        "id": ctx.new_id("allocation"), "person_id": person_id, "project_id": plan.id,
        "role_name": role, "start_date": start, "end_date": end, "percent": percent,
    })


def objectives(ctx: SeedContext, org: Organisation, plan: Plan) -> None:
    """One to three strategic objectives the project serves, scored 0-5."""
    for objective_id in ctx.rng.sample(org.objectives, ctx.rng.randint(1, 3)):
        ctx.add("project_objective", {
            "id": ctx.new_id("project_objective"), "project_id": plan.id,
            "objective_id": objective_id,
            "alignment_score": ctx.weighted(range(6), ALIGNMENT_WEIGHTS),
        })


def benefits(ctx: SeedContext, org: Organisation, plan: Plan) -> None:
    """Benefits due after the finish; realised mostly once the project has delivered."""
    for name, unit in ctx.rng.sample(vocabulary.BENEFITS, ctx.rng.randint(1, 3)):
        if unit == "EUR":
            target = ctx.money(float(plan.bac) * 0.3, float(plan.bac) * 2, step=1_000)
        else:
            target = ctx.money(*BENEFIT_RANGES[unit])
        if plan.status is PS.COMPLETED:
            realised = ctx.rng.uniform(0.4, 1.1)
        elif plan.status is PS.ACTIVE and ctx.chance(0.4):
            realised = ctx.rng.uniform(0, 0.3)
        else:
            realised = 0.0
        ctx.add("benefit", {
            "id": ctx.new_id("benefit"), "project_id": plan.id, "name": name,
            "target_value": target, "realized_value": to_money(float(target) * realised),
            "unit": unit, "target_date": plan.finish + ctx.days(90, 540),
            "owner_id": plan.sponsor_id if ctx.chance(0.7) else ctx.pick(org.executives),
        })


def stakeholders(ctx: SeedContext, org: Organisation, plan: Plan, portfolio_owner: int) -> None:
    """The sponsor, the portfolio owner, a few colleagues and some outside parties."""
    _stakeholder(ctx, plan, person_id=plan.sponsor_id, role="Sponsor", influence=5,
                 interest=ctx.rng.randint(4, 5),
                 current=ctx.pick([Engagement.SUPPORTIVE, Engagement.LEADING]))
    if portfolio_owner != plan.sponsor_id:
        _stakeholder(ctx, plan, person_id=portfolio_owner, role="Portfolio owner", influence=4,
                     interest=3, current=ctx.pick([Engagement.NEUTRAL, Engagement.SUPPORTIVE]))
    for person_id in ctx.rng.sample(org.team, min(ctx.rng.randint(1, 2), len(org.team))):
        _stakeholder(ctx, plan, person_id=person_id, role=ctx.pick(vocabulary.STAKEHOLDER_ROLES),
                     influence=ctx.rng.randint(1, 5), interest=ctx.rng.randint(1, 5),
                     current=ctx.weighted(ENGAGEMENT, [10, 10, 35, 35, 10]))
    for _ in range(ctx.weighted([0, 1, 2], [40, 40, 20])):
        name = f"{ctx.pick(vocabulary.FIRST_NAMES)} {ctx.pick(vocabulary.LAST_NAMES)}"
        _stakeholder(ctx, plan, external=(name, ctx.pick(vocabulary.EXTERNAL_ORGANISATIONS)),
                     role=ctx.pick(vocabulary.EXTERNAL_ROLES), influence=ctx.rng.randint(1, 5),
                     interest=ctx.rng.randint(1, 5),
                     current=ctx.weighted(ENGAGEMENT, [20, 10, 40, 25, 5]))


def _stakeholder(ctx: SeedContext, plan: Plan, *, role: str, influence: int, interest: int,
                 current: Engagement, person_id: int | None = None,
                 external: tuple[str, str] | None = None) -> None:
    # Aim one step up the ladder, and for LEADING from anyone with real influence.
    desired = ENGAGEMENT[min(ENGAGEMENT.index(current) + 1, len(ENGAGEMENT) - 1)]
    if influence >= 4:
        desired = Engagement.LEADING
    ctx.add("stakeholder", {
        "id": ctx.new_id("stakeholder"), "project_id": plan.id, "person_id": person_id,
        "external_name": external[0] if external else None,
        "organisation": external[1] if external else None,
        "role": role, "influence": influence, "interest": interest,
        "engagement_current": current.value, "engagement_desired": desired.value,
        "notes": None,
    })


def lessons(ctx: SeedContext, plan: Plan) -> None:
    """Lessons from finished projects, and now and then from a running one."""
    weights = LESSON_COUNTS.get(plan.status)
    if weights is None:
        return
    count = ctx.weighted(range(len(weights)), weights)
    for title, category, happened, recommendation, impact, tags in ctx.rng.sample(
        vocabulary.LESSONS, count
    ):
        ctx.add("lesson", {
            "id": ctx.new_id("lesson"), "project_id": plan.id, "title": title,
            "category": category, "what_happened": happened, "recommendation": recommendation,
            "impact": impact, "tags": list(tags),
        })
