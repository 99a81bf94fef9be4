"""What the resource package (milestones, costs, allocations, ...) adds to the schema's roots."""

from schema.resource.allocations import Allocation
from schema.resource.benefits import Benefit
from schema.resource.costs import CostEntry
from schema.resource.lessons import Lesson
from schema.resource.milestones import Milestone
from schema.resource.mutations import ResourceMutations
from schema.resource.objectives import ProjectObjective, StrategicObjective
from schema.resource.queries import ResourceQueries
from server.domain.knowledge.models import Lesson as LessonRow
from server.domain.organisation.models import StrategicObjective as StrategicObjectiveRow
from server.domain.project.models import CostEntry as CostEntryRow
from server.domain.project.models import Milestone as MilestoneRow
from server.domain.project.models import ProjectObjective as ProjectObjectiveRow
from server.domain.resource.models import Allocation as AllocationRow
from server.domain.resource.models import Benefit as BenefitRow

QUERIES: list[type] = [ResourceQueries]
MUTATIONS: list[type] = [ResourceMutations]
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {
    "Milestone": (Milestone, MilestoneRow, "milestone"),
    "CostEntry": (CostEntry, CostEntryRow, "cost_entry"),
    "Allocation": (Allocation, AllocationRow, "allocation"),
    "Benefit": (Benefit, BenefitRow, "benefit"),
    "Lesson": (Lesson, LessonRow, "lesson"),
    "ProjectObjective": (ProjectObjective, ProjectObjectiveRow, "project_objective"),
    "StrategicObjective": (StrategicObjective, StrategicObjectiveRow, "objective"),
}
