"""Portfolio domain."""
