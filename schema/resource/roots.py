"""What the resource package (milestones, costs, allocations, ...) adds to the schema's roots."""

QUERIES: list[type] = []
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
