"""GraphQL types for API tokens (PMO only)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from server.domain.auth.models import ApiToken as ApiTokenRow


@strawberry.type(description="A service account's API token; the secret itself is never shown.")
class ApiToken(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Unique name, e.g. the BI connector's.")
    created_at: datetime = strawberry.field(description="When it was issued (UTC).")
    expires_at: datetime | None = strawberry.field(description="When it stops working.")
    last_used_at: datetime | None = strawberry.field(description="Last authenticated use.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")

    @classmethod
    def from_row(cls, row: ApiTokenRow) -> ApiToken:
        return cls(id=row.id, name=row.name, created_at=row.created_at,  # type: ignore[arg-type]
                   expires_at=row.expires_at, last_used_at=row.last_used_at,
                   revoked_at=row.revoked_at)
