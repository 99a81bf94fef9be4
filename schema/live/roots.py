"""What the live-updates package adds to the schema's roots."""

from schema.live.subscriptions import LiveSubscriptions

QUERIES: list[type] = []
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = [LiveSubscriptions]
TYPES: list[type] = []
NODES: dict[str, tuple[type, type, str]] = {}
