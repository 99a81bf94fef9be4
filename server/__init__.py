"""PMO backend: a GraphQL API and admin console for a Project Management Office."""

__version__ = "0.1.0"
