"""Project domain."""
