"""Role assignments: Casbin grouping rows ``g, person:<id>, <role>`` in ``casbin_rule``."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.domain.auth.models import CasbinRule
from server.domain.enums import Role


def subject(person_id: int) -> str:
    """The Casbin subject for a person."""
    return f"person:{person_id}"


async def assign(session: AsyncSession, *, person_id: int, role: Role) -> None:
    """Give a person a role (idempotent). Does not commit."""
    existing = await session.exec(
        sa.select(CasbinRule.id).where(  # type: ignore[call-overload]
            CasbinRule.ptype == "g",
            CasbinRule.v0 == subject(person_id),
            CasbinRule.v1 == role.value,
        )
    )
    if existing.first() is None:
        session.add(CasbinRule(ptype="g", v0=subject(person_id), v1=role.value))


async def holders(session: AsyncSession, roles: Iterable[Role]) -> dict[int, frozenset[str]]:
    """The people holding any of ``roles``, each with every role they hold (one statement)."""
    wanted = {role.value for role in roles}
    held: dict[int, set[str]] = {}
    rows = await session.exec(sa.select(CasbinRule.v0, CasbinRule.v1).where(  # type: ignore[call-overload]
        CasbinRule.ptype == "g", CasbinRule.v0.like("person:%")))  # type: ignore[union-attr]
    for who, role in rows.all():
        held.setdefault(int(who.split(":", 1)[1]), set()).add(role)
    return {pid: frozenset(have) for pid, have in held.items() if have & wanted}


async def roles_of(session: AsyncSession, *, person_id: int) -> list[Role]:
    """The roles a person holds, sorted."""
    rows = await session.exec(
        sa.select(CasbinRule.v1).where(  # type: ignore[call-overload]
            CasbinRule.ptype == "g", CasbinRule.v0 == subject(person_id)
        )
    )
    return sorted(Role(r[0]) for r in rows.all() if r[0] in Role._value2member_map_)
