"""What the organisation package (people, departments, portfolios...) adds to the roots."""

QUERIES: list[type] = []
MUTATIONS: list[type] = []
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
