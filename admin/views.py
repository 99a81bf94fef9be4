"""Console views for reference data and governance templates."""

from __future__ import annotations

from sqladmin import ModelView

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


class ProjectTypeAdmin(ModelView, model=ProjectType):  # type: ignore[call-arg]
    category = "Reference data"
    column_list = [ProjectType.code, ProjectType.name, ProjectType.active]
    column_searchable_list = [ProjectType.code, ProjectType.name]


class RiskCategoryAdmin(ModelView, model=RiskCategory):  # type: ignore[call-arg]
    category = "Reference data"
    column_list = [RiskCategory.code, RiskCategory.name, RiskCategory.active]
    column_searchable_list = [RiskCategory.code, RiskCategory.name]


class RagThresholdAdmin(ModelView, model=RagThreshold):  # type: ignore[call-arg]
    category = "Reference data"
    name_plural = "RAG thresholds"
    column_list = [RagThreshold.metric, RagThreshold.green_at, RagThreshold.amber_at]


class SettingAdmin(ModelView, model=Setting):  # type: ignore[call-arg]
    category = "Reference data"
    column_list = [Setting.key, Setting.value]


class DepartmentAdmin(ModelView, model=Department):  # type: ignore[call-arg]
    category = "Organisation"
    column_list = [Department.code, Department.name]
    column_searchable_list = [Department.code, Department.name]


class StrategicObjectiveAdmin(ModelView, model=StrategicObjective):  # type: ignore[call-arg]
    category = "Organisation"
    column_list = [StrategicObjective.code, StrategicObjective.name, StrategicObjective.weight,
                   StrategicObjective.active]


class GovernanceTemplateAdmin(ModelView, model=GovernanceTemplate):  # type: ignore[call-arg]
    category = "Governance"
    column_list = [GovernanceTemplate.name, GovernanceTemplate.methodology,
                   GovernanceTemplate.active]


class DocumentTemplateAdmin(ModelView, model=DocumentTemplate):  # type: ignore[call-arg]
    category = "Governance"
    column_list = [DocumentTemplate.name, DocumentTemplate.kind, DocumentTemplate.active]


ALL_VIEWS: list[type[ModelView]] = [
    ProjectTypeAdmin, RiskCategoryAdmin, RagThresholdAdmin, SettingAdmin, DepartmentAdmin,
    StrategicObjectiveAdmin, GovernanceTemplateAdmin, DocumentTemplateAdmin,
]
