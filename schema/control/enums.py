"""Enumerations of change control and the audit trail, under their domain names."""

from __future__ import annotations

from schema.enums import described
from server.domain import enums

ChangeRequestStatus = described(
    enums.ChangeRequestStatus,
    "Where a change request stands: DRAFT, SUBMITTED, then APPROVED or REJECTED.", {
        "DRAFT": "Being written; its author may still change it.",
        "SUBMITTED": "Waiting for its approver's decision.",
        "APPROVED": "Approved: the project's BAC and baseline finish moved by its impacts.",
        "REJECTED": "Rejected: nothing moved.",
    })
AuditSource = described(enums.AuditSource, "Through which face a change was made.", {
    "GRAPHQL": "The GraphQL API.",
    "ADMIN": "The admin console.",
    "CLI": "The `pmo` command line.",
})
