"""GraphQL: stage-gate and change-request decisions."""
