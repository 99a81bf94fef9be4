"""GraphQL face of outbound integration: webhook management."""
