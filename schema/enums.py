"""Domain enumerations exposed to GraphQL under their domain names."""

from __future__ import annotations

import strawberry

from server.domain import enums

ProjectStatus = strawberry.enum(enums.ProjectStatus, description="Where a project is in its life.")
Rag = strawberry.enum(enums.Rag, description="Red, amber or green health.")
