"""What the reporting package adds to the schema's roots: ``reports``."""

from schema.reporting.queries import ReportingQueries

QUERIES: list[type] = [ReportingQueries]
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {}
