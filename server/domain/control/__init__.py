"""Change control and status reporting: change requests and periodic status reports."""
