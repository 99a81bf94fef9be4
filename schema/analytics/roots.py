"""What the analytics package adds to the schema's roots: read-only queries; its per-object
fields live on Project, Portfolio and Person (``schema/analytics/fields.py``)."""

from schema.analytics.queries import AnalyticsQueries
from schema.analytics.types import (
    OverAllocation,
    PortfolioScenario,
    RankedProject,
    RiskHeatCell,
    WeeklyUtilization,
)

QUERIES: list[type] = [AnalyticsQueries]
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = [RiskHeatCell, WeeklyUtilization, OverAllocation, RankedProject,
                     PortfolioScenario]
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {}
