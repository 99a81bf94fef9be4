"""Knowledge domain."""
