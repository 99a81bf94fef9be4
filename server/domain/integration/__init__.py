"""Integration domain."""
