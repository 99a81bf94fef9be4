"""GraphQL: governance (gates, templates)."""
