"""What the project package adds to the schema's roots."""

from schema.project.history import ProjectBaseline, ProjectSnapshot, Stakeholder
from schema.project.mutations import ProjectMutations
from schema.project.queries import ProjectQueries
from schema.project.stakeholders import StakeholderMutations
from server.domain.audit.models import ProjectSnapshot as SnapshotRow
from server.domain.collaboration.models import Stakeholder as StakeholderRow
from server.domain.project.models import ProjectBaseline as BaselineRow

QUERIES: list[type] = [ProjectQueries]
MUTATIONS: list[type] = [ProjectMutations, StakeholderMutations]
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {
    "ProjectBaseline": (ProjectBaseline, BaselineRow, "project_baseline"),
    "ProjectSnapshot": (ProjectSnapshot, SnapshotRow, "snapshot"),
    "Stakeholder": (Stakeholder, StakeholderRow, "stakeholder"),
}
