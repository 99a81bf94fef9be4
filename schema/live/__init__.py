"""GraphQL: live updates (subscriptions)."""
