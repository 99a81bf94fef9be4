"""What the project package adds to the schema's roots."""

from schema.project.mutations import ProjectMutations
from schema.project.queries import ProjectQueries

QUERIES: list[type] = [ProjectQueries]
MUTATIONS: list[type] = [ProjectMutations]
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
