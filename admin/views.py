"""Console views for reference data and governance templates."""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqladmin import ModelView
from sqladmin.authentication import get_current_user_id
from starlette.requests import Request

from admin.audit import console_actor
from server.domain.knowledge import documents
from server.domain.models import (
    ChecklistItemTemplate,
    Department,
    DocumentTemplate,
    GateTemplate,
    GovernanceTemplate,
    ProjectType,
    RagThreshold,
    RiskCategory,
    Setting,
    StrategicObjective,
)


class AuditedView(ModelView):
    """Says who is changing what, for the console's audit (``admin/audit.py``)."""

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool,
                              request: Request) -> None:
        console_actor.set(get_current_user_id(request))
        # The form gives enum fields as their string values; the row holds the enum member,
        # as the services set it (the audit serialises rows by their declared types).
        for key, value in data.items():
            field = type(model).model_fields.get(key)
            kind = field.annotation if field is not None else None
            if isinstance(value, str) and isinstance(kind, type) and issubclass(kind, Enum):
                data[key] = kind(value)

    async def on_model_delete(self, model: Any, request: Request) -> None:
        console_actor.set(get_current_user_id(request))


class ProjectTypeAdmin(AuditedView, model=ProjectType):  # type: ignore[call-arg]
    category = "Reference data"
    column_list = [ProjectType.code, ProjectType.name, ProjectType.active]
    column_searchable_list = [ProjectType.code, ProjectType.name]


class RiskCategoryAdmin(AuditedView, model=RiskCategory):  # type: ignore[call-arg]
    category = "Reference data"
    column_list = [RiskCategory.code, RiskCategory.name, RiskCategory.active]
    column_searchable_list = [RiskCategory.code, RiskCategory.name]


class RagThresholdAdmin(AuditedView, model=RagThreshold):  # type: ignore[call-arg]
    category = "Reference data"
    name_plural = "RAG thresholds"
    column_list = [RagThreshold.metric, RagThreshold.green_at, RagThreshold.amber_at]


class SettingAdmin(AuditedView, model=Setting):  # type: ignore[call-arg]
    category = "Reference data"
    column_list = [Setting.key, Setting.value]


class DepartmentAdmin(AuditedView, model=Department):  # type: ignore[call-arg]
    category = "Organisation"
    column_list = [Department.code, Department.name]
    column_searchable_list = [Department.code, Department.name]


class StrategicObjectiveAdmin(AuditedView, model=StrategicObjective):  # type: ignore[call-arg]
    category = "Organisation"
    column_list = [StrategicObjective.code, StrategicObjective.name, StrategicObjective.weight,
                   StrategicObjective.active]


class GovernanceTemplateAdmin(AuditedView, model=GovernanceTemplate):  # type: ignore[call-arg]
    category = "Governance"
    column_list = [GovernanceTemplate.name, GovernanceTemplate.methodology,
                   GovernanceTemplate.active]


class GateTemplateAdmin(AuditedView, model=GateTemplate):  # type: ignore[call-arg]
    category = "Governance"
    column_list = [GateTemplate.governance_template, GateTemplate.sequence, GateTemplate.name,
                   GateTemplate.approver_role, GateTemplate.takes_baseline]
    column_default_sort = [(GateTemplate.governance_template_id, False),
                           (GateTemplate.sequence, False)]
    form_columns = [GateTemplate.governance_template, GateTemplate.sequence, GateTemplate.name,
                    GateTemplate.description, GateTemplate.approver_role,
                    GateTemplate.takes_baseline]


class ChecklistItemTemplateAdmin(AuditedView, model=ChecklistItemTemplate):  # type: ignore[call-arg]
    category = "Governance"
    name = "Checklist item"
    column_list = [ChecklistItemTemplate.gate_template, ChecklistItemTemplate.sequence,
                   ChecklistItemTemplate.text, ChecklistItemTemplate.mandatory]
    column_default_sort = [(ChecklistItemTemplate.gate_template_id, False),
                           (ChecklistItemTemplate.sequence, False)]
    form_columns = [ChecklistItemTemplate.gate_template, ChecklistItemTemplate.sequence,
                    ChecklistItemTemplate.text, ChecklistItemTemplate.mandatory]


def _unknown_placeholders(model: Any, _attribute: Any) -> str:
    unknown = documents.unknown_in(model.body or "")
    return ", ".join(f"{{{{{name}}}}}" for name in unknown) if unknown else "none"


class DocumentTemplateAdmin(AuditedView, model=DocumentTemplate):  # type: ignore[call-arg]
    category = "Governance"
    column_list = [DocumentTemplate.name, DocumentTemplate.kind, DocumentTemplate.active]
    # The placeholders a body may use (the API's documentPlaceholders), under the body field;
    # the detail page names those in the body that no project can fill.
    form_args = {"body": {"description": "Placeholders: " + ", ".join(
        f"{{{{{name}}}}}" for name in documents.placeholder_names())}}
    column_details_list = [DocumentTemplate.name, DocumentTemplate.kind, DocumentTemplate.active,
                           DocumentTemplate.body, "unknown_placeholders"]
    column_labels = {"unknown_placeholders": "Unknown placeholders"}
    column_formatters_detail = {"unknown_placeholders": _unknown_placeholders}


ALL_VIEWS: list[type[ModelView]] = [
    ProjectTypeAdmin, RiskCategoryAdmin, RagThresholdAdmin, SettingAdmin, DepartmentAdmin,
    StrategicObjectiveAdmin, GovernanceTemplateAdmin, GateTemplateAdmin,
    ChecklistItemTemplateAdmin, DocumentTemplateAdmin,
]
