"""The GraphQL face of the PMO domain (Strawberry)."""
