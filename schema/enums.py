"""Domain enumerations exposed to GraphQL under their domain names."""

from __future__ import annotations

import strawberry

from server.domain import enums

ProjectStatus = strawberry.enum(enums.ProjectStatus, description="Where a project is in its life.")
Rag = strawberry.enum(enums.Rag, description="Red, amber or green health.")
RiskStatus = strawberry.enum(enums.RiskStatus, description="Where a risk stands.")
RiskResponse = strawberry.enum(enums.RiskResponse, description="How a risk is answered.")
MilestoneStatus = strawberry.enum(enums.MilestoneStatus, description="Where a milestone stands.")
GateStatus = strawberry.enum(enums.GateStatus, description="Where a stage gate stands.")
GateDecision = strawberry.enum(enums.GateDecision, description="A gate's decision.")
ApproverRole = strawberry.enum(enums.ApproverRole, description="Who decides a gate.")
DocumentKind = strawberry.enum(enums.DocumentKind, description="What a document template is for.")
Engagement = strawberry.enum(enums.Engagement, description="How engaged a stakeholder is.")
EvmMetric = strawberry.enum(enums.EvmMetric, description="An earned-value index.")
