"""What the governance package adds to the schema's roots."""

from schema.governance.templates import DocumentTemplate, GovernanceQueries, GovernanceTemplate
from schema.governance.types import ProjectGate
from server.domain.governance.models import DocumentTemplate as DocumentTemplateRow
from server.domain.governance.models import GovernanceTemplate as GovernanceTemplateRow
from server.domain.governance.models import ProjectGate as ProjectGateRow

QUERIES: list[type] = [GovernanceQueries]
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {
    "GovernanceTemplate": (GovernanceTemplate, GovernanceTemplateRow, "governance_template"),
    "DocumentTemplate": (DocumentTemplate, DocumentTemplateRow, "document_template"),
    "ProjectGate": (ProjectGate, ProjectGateRow, "project_gate"),
}
