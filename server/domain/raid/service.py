"""The RAID services, one module per entity, under one name for callers.

``from server.domain.raid import service as raid`` then ``raid.risks.escalate(...)``,
``raid.issues.resolve(...)``, ``raid.assumptions.create(...)``, ``raid.dependencies.delete(...)``.
"""

from server.domain.raid import assumption_service as assumptions
from server.domain.raid import dependency_service as dependencies
from server.domain.raid import issue_service as issues
from server.domain.raid import risk_service as risks

__all__ = ["assumptions", "dependencies", "issues", "risks"]
