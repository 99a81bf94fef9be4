"""The authenticated caller of a request: who they are and the roles they hold right now."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from policies.resources import Subject
from server.domain.auth import roles
from server.domain.auth.authn import Identity


@dataclass(frozen=True, slots=True)
class Viewer:
    """An authenticated person with the roles the database gives them at request time."""

    identity: Identity
    subject: Subject

    @property
    def person_id(self) -> int:
        return self.identity.person_id


async def load_viewer(session: AsyncSession, identity: Identity) -> Viewer:
    """Attach the person's current roles (one indexed query per request)."""
    held = await roles.roles_of(session, person_id=identity.person_id)
    return Viewer(identity, Subject(identity.person_id, frozenset(r.value for r in held)))
