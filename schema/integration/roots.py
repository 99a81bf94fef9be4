"""What the integration package (webhook management) adds to the schema's roots."""

from schema.integration.mutations import WebhookMutations

QUERIES: list[type] = []
MUTATIONS: list[type] = [WebhookMutations]
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:): Webhook is
# registered by the collaboration package, which owns the type.
NODES: dict[str, tuple[type, type, str]] = {}
