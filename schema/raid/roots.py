"""What the RAID package adds to the schema's roots."""

from schema.raid.mutations import (
    AssumptionMutations,
    DependencyMutations,
    IssueMutations,
    RiskMutations,
)
from schema.raid.queries import RaidQueries
from schema.raid.types import Assumption, Dependency, Issue, Risk, RiskCategory
from server.domain.governance.models import RiskCategory as RiskCategoryRow
from server.domain.raid.models import Assumption as AssumptionRow
from server.domain.raid.models import Dependency as DependencyRow
from server.domain.raid.models import Issue as IssueRow
from server.domain.raid.models import Risk as RiskRow

QUERIES: list[type] = [RaidQueries]
MUTATIONS: list[type] = [RiskMutations, IssueMutations, AssumptionMutations,
                         DependencyMutations]
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {
    "Risk": (Risk, RiskRow, "risk"),
    "Issue": (Issue, IssueRow, "issue"),
    "Assumption": (Assumption, AssumptionRow, "assumption"),
    "Dependency": (Dependency, DependencyRow, "dependency"),
    "RiskCategory": (RiskCategory, RiskCategoryRow, "reference_data"),
}
