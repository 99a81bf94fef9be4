"""What the control package (change requests, status reports) adds to the schema's roots."""

from schema.control.queries import ControlQueries
from schema.control.types import StatusReport
from server.domain.raid.models import StatusReport as StatusReportRow

QUERIES: list[type] = [ControlQueries]
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {
    "StatusReport": (StatusReport, StatusReportRow, "status_report")}
