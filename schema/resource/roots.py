"""What the resource package (milestones, costs, allocations, ...) adds to the schema's roots."""

from schema.resource.milestones import Milestone
from server.domain.project.models import Milestone as MilestoneRow

QUERIES: list[type] = []
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {
    "Milestone": (Milestone, MilestoneRow, "milestone")}
