"""GraphQL: project."""
