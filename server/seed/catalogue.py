"""Reference data the seed writes once per run: departments, reference tables, templates."""

from __future__ import annotations

from decimal import Decimal

from server.domain.enums import ApproverRole, DocumentKind, EvmMetric

# (code, name, children); codes nest as TECH, TECH-ENG, TECH-ENG-PLT.
Department = tuple[str, str, list["Department"]]
DEPARTMENTS: list[Department] = [
    ("TECH", "Technology", [
        ("ENG", "Engineering", [
            ("PLT", "Platform Engineering", []),
            ("APP", "Application Development", []),
        ]),
        ("INF", "Infrastructure & Cloud", []),
        ("SEC", "Information Security", []),
        ("DATA", "Data & Analytics", []),
    ]),
    ("OPS", "Operations", [
        ("SCM", "Supply Chain", []),
        ("CS", "Customer Service", []),
        ("FAC", "Facilities", []),
    ]),
    ("FIN", "Finance", [
        ("FPA", "Financial Planning & Analysis", []),
        ("PROC", "Procurement", []),
    ]),
    ("COM", "Commercial", [
        ("MKT", "Marketing", []),
        ("SAL", "Sales", []),
    ]),
    ("PPL", "People", [
        ("HR", "Human Resources", []),
        ("LND", "Learning & Development", []),
    ]),
    ("GRC", "Risk & Compliance", [
        ("LEG", "Legal", []),
        ("CMP", "Compliance", []),
    ]),
    ("SPO", "Strategy & PMO", []),
]
PMO_DEPARTMENT = "SPO"

PROJECT_TYPES = [
    ("INFRA", "Infrastructure", "Data centres, networks, cloud platforms and end-user computing."),
    ("PRODUCT", "Product development", "New or improved products and digital services."),
    ("COMPLIANCE", "Regulatory compliance", "Work mandated by a regulator, auditor or law."),
    ("PROCESS", "Process improvement", "Lean and automation work on existing processes."),
    ("ERP", "Enterprise system", "Implementing or upgrading a core business system."),
    ("RND", "Research & innovation", "Proofs of concept and pilots with uncertain outcomes."),
]

RISK_CATEGORIES = [
    ("TECH", "Technical", "Technology, integration, performance and data quality."),
    ("FIN", "Financial", "Budget, funding, exchange rates and cost estimates."),
    ("SCHED", "Schedule", "Dependencies, estimates and critical-path slippage."),
    ("RES", "Resourcing", "Availability, skills and retention of people."),
    ("VEND", "Vendor", "Suppliers, contracts and third-party delivery."),
    ("REG", "Regulatory", "Legal, regulatory and audit requirements."),
    ("OPS", "Operational", "Business continuity and readiness to operate."),
    ("SEC", "Security", "Confidentiality, integrity and availability of information."),
]

# (code, name, description, weight); the last one belongs to a strategy period that has ended.
OBJECTIVES = [
    ("SO-GROW", "Grow recurring revenue", "Increase subscription and service revenue.", "3"),
    ("SO-CX", "Delight customers", "Raise NPS and cut time to resolve complaints.", "2.5"),
    ("SO-COST", "Lower the cost to serve", "Automate and simplify how we operate.", "2"),
    ("SO-RISK", "Stay compliant and secure", "Meet every deadline; no major incident.", "2"),
    ("SO-DATA", "Decide with data", "Trusted data products for every business line.", "1.5"),
    ("SO-PEOPLE", "Be a great place to work", "Engagement, skills and internal mobility.", "1"),
    ("SO-GREEN", "Reach net zero operations", "Halve operational emissions.", "1"),
    ("SO-LEGACY", "Retire legacy platforms", "Decommission end-of-life systems.", "1.5"),
]
RETIRED_OBJECTIVE = "SO-LEGACY"

RAG_THRESHOLDS = [
    (EvmMetric.CPI, Decimal("0.950"), Decimal("0.850")),
    (EvmMetric.SPI, Decimal("0.900"), Decimal("0.800")),
]

SETTINGS = [("base_currency", "EUR")]

# Checklist items: (text, mandatory).
Gate = tuple[str, ApproverRole, str, list[tuple[str, bool]]]
# The gates whose GO takes a project's first baseline: the one that funds it in each template.
BASELINE_GATES = frozenset({"Business case approval", "Inception approval"})

GOVERNANCE_TEMPLATES: list[tuple[str, str, str, list[Gate]]] = [
    ("Standard Stage-Gate", "Waterfall", "Five gates for projects with a fixed scope and budget.", [
        ("Idea approval", ApproverRole.EXECUTIVE, "Is the idea worth a business case?", [
            ("Problem statement written", True),
            ("Sponsor named", True),
            ("Rough order of magnitude estimate", False),
        ]),
        ("Business case approval", ApproverRole.EXECUTIVE, "Fund it and set its baseline.", [
            ("Business case approved by finance", True),
            ("Benefits and owners identified", True),
            ("Initial risk register", True),
            ("Procurement route agreed", False),
        ]),
        ("Design sign-off", ApproverRole.PMO, "The design is done and the plan credible.", [
            ("Solution design reviewed", True),
            ("Detailed plan and resource plan", True),
            ("Architecture board approval", False),
        ]),
        ("Go-live readiness", ApproverRole.EXECUTIVE, "Safe to release to the business.", [
            ("User acceptance testing passed", True),
            ("Operational support handover", True),
            ("Rollback plan rehearsed", True),
            ("Communications sent", False),
        ]),
        ("Project closure", ApproverRole.PMO, "Close the books and hand over benefits.", [
            ("Closure report written", True),
            ("Lessons learned captured", True),
            ("Benefits tracking handed to owner", False),
        ]),
    ]),
    ("Agile Delivery", "Agile", "Light gates around incremental delivery.", [
        ("Inception approval", ApproverRole.EXECUTIVE, "Vision, team and funding envelope.", [
            ("Product vision and roadmap", True),
            ("Team and product owner assigned", True),
            ("Definition of done agreed", False),
        ]),
        ("MVP review", ApproverRole.PMO, "The first release proves the value hypothesis.", [
            ("MVP demonstrated to stakeholders", True),
            ("Usage metrics instrumented", False),
        ]),
        ("Benefits review and closure", ApproverRole.EXECUTIVE, "Benefits measured, owned.", [
            ("Benefits measured against targets", True),
            ("Backlog handed to the product team", True),
            ("Retrospective published", False),
        ]),
    ]),
    ("Regulatory Change", "Hybrid", "Gates for mandatory change with a fixed deadline.", [
        ("Mandate confirmed", ApproverRole.EXECUTIVE, "Obligation and deadline understood.", [
            ("Regulatory requirement analysed", True),
            ("Legal opinion obtained", False),
        ]),
        ("Solution approved", ApproverRole.PMO, "The way we will comply is agreed.", [
            ("Compliance controls designed", True),
            ("Impact assessment completed", True),
            ("Data protection impact assessment", False),
        ]),
        ("Compliance attestation", ApproverRole.EXECUTIVE, "We can evidence compliance.", [
            ("Control testing evidence filed", True),
            ("Attestation signed by the accountable executive", True),
        ]),
        ("Closure", ApproverRole.PMO, "Obligations are met and owned in the business.", [
            ("Closure report written", True),
            ("Controls handed to the first line", True),
            ("Lessons learned captured", False),
        ]),
    ]),
]

DOCUMENT_TEMPLATES: list[tuple[str, DocumentKind, str]] = [
    ("Project charter", DocumentKind.CHARTER, """\
# Project charter: {{project.name}}

**Code:** {{project.code}} · **Sponsor:** {{project.sponsor}} · **Manager:** {{project.manager}}

## Purpose
Why {{project.name}} exists and the problem it solves.

## Scope
- In scope:
- Out of scope:

## Budget and schedule
Budget at completion {{project.budget_at_completion}}, from {{project.planned_start}}
to {{project.planned_finish}}.

## Governance
Decisions follow the {{project.governance_template}} gates.
"""),
    ("Business case", DocumentKind.BUSINESS_CASE, """\
# Business case: {{project.name}}

## Strategic fit
Which objectives {{project.name}} serves, and how strongly.

## Options considered
1. Do nothing
2. Recommended option
3. Alternative option

## Costs and benefits
| | amount |
|---|---|
| Budget at completion | {{project.budget_at_completion}} |
| Benefits | see the benefits register |

## Risks
The top risks from the register of {{project.code}}.
"""),
    ("Monthly status report", DocumentKind.STATUS_REPORT, """\
# Status of {{project.name}} at {{report.period_end}}

**Overall:** {{report.overall}} · schedule {{report.schedule}} · cost {{report.cost}}

## Summary
{{report.summary}}

## Accomplishments
{{report.accomplishments}}

## Next steps
{{report.next_steps}}
"""),
    ("Executive one-pager", DocumentKind.STATUS_REPORT, """\
# {{project.name}} in one page

- Health: **{{report.overall}}**, {{project.percent_complete}}% complete
- Forecast finish: {{project.forecast_finish}}
- Decisions needed: see open gates and change requests
"""),
    ("Closure report", DocumentKind.CLOSURE_REPORT, """\
# Closure report: {{project.name}}

## Outcome
What {{project.name}} delivered against its charter.

## Budget and schedule
Finished on {{project.actual_finish}} against a baseline of {{project.baseline_finish}}.

## Lessons learned
See the lessons recorded for {{project.code}}.

## Handover
Benefits owners and operational support.
"""),
]

PORTFOLIO_THEMES = [
    ("Digital Transformation", "Modernise channels and core platforms."),
    ("Customer Experience", "Make every customer journey simpler and faster."),
    ("Operational Excellence", "Automate, simplify and cut the cost to serve."),
    ("Regulatory & Compliance", "Meet regulatory obligations on time."),
    ("Infrastructure Renewal", "Replace end-of-life infrastructure and move to the cloud."),
    ("Data & AI", "Trusted data products and machine learning in production."),
    ("Growth & Expansion", "New markets, products and partnerships."),
    ("Sustainability", "Reduce emissions and report on them credibly."),
    ("People & Workplace", "Tools and places that help people do their best work."),
    ("Security & Resilience", "Defend against threats and recover fast."),
]
REGIONS = ["EMEA", "Americas", "APAC", "Nordics", "DACH", "Iberia", "Benelux", "UK & Ireland",
           "LATAM", "ANZ", "Middle East", "Africa"]
