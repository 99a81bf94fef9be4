"""What the control package (change requests, status reports) adds to the schema's roots."""

from schema.control.queries import ControlQueries

QUERIES: list[type] = [ControlQueries]
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
