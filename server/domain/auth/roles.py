"""Role assignments: Casbin grouping rows ``g, person:<id>, <role>`` in ``casbin_rule``."""

from __future__ import annotations

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


async def roles_of(session: AsyncSession, *, person_id: int) -> list[Role]:
    """The roles a person holds, sorted."""
    rows = await session.exec(
        sa.select(CasbinRule.v1).where(  # type: ignore[call-overload]
            CasbinRule.ptype == "g", CasbinRule.v0 == subject(person_id)
        )
    )
    return sorted(Role(r[0]) for r in rows.all() if r[0] in Role._value2member_map_)
