"""Read-only analytics: capacity, risk exposure and strategic alignment."""
