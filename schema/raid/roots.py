"""What the RAID package adds to the schema's roots."""

from schema.raid.queries import RaidQueries
from schema.raid.types import Risk
from server.domain.raid.models import Risk as RiskRow

QUERIES: list[type] = [RaidQueries]
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {"Risk": (Risk, RiskRow, "risk")}
