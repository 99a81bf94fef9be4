"""What the RAID package adds to the schema's roots."""

from schema.raid.queries import RaidQueries

QUERIES: list[type] = [RaidQueries]
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
