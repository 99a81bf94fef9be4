"""Computed metrics in the API: earned value and health."""
