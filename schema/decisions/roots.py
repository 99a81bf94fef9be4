"""What the decisions package adds to the schema's roots."""

from schema.decisions.mutations import DecisionMutations
from schema.decisions.queries import DecisionQueries

QUERIES: list[type] = [DecisionQueries]
MUTATIONS: list[type] = [DecisionMutations]
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {}
