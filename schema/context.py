"""The per-request GraphQL context: the caller, the enforcer, sessions and loaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.types import Info as StrawberryInfo

from policies.enforcer import Authorizer
from policies.resources import Resource
from schema.base import UserError, forbidden_error, run_mutation, unauthenticated_error
from schema.dataloaders import Loaders
from schema.readpath.stats import ReadPathStats
from server.domain.actor import Actor
from server.domain.auth.viewer import Viewer
from server.domain.enums import AuditSource
from server.limits import Limits

T = TypeVar("T")


@dataclass
class Context:
    """What every resolver may use; built once per request."""

    sessions: async_sessionmaker[AsyncSession]
    authorizer: Authorizer
    viewer: Viewer | None
    request: Any = None
    debug: bool = False
    broadcast: Any = None
    response: Any = None
    # graphql-transport-ws connection_init payload (Strawberry sets it when present).
    connection_params: Any = None
    # Declared lists served by the compiled read path (schema.readpath); off only to compare.
    compiled_reads: bool = True
    # The response is encoded by orjson (HTTP): a compiled root list may answer with JSON
    # that PostgreSQL built (an ``orjson.Fragment``) instead of Python values.
    raw_json: bool = False
    # What one request may ask (schema/limits.py); the defaults unless settings say otherwise.
    limits: Limits = field(default_factory=Limits)
    # Production: no __schema/__type, and no "Did you mean ...?" in error messages.
    introspection: bool = True
    hide_suggestions: bool = False
    # Persisted operations (server/persisted.py OperationStore); None: any document runs.
    operations: Any = None
    # How far after today a status report's period may end (PMO_STATUS_REPORT_GRACE_DAYS).
    status_report_grace_days: int = 7
    # How long deletions are kept for reports { deletedRows } (PMO_DELETED_ROWS_RETENTION_DAYS).
    deleted_rows_retention_days: int = 90
    # Where reports read (PMO_REPLICA_DATABASE_URL's replica when set): only statements that
    # need not see the caller's own latest write; ``sessions`` when there is no replica.
    report_sessions: async_sessionmaker[AsyncSession] | None = None
    loaders: Loaders = field(init=False)
    read_path_stats: ReadPathStats = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.sessions)
        if self.report_sessions is None:
            self.report_sessions = self.sessions
        self.read_path_stats = ReadPathStats()

    @property
    def actor(self) -> Actor:
        """The caller as services see them; UNAUTHENTICATED when there is none."""
        if self.viewer is None:
            raise unauthenticated_error()
        return Actor(self.viewer.subject, self.authorizer, AuditSource.GRAPHQL)

    async def mutate(self, work: Callable[[AsyncSession], Awaitable[T]],
                     ) -> tuple[T | None, list[UserError]]:
        """Run a service call as one transaction (see ``schema.base.run_mutation``)."""
        return await run_mutation(self.actor, self.sessions, work, self.broadcast)

    def can(self, action: str, resource: Resource) -> bool:
        """Whether the caller may (for ``viewerCan*`` fields and nullable reads)."""
        return self.viewer is not None and self.authorizer.can(
            self.viewer.subject, action, resource)

    def require(self, action: str, resource: Resource) -> None:
        """Raise a FORBIDDEN GraphQL error unless the caller may."""
        if self.viewer is None:
            raise unauthenticated_error()
        if not self.authorizer.can(self.viewer.subject, action, resource):
            raise forbidden_error(
                f"not allowed to {action} {resource.type.replace('_', ' ').replace('.', ' ')}")


Info = StrawberryInfo[Context, None]
