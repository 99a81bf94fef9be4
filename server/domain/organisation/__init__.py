"""Organisation domain."""
