"""GraphQL: auth."""
