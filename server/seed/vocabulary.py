"""Words the generator combines into names and texts that read like a real PMO's data."""

from __future__ import annotations

FIRST_NAMES = [
    "Aisha", "Alejandro", "Amara", "Anders", "Ana", "Arjun", "Beatriz", "Ben", "Chen", "Chiara",
    "Claire", "Daniel", "Dmitri", "Elena", "Emeka", "Emma", "Fatima", "Felix", "Grace", "Hana",
    "Hassan", "Ingrid", "Isabel", "Jakub", "James", "Jin", "Julia", "Kenji", "Kofi", "Lars",
    "Laura", "Leila", "Liam", "Lucia", "Mateo", "Maya", "Mei", "Mohammed", "Nadia", "Niamh",
    "Nikolai", "Noah", "Olivia", "Omar", "Paolo", "Priya", "Rafael", "Rania", "Ravi", "Rosa",
    "Sakura", "Samuel", "Sara", "Sean", "Sofia", "Sven", "Tariq", "Thomas", "Valentina", "Wei",
    "Yara", "Yusuf", "Zainab", "Zoe", "Adrian", "Bianca", "Carlos", "Dalia", "Erik", "Farah",
]
LAST_NAMES = [
    "Abbott", "Adeyemi", "Andersson", "Bauer", "Becker", "Bianchi", "Brennan", "Castillo", "Chen",
    "Costa", "Dubois", "Eriksen", "Fernandes", "Fischer", "Garcia", "Gupta", "Haddad", "Hansen",
    "Hoffmann", "Ibrahim", "Ivanova", "Jansen", "Kaur", "Khan", "Kim", "Kowalski", "Larsen",
    "Lefebvre", "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nakamura", "Novak", "Okafor",
    "Olsen", "Patel", "Pereira", "Petrov", "Rossi", "Santos", "Schmidt", "Silva", "Singh",
    "Sorensen", "Suzuki", "Tanaka", "Thompson", "Torres", "Van Dijk", "Virtanen", "Wagner",
    "Walsh", "Wang", "Weber", "Williams", "Wojcik", "Yamamoto", "Zhang", "Ahmed", "Byrne",
    "Conti", "Duarte", "Engel", "Fontaine", "Greco", "Horvath", "Iqbal", "Jovanovic",
]

EXECUTIVE_TITLES = ["Chief Operating Officer", "Chief Information Officer",
                    "Chief Financial Officer", "Chief Commercial Officer", "Chief Risk Officer",
                    "Managing Director", "VP Engineering", "VP Operations", "VP Customer"]
PMO_TITLES = ["PMO Lead", "Portfolio Analyst", "PMO Analyst", "Head of Portfolio Management"]
PM_TITLES = ["Project Manager", "Senior Project Manager", "Programme Manager", "Delivery Manager"]
TEAM_ROLES = ["Business Analyst", "Software Engineer", "Solution Architect", "Test Analyst",
              "UX Designer", "Data Engineer", "Change Manager", "Infrastructure Engineer",
              "Security Analyst", "Scrum Master", "Trainer", "Procurement Specialist"]

PROJECT_SUBJECTS = [
    "Customer Portal", "Mobile App", "CRM", "Payroll", "Data Warehouse", "Billing Platform",
    "Identity & Access", "Network", "Contact Centre", "Warehouse", "E-commerce Checkout",
    "Finance Close", "HR Onboarding", "Supplier Portal", "Document Management", "Field Service",
    "Pricing Engine", "Loyalty Programme", "Fleet Telematics", "Data Centre", "Collaboration",
    "Service Desk", "Treasury", "Expense Management", "Product Catalogue", "Order Management",
    "Learning Platform", "Backup & Recovery", "Analytics Platform", "Intranet", "Invoicing",
    "Fraud Detection", "Regulatory Reporting", "Building Energy", "Website", "Partner API",
    "Demand Forecasting", "Quality Management", "Customer Data Platform", "Cyber Defence",
]
PROJECT_ACTIONS = [
    "Modernisation", "Migration", "Rollout", "Upgrade", "Consolidation", "Implementation",
    "Redesign", "Automation", "Replacement", "Cloud Move", "Optimisation", "Pilot",
    "Harmonisation", "Expansion", "Decommissioning",
]
PROGRAM_THEMES = [
    "Cloud First", "Customer 360", "Finance Transformation", "Future of Work", "Core Renewal",
    "Digital Channels", "Zero Trust", "Smart Operations", "Data Foundations", "Green Estate",
    "Compliance Uplift", "Partner Ecosystem",
]

# Risk titles by risk category code, so a risk's title matches its category.
RISK_TITLES = {
    "TECH": ["Legacy integration more complex than estimated",
             "Performance targets not met at peak load", "Data migration quality below threshold",
             "Unproven technology in a critical path"],
    "FIN": ["Exchange rate movement raises vendor costs",
            "Funding for the next phase not confirmed", "Cost estimates based on outdated rates",
            "Licence costs exceed the business case"],
    "SCHED": ["Dependency on another project slips", "Testing window compressed by late build",
              "Go-live clashes with year-end freeze", "Procurement lead time longer than planned"],
    "RES": ["Key architect may leave the project", "Subject matter experts unavailable for testing",
            "Contractor budget cut mid-year", "Team split across too many projects"],
    "VEND": ["Key supplier delivery delayed", "Vendor product roadmap changes",
             "Supplier insolvency", "Contract terms disputed"],
    "REG": ["Regulation changes before go-live", "Audit finding requires rework",
            "Data residency rules restrict hosting options", "Late regulator feedback"],
    "OPS": ["Business not ready to adopt the new process", "Support team not trained in time",
            "Cut-over disrupts customer operations", "Seasonal peak overlaps with rollout"],
    "SEC": ["Penetration test finds critical vulnerabilities", "Third-party access not controlled",
            "Personal data exposed in test environments", "Privileged accounts not reviewed"],
}
RESPONSE_PLANS = [
    "Weekly review with the vendor and early warning triggers.",
    "Add contingency to the plan and agree a fallback option.",
    "Escalated to the sponsor for a decision at the next steering committee.",
    "Transfer through contract penalties and insurance.",
    "Run a spike to prove the approach before committing.",
    "Cross-train a second person and document the critical knowledge.",
]
ISSUE_TITLES = [
    "Test environment unavailable", "Budget overspend on contractors",
    "Requirements disputed by users", "Critical defect found in UAT",
    "Vendor missed a delivery date", "Key resource on long-term leave",
    "Data quality issues in source system", "Scope creep from new stakeholder requests",
    "Licence renewal not processed", "Security review blocking release",
]
RESOLUTIONS = [
    "Agreed a workaround with the business; permanent fix scheduled.",
    "Escalated to the vendor account manager; delivery recovered.",
    "Re-planned the affected work packages within contingency.",
    "Change request raised and approved.",
    "Closed after the root cause was fixed and verified.",
]
ASSUMPTIONS = [
    "Business users are available for two days a week during testing.",
    "The current vendor contract can be extended on the same terms.",
    "No change freeze other than the year-end freeze.",
    "Source data is owned and cleansed by the business.",
    "Existing infrastructure has capacity for the new workload.",
    "Funding for the second phase is approved at the mid-year review.",
    "Regulatory requirements are stable until go-live.",
    "The product owner can take decisions without a committee.",
]
EXTERNAL_PARTIES = [
    "Cloud hosting provider", "Payroll bureau", "Tax authority API", "Card payment processor",
    "Telecoms carrier", "ERP vendor", "External auditor", "Landlord (facilities works)",
    "Recruitment agency", "Systems integrator",
]
DEPENDENCY_NEEDS = [
    "Shared API available in production", "Infrastructure environment handed over",
    "Data feed delivered and signed off", "Contract signed", "Security accreditation granted",
    "Trained super users in place",
]

CHANGE_TITLES = [
    "Add mobile channel to scope", "Extend UAT by three weeks", "Additional data migration waves",
    "Add single sign-on", "New regulatory reporting field",
    "Upgrade to vendor's new major version", "Add second site to rollout",
    "Replace contractor with internal team", "Accessibility improvements",
    "Increase load test coverage",
]
DECISION_NOTES = {
    "APPROVED": ["Approved: benefits justify the impact.",
                 "Approved within the portfolio contingency."],
    "REJECTED": ["Rejected: not in the charter; raise as a follow-on project.",
                 "Rejected: impact on the go-live date is not acceptable."],
}

STATUS_SUMMARIES = {
    "GREEN": ["On track against plan and budget.", "Good progress; no escalations needed."],
    "AMBER": ["Some slippage; recovery plan in place.",
              "Cost pressure on contractors; watching closely."],
    "RED": ["Behind plan; sponsor decision needed on scope or date.",
            "Forecast overspend; re-planning under way."],
}
ACCOMPLISHMENTS = [
    "Completed design workshops with the business.", "Delivered sprint goals and demoed to users.",
    "Finished the first data migration rehearsal.", "Signed the vendor statement of work.",
    "Closed three high risks.", "Trained the first cohort of super users.",
]
NEXT_STEPS = [
    "Start integration testing.", "Prepare the go-live readiness gate.",
    "Onboard the second vendor team.",
    "Run the next migration rehearsal.", "Agree the cut-over plan with operations.",
    "Review benefits tracking with finance.",
]

COST_DESCRIPTIONS = {
    "LABOR": "Team time",
    "VENDOR": "Supplier invoice",
    "MATERIAL": "Hardware and licences",
    "OTHER": "Travel, training and expenses",
}

BENEFITS = [
    ("Annual cost savings", "EUR"), ("Revenue uplift", "EUR"), ("Processing time reduction", "%"),
    ("Hours saved per year", "hours"), ("Customer satisfaction (NPS)", "points"),
    ("Incidents avoided per year", "incidents"), ("Emissions avoided", "tCO2e"),
]

# (title, category, what happened, recommendation, impact, tags)
LESSONS = [
    ("Involve operations early", "Stakeholder management",
     "Support teams saw the solution for the first time at go-live.",
     "Add operations to the design reviews from the start.", "NEGATIVE",
     ["stakeholders", "training"]),
    ("Fixed-price contract protected the budget", "Vendor management",
     "The vendor absorbed a 20% overrun on the build.",
     "Use fixed-price contracts when the scope is stable.", "POSITIVE", ["vendor", "contracts"]),
    ("Data migration rehearsals paid off", "Testing",
     "Three rehearsals found issues that would have stopped go-live.",
     "Plan at least two full rehearsals for any migration.", "POSITIVE",
     ["data-migration", "testing"]),
    ("Estimates ignored holiday periods", "Planning",
     "The summer holidays cost four weeks of test capacity.",
     "Build team calendars into the plan before baselining.", "NEGATIVE",
     ["estimation", "resourcing"]),
    ("Weekly sponsor check-ins sped up decisions", "Governance",
     "Decisions took days instead of weeks.",
     "Hold a short weekly sponsor meeting on every large project.", "POSITIVE", ["governance"]),
    ("Too many parallel projects for one team", "Resourcing",
     "Context switching halved the team's throughput.",
     "Cap the number of projects a person is allocated to.", "NEGATIVE", ["resourcing", "agile"]),
    ("Automated tests enabled frequent releases", "Technical",
     "Regression testing dropped from a week to an hour.",
     "Fund test automation in the first phase.", "POSITIVE", ["testing", "agile", "cloud"]),
    ("Requirements signed off too early", "Planning",
     "Half the requirements changed after design.",
     "Prototype with users before signing off requirements.", "NEGATIVE",
     ["stakeholders", "estimation"]),
    ("Security review booked too late", "Technical",
     "The penetration test delayed go-live by three weeks.",
     "Book security reviews when the plan is baselined.", "NEGATIVE", ["security", "governance"]),
    ("Town halls kept users on board", "Communication",
     "Monthly town halls cut resistance to the new process.",
     "Budget for regular, two-way communication with users.", "POSITIVE",
     ["stakeholders", "training"]),
]

STAKEHOLDER_ROLES = ["Business owner", "Department head", "Key user", "IT operations",
                     "Finance partner", "Works council", "Data protection officer"]
EXTERNAL_ORGANISATIONS = ["Acme Consulting", "Globex Systems", "Initech", "Northwind Traders",
                          "Contoso Ltd", "Umbrella Logistics", "Financial Conduct Authority",
                          "City Council", "Customer Advisory Board"]
EXTERNAL_ROLES = ["Vendor account manager", "Regulator", "Customer representative", "Partner lead"]

PROJECT_DESCRIPTIONS = [
    "Replace manual steps in the {subject} process and cut cycle times.",
    "Move the {subject} to a supported platform before the current one reaches end of life.",
    "Give customers and staff a simpler, faster {subject} experience.",
    "Meet new reporting and control obligations that affect the {subject}.",
    "Consolidate duplicate {subject} tools into one supported service.",
    "Prove that a new approach to the {subject} delivers measurable value.",
]
MILESTONES = [
    ("Kick-off", 0.0), ("Requirements signed off", 0.15), ("Design approved", 0.3),
    ("Build complete", 0.6), ("User acceptance complete", 0.8), ("Go-live", 0.92),
    ("Project closure", 1.0),
]
GATE_NOTES = {
    "GO": "Approved: proceed to the next stage.",
    "NO_GO": "Stopped: the business case no longer holds.",
    "HOLD": "Paused until funding and resources are confirmed.",
    "RECYCLE": "Rework the plan and resubmit.",
}
DESCOPE_TITLES = ["Descope the reporting suite", "Descope the second rollout wave",
                  "Descope legacy archive migration", "Descope offline mode"]
CHANGE_REASONS = [
    "Requested by the business after a design review.",
    "Needed to meet a new regulatory requirement.",
    "The vendor cannot deliver the original approach.",
    "Users asked for it during acceptance testing.",
    "Frees budget and time for higher-value scope.",
]

# Comment bodies (Markdown) by the type of object commented on; ``{who}`` becomes a mention
# (``@`` + the person's email), so about half the comments mention somebody.
COMMENTS = {
    "Project": [
        "Steering pack for this month is ready. {who} can you check the **budget figures** "
        "before Thursday?",
        "Updated the plan after the design review:\n\n- build moves by a week\n"
        "- UAT dates unchanged",
        "{who} the benefits tracking sheet needs your sign-off before the next gate.",
        "Status report submitted. Main concern is **contractor cost**; recovery options in "
        "the RAID log.",
        "Can we move the weekly check-in to Tuesdays? {who} please confirm.",
        "Minutes from today's sponsor meeting are in the project folder.",
        "Resourcing for next quarter looks tight - two people roll off in the same month.",
        "{who} the dashboard still shows last month's `percent complete`; can you refresh it?",
    ],
    "Risk": [
        "Raised the probability after the vendor call this morning. {who} FYI.",
        "Mitigation is on track; suggest we review the score at the next RAID meeting.",
        "{who} do you have capacity to own the fallback option?",
        "Added an early-warning trigger: **two missed deliveries in a row**.",
        "This one keeps coming back. Should we escalate to the sponsor?",
        "{who} can you confirm the impact estimate with finance?",
    ],
    "Issue": [
        "Workaround agreed with the business; permanent fix planned for the next release.",
        "{who} this is blocking testing - can you help get it prioritised?",
        "Root cause found: a configuration change in the shared environment.",
        "Logged with the vendor as a **P2**. {who} please keep the team updated.",
        "Impact on the plan is about a week if we fix it by Friday.",
    ],
    "ChangeRequest": [
        "Impact assessment attached. {who} can you review the cost figures?",
        "The business case still holds with this change; recommending approval.",
        "{who} please add this to the agenda of the next change board.",
        "Schedule impact assumes we keep the current team size.",
        "Checked against the charter: this is in scope for phase 2, not phase 1.",
    ],
}
REPLIES = [
    "Thanks - done.",
    "Agreed. I'll update the plan today.",
    "Looked at it: the figures are right, the **forecast** was out of date.",
    "Not yet - I'll have an answer by tomorrow.",
    "Good point. {who} should weigh in on this too.",
    "Yes, confirmed with the team.",
    "Can we take this offline? Booking 30 minutes.",
    "Done, and I added a note to the RAID log.",
]
EDIT_NOTE = "\n\n_Edit: corrected the dates._"
