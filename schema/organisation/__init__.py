"""GraphQL: organisation."""
