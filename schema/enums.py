"""Domain enumerations exposed to GraphQL under their domain names, each value described
(clients and code generators show these descriptions next to the values)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

import strawberry

from server.domain import enums

E = TypeVar("E", bound=type[Enum])


def described(enum: E, description: str, values: Mapping[str, str], *,
              name: str | None = None) -> E:
    """``strawberry.enum(enum)`` with a description for each value (by member name). A member
    without one, or a description for no member, fails at import, so a new value cannot ship
    undescribed."""
    members = set(enum.__members__)
    if members != set(values):
        raise ValueError(f"{enum.__name__}: described {sorted(values)}, members {sorted(members)}")
    wrapped: Any = strawberry.enum(enum, name=name, description=description)
    for value in wrapped.__strawberry_definition__.values:
        value.description = values[value.name]
    return wrapped  # type: ignore[no-any-return]


ProjectStatus = described(enums.ProjectStatus, "Where a project is in its life.", {
    "PROPOSED": "Put forward; not yet approved to start.",
    "APPROVED": "Approved to start; work has not begun.",
    "ACTIVE": "Under way.",
    "ON_HOLD": "Paused; may resume.",
    "COMPLETED": "Delivered and closed.",
    "CANCELLED": "Stopped before completion.",
})
Rag = described(enums.Rag, "Red, amber or green health.", {
    "GREEN": "On track.",
    "AMBER": "At risk: needs attention.",
    "RED": "Off track: needs intervention.",
})
RiskStatus = described(enums.RiskStatus, "Where a risk stands.", {
    "OPEN": "Identified; no response under way yet. Counts as open.",
    "MITIGATING": "A response is under way. Counts as open.",
    "CLOSED": "No longer a threat.",
    "OCCURRED": "It happened (usually escalated to an issue).",
})
RiskResponse = described(enums.RiskResponse, "How a risk is answered.", {
    "AVOID": "Change the plan so that the risk cannot happen.",
    "MITIGATE": "Reduce its probability or impact.",
    "TRANSFER": "Hand it to someone else, such as an insurer or a supplier.",
    "ACCEPT": "Take it as it is, with no action.",
    "ESCALATE": "Raise it above the project, to its owner's management.",
})
MilestoneStatus = described(enums.MilestoneStatus, "Where a milestone stands.", {
    "PLANNED": "Not reached yet.",
    "ACHIEVED": "Reached.",
    "MISSED": "Its date passed without it being reached.",
    "CANCELLED": "No longer planned.",
})
GateStatus = described(enums.GateStatus, "Where a stage gate stands.", {
    "PENDING": "Being prepared; not yet submitted.",
    "SUBMITTED": "Waiting for a decision.",
    "APPROVED": "Decided GO.",
    "REJECTED": "Decided NO_GO, HOLD or RECYCLE.",
})
GateDecision = described(enums.GateDecision, "A gate's decision.", {
    "GO": "Proceed to the next stage.",
    "NO_GO": "Stop: the project does not proceed.",
    "HOLD": "Pause until conditions are met.",
    "RECYCLE": "Rework the stage and submit again.",
})
ApproverRole = described(enums.ApproverRole, "Who decides a gate.", {
    "EXECUTIVE": "An executive (or the PMO) decides.",
    "PMO": "Only the PMO decides.",
})
DocumentKind = described(enums.DocumentKind, "What a document template is for.", {
    "CHARTER": "A project charter.",
    "BUSINESS_CASE": "A business case.",
    "STATUS_REPORT": "A periodic status report.",
    "CLOSURE_REPORT": "A project closure report.",
})
Engagement = described(enums.Engagement, "How engaged a stakeholder is.", {
    "UNAWARE": "Does not know about the project.",
    "RESISTANT": "Knows about it and resists it.",
    "NEUTRAL": "Knows about it; neither supports nor resists.",
    "SUPPORTIVE": "Supports it.",
    "LEADING": "Actively works for its success.",
})
EvmMetric = described(enums.EvmMetric, "An earned-value index.", {
    "CPI": "Cost performance index: EV / AC.",
    "SPI": "Schedule performance index: EV / PV.",
})
Role = described(enums.Role, "A role: what its holders may see and do.", {
    "PMO": "The Project Management Office: everything, including people, roles and templates.",
    "PM": "A project manager: edits the projects they manage, reads the rest.",
    "EXECUTIVE": "Reads everything; decides gates and change requests of what they sponsor "
                 "or own.",
    "ANALYST": "Reads reports and data (no cost rates or emails); changes nothing.",
})
