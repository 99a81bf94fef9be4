"""Console views for reference data and governance templates.

Every write goes through ``server.domain.governance.reference`` (``admin/services.py``): the
same validation, messages next to the fields, the audit with source ``ADMIN``. System fields
(id, created and updated times, version) are never in a form. Labels are words, enum values
are shown as the API names them, and pickers name rows rather than numbering them.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from markupsafe import Markup
from sqladmin import ModelView
from wtforms import SelectField, TextAreaField

from admin.access import VIEWS as access_views
from admin.dashboard import DashboardList
from admin.governance import GovernanceEditor
from admin.organisation import VIEWS as organisation_views
from admin.preview import DocumentPreview
from admin.services import ServiceView, humanised
from server.domain.enums import ApproverRole, DocumentKind, EvmMetric
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


def api_choices(enum: type[Enum]) -> dict[str, Any]:
    """Arguments of a select of ``enum`` whose options read as the API names them (``PMO``),
    stored as the domain stores them (with ``form_overrides`` to ``SelectField``: SQLAdmin's
    own enum select would label them by value)."""
    return {"choices": [(member.value, member.name) for member in enum], "coerce": str}  # type: ignore[attr-defined]


class ProjectTypeAdmin(ServiceView, model=ProjectType):  # type: ignore[call-arg]
    category = "Reference data"
    column_list = [ProjectType.code, ProjectType.name, ProjectType.active]
    column_searchable_list = [ProjectType.code, ProjectType.name]
    form_columns = [ProjectType.code, ProjectType.name, ProjectType.description,
                    ProjectType.active]
    column_labels = humanised(ProjectType)


class RiskCategoryAdmin(ServiceView, model=RiskCategory):  # type: ignore[call-arg]
    category = "Reference data"
    name_plural = "Risk categories"
    column_list = [RiskCategory.code, RiskCategory.name, RiskCategory.active]
    column_searchable_list = [RiskCategory.code, RiskCategory.name]
    form_columns = [RiskCategory.code, RiskCategory.name, RiskCategory.description,
                    RiskCategory.active]
    column_labels = humanised(RiskCategory)


class RagThresholdAdmin(ServiceView, model=RagThreshold):  # type: ignore[call-arg]
    category = "Reference data"
    name = "RAG threshold"
    name_plural = "RAG thresholds"
    column_list = [RagThreshold.metric, RagThreshold.green_at, RagThreshold.amber_at]
    form_columns = [RagThreshold.metric, RagThreshold.green_at, RagThreshold.amber_at]
    column_labels = humanised(RagThreshold, metric="Index", green_at="Green at or above",
                              amber_at="Amber at or above (else red)")
    form_overrides = {"metric": SelectField}
    form_args = {
        "metric": {**api_choices(EvmMetric),
                   "description": "CPI (cost) or SPI (schedule). A project's health is the "
                                  "worse of its two bands."},
        "green_at": {"description": "An index at or above this is GREEN, e.g. 0.95."},
        "amber_at": {"description": "At or above this (and below green) is AMBER; below it, "
                                    "RED. Must be lower than green, e.g. 0.85."},
    }
    can_delete = False


class SettingAdmin(ServiceView, model=Setting):  # type: ignore[call-arg]
    category = "Reference data"
    column_list = [Setting.key, Setting.value]
    form_columns = [Setting.key, Setting.value]
    column_labels = humanised(Setting)
    form_args = {"value": {"description": "base_currency: a three-letter ISO 4217 code, e.g. "
                                          "EUR."}}


class DepartmentAdmin(ServiceView, model=Department):  # type: ignore[call-arg]
    category = "Organisation"
    column_list = [Department.code, Department.name, "parent"]
    column_searchable_list = [Department.code, Department.name]
    form_columns = [Department.code, Department.name, "parent"]
    column_labels = humanised(Department, parent="Part of")
    relations = {"parent": "parent_id"}


class StrategicObjectiveAdmin(ServiceView, model=StrategicObjective):  # type: ignore[call-arg]
    category = "Strategy"
    column_list = [StrategicObjective.code, StrategicObjective.name, StrategicObjective.weight,
                   StrategicObjective.active]
    form_columns = [StrategicObjective.code, StrategicObjective.name,
                    StrategicObjective.description, StrategicObjective.weight,
                    StrategicObjective.period_start, StrategicObjective.period_end,
                    StrategicObjective.active]
    column_labels = humanised(StrategicObjective)
    form_args = {"weight": {"description": "How much this objective counts in a project's "
                                           "alignment score, relative to the others."}}


class GovernanceTemplateAdmin(ServiceView, model=GovernanceTemplate):  # type: ignore[call-arg]
    category = "Governance"
    column_list = [GovernanceTemplate.name, GovernanceTemplate.methodology,
                   GovernanceTemplate.active]
    form_columns = [GovernanceTemplate.name, GovernanceTemplate.description,
                    GovernanceTemplate.methodology, GovernanceTemplate.active]
    column_labels = humanised(GovernanceTemplate)


class GateTemplateAdmin(ServiceView, model=GateTemplate):  # type: ignore[call-arg]
    category = "Governance"
    name = "Gate"
    column_list = [GateTemplate.governance_template, GateTemplate.sequence, GateTemplate.name,
                   GateTemplate.approver_role, GateTemplate.takes_baseline]
    column_default_sort = [(GateTemplate.governance_template_id, False),
                           (GateTemplate.sequence, False)]
    form_columns = [GateTemplate.governance_template, GateTemplate.sequence, GateTemplate.name,
                    GateTemplate.description, GateTemplate.approver_role,
                    GateTemplate.takes_baseline]
    column_labels = humanised(GateTemplate, governance_template="Template",
                              takes_baseline="Takes the baseline")
    form_overrides = {"approver_role": SelectField}
    form_args = {
        "approver_role": {**api_choices(ApproverRole),
                          "description": "Who decides the gate: an EXECUTIVE or the PMO."},
        "takes_baseline": {"description": "Its GO takes the project's first baseline (at most "
                                          "one gate per template)."},
    }
    relations = {"governance_template": "governance_template_id"}


class ChecklistItemTemplateAdmin(ServiceView, model=ChecklistItemTemplate):  # type: ignore[call-arg]
    category = "Governance"
    name = "Checklist item"
    column_list = [ChecklistItemTemplate.gate_template, ChecklistItemTemplate.sequence,
                   ChecklistItemTemplate.text, ChecklistItemTemplate.mandatory]
    column_default_sort = [(ChecklistItemTemplate.gate_template_id, False),
                           (ChecklistItemTemplate.sequence, False)]
    form_columns = [ChecklistItemTemplate.gate_template, ChecklistItemTemplate.sequence,
                    ChecklistItemTemplate.text, ChecklistItemTemplate.mandatory]
    column_labels = humanised(ChecklistItemTemplate, gate_template="Gate")
    relations = {"gate_template": "gate_template_id"}


def _unknown_placeholders(model: Any, _attribute: Any) -> str:
    unknown = documents.unknown_in(model.body or "")
    return ", ".join(f"{{{{{name}}}}}" for name in unknown) if unknown else "none"


def _preview_link(model: Any, _attribute: Any) -> Markup:
    return Markup(f'<a class="btn" href="../../document-preview?template={int(model.id)}">'
                  "Preview against a project</a>")


class DocumentTemplateAdmin(ServiceView, model=DocumentTemplate):  # type: ignore[call-arg]
    category = "Governance"
    column_list = [DocumentTemplate.name, DocumentTemplate.kind, DocumentTemplate.active]
    form_columns = [DocumentTemplate.name, DocumentTemplate.kind, DocumentTemplate.body,
                    DocumentTemplate.active]
    column_labels = humanised(DocumentTemplate)
    # A multi-line editor that keeps the text exactly (line breaks included), with the
    # placeholders a body may use (the API's documentPlaceholders) under it; the detail page
    # names those in the body that no project can fill.
    form_overrides = {"body": TextAreaField, "kind": SelectField}
    form_args = {
        "kind": api_choices(DocumentKind),
        "body": {"description": "Markdown. Placeholders: " + ", ".join(
            f"{{{{{name}}}}}" for name in documents.placeholder_names()),
            "render_kw": {"rows": 24, "class": "form-control console-body"}},
    }
    column_details_list = [DocumentTemplate.name, DocumentTemplate.kind, DocumentTemplate.active,
                           DocumentTemplate.body, "unknown_placeholders", "preview"]
    column_formatters_detail = {"unknown_placeholders": _unknown_placeholders,
                                "preview": _preview_link}


DocumentTemplateAdmin.column_labels.update(unknown_placeholders="Unknown placeholders",
                                          preview="Rendered")

ALL_VIEWS: list[type[ModelView]] = [
    ProjectTypeAdmin, RiskCategoryAdmin, RagThresholdAdmin, SettingAdmin, DepartmentAdmin,
    *organisation_views, StrategicObjectiveAdmin, GovernanceTemplateAdmin, GateTemplateAdmin,
    ChecklistItemTemplateAdmin, DocumentTemplateAdmin, *access_views,
]
ALL_PAGES = [GovernanceEditor, DashboardList, DocumentPreview]
