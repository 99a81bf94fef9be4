"""People as users: creation with a role, lookup for token minting."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.auth import roles
from server.domain.auth.models import ConsoleSignIn
from server.domain.auth.passwords import hash_password
from server.domain.enums import Role
from server.domain.organisation.models import Person


class UserError(Exception):
    """A user operation cannot be done; the message is for the operator."""


def normalise_email(email: str) -> str:
    """Emails are stored trimmed and lower-case."""
    value = email.strip().lower()
    if "@" not in value or value.startswith("@") or value.endswith("@") or " " in value:
        raise UserError(f"invalid email address {email!r}")
    return value


async def get_by_email(session: AsyncSession, *, email: str) -> Person | None:
    """The person with this email, or None."""
    result = await session.exec(
        sa.select(Person).where(Person.email == normalise_email(email))  # type: ignore[call-overload]
    )
    return result.scalar_one_or_none()


async def get_active_person_by_email(session: AsyncSession, *, email: str) -> Person:
    """The active person with this email; UserError if missing or inactive."""
    person = await get_by_email(session, email=email)
    if person is None:
        raise UserError(f"no person with email {normalise_email(email)}")
    if not person.active:
        raise UserError(f"{person.email} is inactive")
    return person


async def create_user(
    session: AsyncSession, *, email: str, full_name: str, role: Role, password: str | None = None
) -> Person:
    """Create a person with a role (and a console password if given). Does not commit."""
    address = normalise_email(email)
    if not full_name.strip():
        raise UserError("name must not be empty")
    if password is not None and len(password) < 8:
        raise UserError("password must be at least 8 characters")
    if await get_by_email(session, email=address) is not None:
        raise UserError(f"a person with email {address} already exists")
    person = Person(
        email=address,
        full_name=full_name.strip(),
        password_hash=hash_password(password) if password else None,
    )
    session.add(person)
    await session.flush()
    await roles.assign(session, person_id=person.id, role=role)  # type: ignore[arg-type]
    return person


async def end_console_sign_ins(session: AsyncSession, person_id: int) -> None:
    """End every console session of a person (deactivated, or no longer allowed in)."""
    await session.exec(sa.delete(ConsoleSignIn).where(  # type: ignore[call-overload]
        ConsoleSignIn.person_id == person_id))
