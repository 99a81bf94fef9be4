"""Enumerations of change control and the audit trail, under their domain names."""

from __future__ import annotations

import strawberry

from server.domain import enums

ChangeRequestStatus = strawberry.enum(
    enums.ChangeRequestStatus,
    description="Where a change request stands: DRAFT, SUBMITTED, then APPROVED or REJECTED.")
AuditSource = strawberry.enum(
    enums.AuditSource, description="Through which face a change was made.")
