"""Raid domain."""
