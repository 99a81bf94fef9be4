"""Resource domain."""
