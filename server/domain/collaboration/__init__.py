"""Collaboration domain."""
