"""GraphQL: change control and status reporting."""
