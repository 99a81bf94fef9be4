"""What the project package adds to the schema's roots."""

from schema.project.mutations import ProjectMutations
from schema.project.queries import ProjectQueries

QUERIES: list[type] = [ProjectQueries]
MUTATIONS: list[type] = [ProjectMutations]
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {}
