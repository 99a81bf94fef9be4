"""What the governance package adds to the schema's roots."""

from schema.governance.documents import DocumentQueries
from schema.governance.reference import (
    ProjectChecklistItem,
    ProjectType,
    RagThreshold,
    ReferenceQueries,
    Setting,
)
from schema.governance.templates import DocumentTemplate, GovernanceQueries, GovernanceTemplate
from schema.governance.types import ProjectGate
from server.domain.governance.models import DocumentTemplate as DocumentTemplateRow
from server.domain.governance.models import GovernanceTemplate as GovernanceTemplateRow
from server.domain.governance.models import ProjectChecklistItem as ChecklistItemRow
from server.domain.governance.models import ProjectGate as ProjectGateRow
from server.domain.governance.models import ProjectType as ProjectTypeRow
from server.domain.governance.models import RagThreshold as RagThresholdRow
from server.domain.governance.models import Setting as SettingRow

QUERIES: list[type] = [GovernanceQueries, ReferenceQueries, DocumentQueries]
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {
    "GovernanceTemplate": (GovernanceTemplate, GovernanceTemplateRow, "governance_template"),
    "DocumentTemplate": (DocumentTemplate, DocumentTemplateRow, "document_template"),
    "ProjectGate": (ProjectGate, ProjectGateRow, "project_gate"),
    "ProjectChecklistItem": (ProjectChecklistItem, ChecklistItemRow, "checklist_item"),
    "ProjectType": (ProjectType, ProjectTypeRow, "reference_data"),
    "RagThreshold": (RagThreshold, RagThresholdRow, "reference_data"),
    "Setting": (Setting, SettingRow, "reference_data"),
}
