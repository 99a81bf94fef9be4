"""Computed metrics: earned value and health, as of a date."""
