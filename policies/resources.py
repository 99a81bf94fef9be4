"""The vocabulary the policies speak: roles, actions, resource types, subjects and resources.

Knows the domain's resource types and roles, nothing of GraphQL or the console.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("pmo", "pm", "executive", "analyst")
ACTIONS = ("read", "create", "update", "delete", "submit", "decide")

# Resource types, with ``<type>.<field>`` for restricted fields.
RESOURCE_TYPES = (
    "department", "person", "person.email", "person.cost_rate", "objective",
    "portfolio", "program",
    "project", "project_baseline", "milestone", "cost_entry", "project_objective",
    "risk", "issue", "assumption", "dependency", "change_request", "status_report",
    "governance_template", "document_template", "reference_data", "project_gate",
    "checklist_item", "checklist_item.completion",
    "allocation", "benefit", "lesson", "stakeholder", "snapshot", "audit_event",
    "api_token", "role_assignment",
    "comment", "comment.body", "comment.mentions", "notification", "notification_preference",
    "webhook", "webhook_delivery",
)

# Types whose rows belong to one project: their relationships are that project's.
PROJECT_CHILDREN = frozenset({
    "project_baseline", "milestone", "cost_entry", "project_objective", "risk", "issue",
    "assumption", "dependency", "change_request", "status_report", "project_gate",
    "checklist_item", "allocation", "benefit", "lesson", "stakeholder", "snapshot",
})

# Types whose rows belong to one person, their recipient: a notification, or a preference
# about the notifications a person receives.
PERSONAL = frozenset({"notification", "notification_preference"})

# A completed checklist item, as its completer (or the PMO) may correct or reopen it.
CHECKLIST_COMPLETION = "checklist_item.completion"
# Types whose rows have an author, who alone (besides the PMO) may change them: a comment's
# writer; a completed checklist item's completer.
AUTHORED = frozenset({"comment", CHECKLIST_COMPLETION})


@dataclass(frozen=True, slots=True)
class Subject:
    """Who is asking: a person and the roles the database gives them now."""

    person_id: int
    roles: frozenset[str]

    @property
    def subject(self) -> str:
        """The Casbin subject string, as in the ``g`` rows."""
        return f"person:{self.person_id}"


@dataclass(frozen=True, slots=True)
class Resource:
    """What is asked about: a type and the relationships the conditions read.

    For a project and its children: ``manager_id`` and ``sponsor_id`` of the project and
    ``portfolio_owner_id`` of its portfolio; for gates, the gate's ``approver_role``; for a
    personal row (``PERSONAL``), ``recipient_id``: the person it belongs to; for an authored
    row (``AUTHORED``), ``author_id``: the person who wrote it.
    """

    type: str
    id: int | None = None
    manager_id: int | None = None
    sponsor_id: int | None = None
    portfolio_owner_id: int | None = None
    approver_role: str | None = None
    recipient_id: int | None = None
    author_id: int | None = None
