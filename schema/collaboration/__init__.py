"""Comments, notifications and their preferences, webhooks and their deliveries."""
