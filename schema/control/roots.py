"""What the control package (change requests, status reports, the audit trail) adds to the
schema's roots."""

from schema.control.audit import AuditEvent, AuditQueries
from schema.control.mutations import ControlMutations
from schema.control.queries import ControlQueries
from schema.control.types import ChangeRequest, StatusReport
from server.domain.audit.models import AuditEvent as AuditEventRow
from server.domain.raid.models import ChangeRequest as ChangeRequestRow
from server.domain.raid.models import StatusReport as StatusReportRow

QUERIES: list[type] = [ControlQueries, AuditQueries]
MUTATIONS: list[type] = [ControlMutations]
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {
    "StatusReport": (StatusReport, StatusReportRow, "status_report"),
    "ChangeRequest": (ChangeRequest, ChangeRequestRow, "change_request"),
    "AuditEvent": (AuditEvent, AuditEventRow, "audit_event"),
}
