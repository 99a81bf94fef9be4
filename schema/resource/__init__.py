"""GraphQL: delivery data (milestones, costs, allocations, benefits, lessons, objectives)."""
