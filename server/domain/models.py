"""Every domain table, imported in one place so ``SQLModel.metadata`` is complete.

Alembic, the seed and the tests import this module; nothing here knows about
GraphQL, HTTP or the console.
"""

from __future__ import annotations

from sqlmodel import SQLModel

from server.domain.audit.models import AuditEvent, ProjectSnapshot
from server.domain.auth.models import ApiToken, CasbinRule, ConsoleSignIn, RateBudget
from server.domain.collaboration.models import (
    Comment,
    EmailMessage,
    Notification,
    NotificationPreference,
    Stakeholder,
)
from server.domain.governance.models import (
    ChecklistItemTemplate,
    DocumentTemplate,
    GateTemplate,
    GovernanceTemplate,
    ProjectChecklistItem,
    ProjectGate,
    ProjectType,
    RagThreshold,
    RiskCategory,
    Setting,
)
from server.domain.integration.models import OutboxEvent, Webhook, WebhookDelivery
from server.domain.knowledge.models import Lesson
from server.domain.organisation.models import Department, Person, StrategicObjective
from server.domain.portfolio.models import Portfolio, Program
from server.domain.project.models import (
    CostEntry,
    Milestone,
    Project,
    ProjectBaseline,
    ProjectObjective,
)
from server.domain.raid.models import (
    Assumption,
    ChangeRequest,
    Dependency,
    Issue,
    Risk,
    StatusReport,
)
from server.domain.reporting.changes import DeletedRow
from server.domain.resource.models import Allocation, Benefit

metadata = SQLModel.metadata

# SQLite: ids are never reused (AUTOINCREMENT), so nothing that names a row by id (a comment,
# an audit event, a webhook delivery) can attach to a later, unrelated one. Migration 0004
# brings existing databases along; PostgreSQL's identity columns never reuse ids anyway.
for _table in metadata.tables.values():
    if [c.name for c in _table.primary_key.columns] == ["id"]:
        _table.dialect_kwargs["sqlite_autoincrement"] = True

__all__ = [
    "Allocation", "ApiToken", "Assumption", "AuditEvent", "Benefit", "CasbinRule", "ConsoleSignIn",
    "DeletedRow", "EmailMessage",
    "ChangeRequest", "ChecklistItemTemplate", "Comment", "CostEntry", "Department", "Dependency",
    "DocumentTemplate", "GateTemplate", "GovernanceTemplate", "Issue", "Lesson", "Milestone",
    "Notification", "NotificationPreference", "OutboxEvent", "Person", "Portfolio", "Program",
    "Project", "ProjectBaseline", "ProjectChecklistItem", "ProjectGate", "ProjectObjective",
    "ProjectSnapshot", "ProjectType", "RagThreshold", "RateBudget", "Risk", "RiskCategory",
    "Setting", "Stakeholder", "StatusReport", "StrategicObjective", "Webhook", "WebhookDelivery",
    "metadata",
]
