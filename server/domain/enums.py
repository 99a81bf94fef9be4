"""Enumerations shared by the domain, the API and the console (stored as their string values)."""

from __future__ import annotations

from enum import StrEnum


class ProjectStatus(StrEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    ACTIVE = "ACTIVE"
    ON_HOLD = "ON_HOLD"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class Rag(StrEnum):
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"


class MilestoneStatus(StrEnum):
    PLANNED = "PLANNED"
    ACHIEVED = "ACHIEVED"
    MISSED = "MISSED"
    CANCELLED = "CANCELLED"


class CostCategory(StrEnum):
    LABOR = "LABOR"
    VENDOR = "VENDOR"
    MATERIAL = "MATERIAL"
    OTHER = "OTHER"


class RiskStatus(StrEnum):
    OPEN = "OPEN"
    MITIGATING = "MITIGATING"
    CLOSED = "CLOSED"
    OCCURRED = "OCCURRED"


class RiskResponse(StrEnum):
    AVOID = "AVOID"
    MITIGATE = "MITIGATE"
    TRANSFER = "TRANSFER"
    ACCEPT = "ACCEPT"
    ESCALATE = "ESCALATE"


class IssueSeverity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class IssueStatus(StrEnum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class DependencyStatus(StrEnum):
    OPEN = "OPEN"
    AT_RISK = "AT_RISK"
    MET = "MET"
    BROKEN = "BROKEN"


class ChangeRequestStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class ApproverRole(StrEnum):
    EXECUTIVE = "executive"
    PMO = "pmo"


class Role(StrEnum):
    """The four roles (docs/domain.md, "Roles"); their rights live in ``policies/``."""

    PMO = "pmo"
    PM = "pm"
    EXECUTIVE = "executive"
    ANALYST = "analyst"


class GateStatus(StrEnum):
    PENDING = "PENDING"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class GateDecision(StrEnum):
    GO = "GO"
    NO_GO = "NO_GO"
    HOLD = "HOLD"
    RECYCLE = "RECYCLE"


class DocumentKind(StrEnum):
    CHARTER = "CHARTER"
    BUSINESS_CASE = "BUSINESS_CASE"
    STATUS_REPORT = "STATUS_REPORT"
    CLOSURE_REPORT = "CLOSURE_REPORT"


class EvmMetric(StrEnum):
    CPI = "CPI"
    SPI = "SPI"


class LessonImpact(StrEnum):
    POSITIVE = "POSITIVE"
    NEGATIVE = "NEGATIVE"


class AuditSource(StrEnum):
    GRAPHQL = "GRAPHQL"
    ADMIN = "ADMIN"
    CLI = "CLI"


class Engagement(StrEnum):
    UNAWARE = "UNAWARE"
    RESISTANT = "RESISTANT"
    NEUTRAL = "NEUTRAL"
    SUPPORTIVE = "SUPPORTIVE"
    LEADING = "LEADING"


class StakeholderQuadrant(StrEnum):
    """Where a stakeholder falls on the power (influence) / interest grid."""

    MANAGE_CLOSELY = "MANAGE_CLOSELY"
    KEEP_SATISFIED = "KEEP_SATISFIED"
    KEEP_INFORMED = "KEEP_INFORMED"
    MONITOR = "MONITOR"


class NotificationChannel(StrEnum):
    IN_APP = "IN_APP"
    EMAIL = "EMAIL"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    DEAD = "DEAD"


# A webhook delivery or an email in one of these is waiting to be sent (or sent again).
DUE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
