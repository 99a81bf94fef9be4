"""GraphQL: portfolio."""
