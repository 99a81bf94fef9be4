"""Console views for reference data and governance templates."""

from __future__ import annotations

from typing import Any

from sqladmin import ModelView
from starlette.requests import Request

from admin.audit import console_actor
from server.domain.models import (
    Department,
    DocumentTemplate,
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
        console_actor.set(request.session.get("user_id"))

    async def on_model_delete(self, model: Any, request: Request) -> None:
        console_actor.set(request.session.get("user_id"))


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


class DocumentTemplateAdmin(AuditedView, model=DocumentTemplate):  # type: ignore[call-arg]
    category = "Governance"
    column_list = [DocumentTemplate.name, DocumentTemplate.kind, DocumentTemplate.active]


ALL_VIEWS: list[type[ModelView]] = [
    ProjectTypeAdmin, RiskCategoryAdmin, RagThresholdAdmin, SettingAdmin, DepartmentAdmin,
    StrategicObjectiveAdmin, GovernanceTemplateAdmin, DocumentTemplateAdmin,
]
