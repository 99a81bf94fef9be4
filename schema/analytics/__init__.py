"""GraphQL: capacity, risk exposure and strategic alignment."""
