"""People, departments, roles, reference data, templates, portfolios and programs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from server.domain.auth.roles import subject
from server.domain.enums import ApproverRole, Role
from server.seed import catalogue, vocabulary
from server.seed.context import SeedContext, suffixed
from server.seed_accounts import DEMO_ACCOUNTS

# Demo only: the README documents these logins for trying the console and the API.

# People per unit of scale; with the five demo accounts they add up to 40.
EXECUTIVES_PER_SCALE = 5
PMO_PER_SCALE = 2
MANAGERS_PER_SCALE = 10
PEOPLE_PER_SCALE = 40
PORTFOLIOS_PER_SCALE = 5
PROGRAMS_PER_PORTFOLIO = 2
FORMER_STAFF_SHARE = 0.05


@dataclass
class GateSpec:
    """A template gate as projects copy it."""

    id: int
    sequence: int
    name: str
    description: str
    approver_role: ApproverRole
    items: list[tuple[str, bool]]
    takes_baseline: bool = False


@dataclass
class PortfolioSpec:
    """A portfolio, its owner and its programs."""

    id: int
    owner_id: int
    program_ids: list[int]


@dataclass
class Organisation:
    """The pools project generation draws from."""

    leaf_departments: list[int] = field(default_factory=list)
    divisions: list[int] = field(default_factory=list)
    pmo_department: int = 0
    executives: list[int] = field(default_factory=list)
    pmo: list[int] = field(default_factory=list)
    managers: list[int] = field(default_factory=list)
    team: list[int] = field(default_factory=list)
    former: list[int] = field(default_factory=list)  # inactive: only on finished projects
    demo: dict[str, int] = field(default_factory=dict)  # email -> person id
    titles: dict[int, str] = field(default_factory=dict)  # person id -> job title
    # person id -> (email, full name): what comments write as mentions and name as authors
    people: dict[int, tuple[str, str]] = field(default_factory=dict)
    objectives: list[int] = field(default_factory=list)
    project_types: list[int] = field(default_factory=list)
    risk_categories: list[tuple[int, str]] = field(default_factory=list)  # (id, code)
    templates: list[tuple[int, list[GateSpec]]] = field(default_factory=list)
    portfolios: list[PortfolioSpec] = field(default_factory=list)


def build_organisation(ctx: SeedContext, *, scale: int, password_hash: str | None) -> Organisation:
    """Queue every row that projects depend on and return the pools to draw from."""
    org = Organisation()
    _departments(ctx, org)
    _people(ctx, org, scale=scale, password_hash=password_hash)
    _objectives(ctx, org)
    _reference_data(ctx, org)
    _governance(ctx, org)
    _documents(ctx)
    _portfolios(ctx, org, scale=scale)
    return org


def _departments(ctx: SeedContext, org: Organisation) -> None:
    def add(node: catalogue.Department, parent_id: int | None, prefix: str) -> None:
        code, name, children = node
        full_code = f"{prefix}-{code}" if prefix else code
        dept_id = ctx.new_id("department")
        ctx.add("department", {
            "id": dept_id, "name": name, "parent_id": parent_id,
            "code": ctx.unique("department", full_code, suffixed(full_code)),
        })
        if code == catalogue.PMO_DEPARTMENT:
            org.pmo_department = dept_id
        elif parent_id is None:
            org.divisions.append(dept_id)
        elif not children:
            org.leaf_departments.append(dept_id)
        for child in children:
            add(child, dept_id, full_code)

    for root in catalogue.DEPARTMENTS:
        add(root, None, "")


def _people(ctx: SeedContext, org: Organisation, *, scale: int, password_hash: str | None) -> None:
    pools = {Role.EXECUTIVE: org.executives, Role.PMO: org.pmo, Role.PM: org.managers}
    for email, full_name, role in DEMO_ACCOUNTS:
        person_id = ctx.existing.demo_people.get(email)
        if person_id is None:
            person_id = _add_person(ctx, org, role, identity=(email, full_name),
                                    password_hash=password_hash)
        org.demo[email] = person_id
        org.people[person_id] = (email, full_name)
        _grant(ctx, person_id, role)
        if role in pools:
            pools[role].append(person_id)

    # The demo accounts count towards their role's share of the 40 people per scale unit.
    shares = {Role.EXECUTIVE: EXECUTIVES_PER_SCALE, Role.PMO: PMO_PER_SCALE,
              Role.PM: MANAGERS_PER_SCALE}
    for role, per_scale in shares.items():
        while len(pools[role]) < per_scale * scale:
            person_id = _add_person(ctx, org, role)
            pools[role].append(person_id)
            _grant(ctx, person_id, role)

    analysts = sum(1 for *_, role in DEMO_ACCOUNTS if role is Role.ANALYST)
    team_size = PEOPLE_PER_SCALE * scale - analysts - sum(len(pool) for pool in pools.values())
    former = round(team_size * FORMER_STAFF_SHARE)
    for n in range(team_size):
        active = n >= former
        (org.team if active else org.former).append(_add_person(ctx, org, None, active=active))


def _add_person(
    ctx: SeedContext,
    org: Organisation,
    role: Role | None,
    *,
    identity: tuple[str, str] | None = None,
    password_hash: str | None = None,
    active: bool = True,
) -> int:
    if identity is None:
        first, last = ctx.pick(vocabulary.FIRST_NAMES), ctx.pick(vocabulary.LAST_NAMES)
        full_name = f"{first} {last}"
        local = f"{first}.{last}".lower().replace(" ", "")
    else:
        email, full_name = identity
        local = email.split("@")[0]
    email = ctx.unique("person", f"{local}@example.com", lambda n: f"{local}{n}@example.com")
    if role is Role.EXECUTIVE:
        title, rate = ctx.pick(vocabulary.EXECUTIVE_TITLES), (160, 260)
        department = ctx.pick(org.divisions)
    elif role is Role.PMO:
        title, rate, department = ctx.pick(vocabulary.PMO_TITLES), (90, 140), org.pmo_department
    elif role is Role.PM:
        title, rate = ctx.pick(vocabulary.PM_TITLES), (85, 140)
        department = ctx.pick(org.leaf_departments)
    elif role is Role.ANALYST:
        title, rate, department = "BI Analyst", (70, 95), ctx.pick(org.leaf_departments)
    else:
        title, rate = ctx.pick(vocabulary.TEAM_ROLES), (45, 120)
        department = ctx.pick(org.leaf_departments)
    person_id = ctx.new_id("person")
    org.titles[person_id] = title
    org.people[person_id] = (email, full_name)
    ctx.add("person", {
        "id": person_id, "email": email, "full_name": full_name, "title": title,
        "department_id": department, "cost_rate": ctx.money(*rate, step=5),
        "capacity_hours_per_week": Decimal(ctx.weighted([40, 36, 32, 24, 20], [75, 8, 10, 4, 3])),
        "active": active, "password_hash": password_hash,
    })
    return person_id


def _grant(ctx: SeedContext, person_id: int, role: Role) -> None:
    rule = (subject(person_id), role.value)
    if rule in ctx.existing.role_rules:  # a demo account kept from an earlier seed
        return
    ctx.add("casbin_rule", {
        "id": ctx.new_id("casbin_rule"), "ptype": "g", "v0": rule[0], "v1": rule[1],
        "v2": None, "v3": None, "v4": None, "v5": None,
    })


def _objectives(ctx: SeedContext, org: Organisation) -> None:
    year = ctx.today.year
    for code, name, description, weight in catalogue.OBJECTIVES:
        retired = code == catalogue.RETIRED_OBJECTIVE
        objective_id = ctx.new_id("strategic_objective")
        ctx.add("strategic_objective", {
            "id": objective_id,
            "code": ctx.unique("strategic_objective", code, suffixed(code)),
            "name": name, "description": description, "weight": Decimal(weight),
            "period_start": date(year - 4 if retired else year - 1, 1, 1),
            "period_end": date(year - 1 if retired else year + 2, 12, 31),
            "active": not retired,
        })
        if not retired:
            org.objectives.append(objective_id)


def _reference_data(ctx: SeedContext, org: Organisation) -> None:
    for code, name, description in catalogue.PROJECT_TYPES:
        org.project_types.append(_reference(ctx, "project_type", code, {
            "code": code, "name": name, "description": description, "active": True,
        }))
    for code, name, description in catalogue.RISK_CATEGORIES:
        category_id = _reference(ctx, "risk_category", code, {
            "code": code, "name": name, "description": description, "active": True,
        })
        org.risk_categories.append((category_id, code))
    for metric, green_at, amber_at in catalogue.RAG_THRESHOLDS:
        _reference(ctx, "rag_threshold", metric.value, {
            "metric": metric.value, "green_at": green_at, "amber_at": amber_at,
        })
    for key, value in catalogue.SETTINGS:
        _reference(ctx, "setting", key, {"key": key, "value": value})


def _reference(ctx: SeedContext, table: str, key: str, values: dict[str, object]) -> int:
    """The id of the reference row with natural ``key``: reused when present, else queued."""
    existing = ctx.existing.reference_ids.get(table, {}).get(key)
    if existing is not None:
        return existing
    row_id = ctx.new_id(table)
    ctx.add(table, {"id": row_id, **values})
    return row_id


def _governance(ctx: SeedContext, org: Organisation) -> None:
    for name, methodology, description, gates in catalogue.GOVERNANCE_TEMPLATES:
        template_id = ctx.new_id("governance_template")
        ctx.add("governance_template", {
            "id": template_id, "version": 1,
            "name": ctx.unique("governance_template", name, suffixed(name, "{} ({})")),
            "description": description, "methodology": methodology, "active": True,
        })
        specs = []
        for sequence, (gate_name, approver, gate_description, items) in enumerate(gates, 1):
            gate_id = ctx.new_id("gate_template")
            ctx.add("gate_template", {
                "id": gate_id, "version": 1, "governance_template_id": template_id,
                "sequence": sequence, "name": gate_name, "description": gate_description,
                "approver_role": approver.value,
                "takes_baseline": gate_name in catalogue.BASELINE_GATES,
            })
            for item_sequence, (text, mandatory) in enumerate(items, 1):
                ctx.add("checklist_item_template", {
                    "id": ctx.new_id("checklist_item_template"), "gate_template_id": gate_id,
                    "sequence": item_sequence, "text": text, "mandatory": mandatory,
                })
            specs.append(GateSpec(gate_id, sequence, gate_name, gate_description, approver, items,
                                  gate_name in catalogue.BASELINE_GATES))
        org.templates.append((template_id, specs))


def _documents(ctx: SeedContext) -> None:
    for name, kind, body in catalogue.DOCUMENT_TEMPLATES:
        ctx.add("document_template", {
            "id": ctx.new_id("document_template"), "version": 1,
            "name": ctx.unique("document_template", name, suffixed(name, "{} ({})")),
            "kind": kind.value, "body": body, "active": True,
        })


def _portfolios(ctx: SeedContext, org: Organisation, *, scale: int) -> None:
    carol = org.demo["exec.carol@example.com"]
    others = [person for person in org.executives if person != carol]
    ctx.rng.shuffle(others)
    owners = [carol, *others]
    themes = catalogue.PORTFOLIO_THEMES
    for n in range(PORTFOLIOS_PER_SCALE * scale):
        theme, description = themes[n % len(themes)]
        name = theme if n < len(themes) else f"{theme} {_region(n // len(themes))}"
        portfolio_id = ctx.new_id("portfolio")
        ctx.add("portfolio", {
            "id": portfolio_id, "code": ctx.numbered("portfolio", "PF-{:02d}"), "name": name,
            "description": description, "owner_id": owners[n % len(owners)],
            "budget": ctx.money(8_000_000, 25_000_000, step=250_000),
        })
        spec = PortfolioSpec(portfolio_id, owners[n % len(owners)], [])
        for _ in range(PROGRAMS_PER_PORTFOLIO):
            program_id = ctx.new_id("program")
            program_name = ctx.pick(vocabulary.PROGRAM_THEMES)
            ctx.add("program", {
                "id": program_id, "portfolio_id": portfolio_id,
                "code": ctx.numbered("program", "PGM-{:03d}"), "name": program_name,
                "description": f"Coordinates the {program_name} projects of {name}.",
                "manager_id": ctx.pick(org.managers),
            })
            spec.program_ids.append(program_id)
        org.portfolios.append(spec)


def _region(round_: int) -> str:
    """``EMEA``, ``Americas``, ... then ``EMEA 2``, ``Americas 2``, ... for later rounds."""
    regions = catalogue.REGIONS
    name = regions[(round_ - 1) % len(regions)]
    lap = (round_ - 1) // len(regions)
    return name if lap == 0 else f"{name} {lap + 1}"
