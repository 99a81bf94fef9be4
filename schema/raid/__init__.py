"""GraphQL: RAID (risks, issues, assumptions, dependencies), change requests, status."""
