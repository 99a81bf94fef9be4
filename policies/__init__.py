"""Authorization: the Casbin model, the default rules and the one enforcer that applies them."""
