"""What the metrics package adds to the schema's roots: nothing at the root; its fields live
on Project and Portfolio (``schema/metrics/fields.py``)."""

QUERIES: list[type] = []
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {}
