"""Who is acting and through which face; services ask the one enforcer through it."""

from __future__ import annotations

from dataclasses import dataclass

from policies.enforcer import Authorizer
from policies.resources import Resource, Subject
from server.domain.enums import AuditSource


@dataclass(frozen=True, slots=True)
class Actor:
    """A person acting through GraphQL, the console or the CLI."""

    subject: Subject
    authorizer: Authorizer
    source: AuditSource

    @property
    def person_id(self) -> int:
        return self.subject.person_id

    def can(self, action: str, resource: Resource) -> bool:
        """Whether the policies allow this."""
        return self.authorizer.can(self.subject, action, resource)

    def require(self, action: str, resource: Resource) -> None:
        """Raise ``Forbidden`` unless the policies allow this."""
        self.authorizer.require(self.subject, action, resource)
